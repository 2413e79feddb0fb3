import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModcapError } from '../errors.ts';
import type { Anomaly } from '../forecast/anomalies/index.ts';
import { loadEvents } from '../forecast/events/index.ts';
import { csvCell, readVolumes } from '../forecast/io/index.ts';
import { provenance } from '../forecast/output.ts';
import { detectAnomaliesParallel } from '../parallel/anomalies.ts';

export const ANOMALIES_USAGE = `modcap anomalies --input FILE [--events FILE] [--tz ZONE] [--out DIR]
  Finds what was not normal in a volume history: spikes and dips, level shifts, gaps, flat lines and
  runs of zeros, each labelled with the calendar event that explains it where one does. Writes
  anomalies.csv and anomalies.json to --out (default out/).`;

/** Anomalies as CSV, one row each. */
export function anomaliesCsv(anomalies: readonly Anomaly[]): string {
  const keys: string[] = [];
  for (const a of anomalies) for (const k of Object.keys(a.key)) if (!keys.includes(k)) keys.push(k);
  const head = [
    ...keys,
    'kind',
    'start',
    'end',
    'observed',
    'expected',
    'lower',
    'upper',
    'level',
    'severity',
    'relative_change',
    'event',
    'detector',
    'pooled_with',
  ];
  const r3 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : '');
  const rows = anomalies.map((a) =>
    [
      ...keys.map((k) => csvCell(a.key[k])),
      a.kind,
      new Date(a.start).toISOString(),
      new Date(a.end).toISOString(),
      r3(a.observed),
      r3(a.expected),
      r3(a.lower),
      r3(a.upper),
      a.level,
      r3(a.severity),
      a.relativeChange === undefined ? '' : r3(a.relativeChange),
      csvCell(a.event?.name),
      a.detector,
      csvCell(a.pooledWith?.join(' ')),
    ].join(','),
  );
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

/** `modcap anomalies ...` */
export async function anomaliesCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      events: { type: 'string' },
      tz: { type: 'string' },
      out: { type: 'string', default: 'out' },
    },
  });
  if (!values.input) throw new ModcapError('BAD_ARGUMENT', `--input FILE is required\n\n${ANOMALIES_USAGE}`);
  const events = values.events ? await loadEvents(values.events) : [];
  const series = await readVolumes(values.input, { timeZone: values.tz });
  const t0 = performance.now();
  const anomalies = await detectAnomaliesParallel(series, { events });
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  const meta = await provenance([values.input, ...(values.events ? [values.events] : [])], {
    command: 'anomalies',
  });
  writeFileSync(join(out, 'anomalies.csv'), anomaliesCsv(anomalies));
  writeFileSync(
    join(out, 'anomalies.json'),
    JSON.stringify({
      provenance: meta,
      anomalies: anomalies.map((a) => ({
        ...a,
        start: new Date(a.start).toISOString(),
        end: new Date(a.end).toISOString(),
      })),
    }),
  );
  const byKind = new Map<string, number>();
  for (const a of anomalies) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
  const explained = anomalies.filter((a) => a.event).length;
  console.error(
    `${anomalies.length} anomalies in ${series.length} series (${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')}; ` +
      `${explained} explained by calendar events) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(join(out, 'anomalies.csv'));
  console.log(join(out, 'anomalies.json'));
  return 0;
}
