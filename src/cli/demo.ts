import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModcapError } from '../errors.ts';
import { runMainJob } from './run.ts';

const DEMO_DIR = resolve(import.meta.dirname, '../../data/demo');

/** Usage of `modcap demo`. */
export const DEMO_USAGE = `modcap demo [--out DIR] [--data-dir DIR] [--no-store]
  The main job (modcap run) on the bundled demo data: data/demo/volumes.csv (30 series, two years hourly),
  data/demo/events.json and data/demo/config.json; 26-week forecast, every scenario, report at out/report.html.`;

/**
 * `modcap demo`: {@link runMainJob} on the bundled demo data (history, anomalies, 26-week forecast with events,
 * plan for every scenario, cost, report, store), printing progress and the report's path at the end.
 */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'out' },
      'data-dir': { type: 'string' },
      'no-store': { type: 'boolean', default: false },
    },
  });
  const input = resolve(DEMO_DIR, 'volumes.csv');
  if (!existsSync(input)) throw new ModcapError('BAD_ARGUMENT', `demo data not found at ${input}`);
  const t0 = performance.now();
  const r = await runMainJob({
    input,
    events: resolve(DEMO_DIR, 'events.json'),
    config: resolve(DEMO_DIR, 'config.json'),
    out: resolve(values.out as string),
    horizon: '26w',
    scenarios: 'all',
    dataDir: values['data-dir'] as string | undefined,
    store: !values['no-store'],
  });
  console.error(
    `modcap demo: finished in ${((performance.now() - t0) / 1000).toFixed(1)} s; open the report:`,
  );
  console.log(r.report);
  return 0;
}
