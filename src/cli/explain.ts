import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { ModcapError } from '../errors.ts';
import { loadEvents } from '../forecast/events/index.ts';
import {
  accuracyCsv,
  explainJson,
  explainMiss,
  formatExplainReport,
  readForecast,
} from '../forecast/explain/index.ts';
import { readVolumes } from '../forecast/io/index.ts';
import { parseOptions } from './args.ts';

/** Usage of `modcap explain`. */
export const EXPLAIN_USAGE = `modcap explain --forecast FILE --actuals FILE [--events FILE] [--from ISO] [--to ISO]
               [--grain day|week] [--tz ZONE] [--out DIR] [--json]
  Compares a stored forecast (forecast.csv or forecast.json from modcap forecast) with actual volumes,
  attributes the miss to queues / languages / markets (and two-way cells), and says whether it looks
  like a mis-sized event, a missing event or a volume surprise. --from is inclusive, --to exclusive
  (ISO dates or date-times; without an offset, UTC). --out writes explain.json and accuracy.csv;
  --json prints the JSON document instead of the report.`;

/**
 * Parses an ISO 8601 date or date-time for `--from` / `--to` (no offset → UTC) to epoch ms.
 *
 * @throws ModcapError BAD_ARGUMENT for anything else
 * @example parseInstant('2025-03-01', '--from') // => 1740787200000
 */
export function parseInstant(text: string, option: string): number {
  const dt = DateTime.fromISO(text.trim(), { zone: 'UTC', setZone: true });
  if (!dt.isValid) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      `${option}: "${text}" is not an ISO 8601 date or date-time (e.g. 2025-03-01 or 2025-03-01T00:00Z)`,
      { value: text },
    );
  }
  return dt.toMillis();
}

/**
 * `modcap explain ...`: reads the forecast, the actuals and the events (all validated before any work),
 * prints the report (or the JSON with `--json`), writes `explain.json` and `accuracy.csv` to `--out`.
 * Returns 0; bad input throws `ModcapError` (the CLI's main prints it and exits with 2).
 *
 * @throws ModcapError BAD_ARGUMENT (options), EXPLAIN_NO_OVERLAP, and every input error of the readers
 * @example await explainCommand(['--forecast', 'out/forecast.csv', '--actuals', 'actuals.csv']) // => 0
 */
export async function explainCommand(argv: string[]): Promise<number> {
  const values = parseOptions(
    argv,
    {
      forecast: { type: 'string' },
      actuals: { type: 'string' },
      events: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      grain: { type: 'string' },
      tz: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    EXPLAIN_USAGE,
  );
  const str = (k: string) => values[k] as string | undefined;
  if (!str('forecast'))
    throw new ModcapError('BAD_ARGUMENT', `--forecast FILE is required\n\n${EXPLAIN_USAGE}`);
  if (!str('actuals'))
    throw new ModcapError('BAD_ARGUMENT', `--actuals FILE is required\n\n${EXPLAIN_USAGE}`);
  const grain = str('grain');
  if (grain !== undefined && grain !== 'day' && grain !== 'week') {
    throw new ModcapError('BAD_ARGUMENT', `--grain: "${grain}" is not day or week`, { value: grain });
  }
  const from = str('from') === undefined ? undefined : parseInstant(str('from') as string, '--from');
  const to = str('to') === undefined ? undefined : parseInstant(str('to') as string, '--to');
  if (from !== undefined && to !== undefined && !(from < to)) {
    throw new ModcapError('BAD_ARGUMENT', '--from must be before --to', {
      value: { from: str('from'), to: str('to') },
    });
  }

  const events = str('events') ? loadEvents(str('events') as string) : [];
  const forecast = readForecast(str('forecast') as string);
  const actuals = await readVolumes(str('actuals') as string, { timeZone: str('tz') });
  const result = explainMiss(forecast.rows, actuals, { from, to, grain, events });
  if (result.comparison.total.n === 0) {
    throw new ModcapError(
      'EXPLAIN_NO_OVERLAP',
      `the forecast (${forecast.rows.length} rows) and the actuals (${actuals.length} series) share no series and period${from !== undefined || to !== undefined ? ' in the --from/--to window' : ''}`,
      { file: str('actuals') },
    );
  }
  const doc = explainJson(result);
  if (values.json) console.log(JSON.stringify(doc, null, 2));
  else console.log(formatExplainReport(result));
  const out = str('out');
  if (out) {
    const dir = resolve(out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'explain.json'), JSON.stringify(doc, null, 2));
    writeFileSync(join(dir, 'accuracy.csv'), accuracyCsv(result.comparison));
    console.error(`wrote ${join(dir, 'explain.json')} and ${join(dir, 'accuracy.csv')}`);
  }
  return 0;
}
