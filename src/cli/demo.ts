import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModcapError } from '../errors.ts';
import { runForecastJob } from './forecast.ts';

const DEMO_DIR = resolve(import.meta.dirname, '../../data/demo');

/** `modcap demo`: forecast every demo series 8 weeks ahead and write the results to `out/`. */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string', default: 'out' } } });
  const input = resolve(DEMO_DIR, 'volumes.csv');
  const events = resolve(DEMO_DIR, 'events.json');
  if (!existsSync(input)) throw new ModcapError('BAD_ARGUMENT', `demo data not found at ${input}`);
  const t0 = performance.now();
  const { results, files } = await runForecastJob({
    input,
    events: existsSync(events) ? events : undefined,
    horizon: '8w',
    levels: [80, 95],
    out: resolve(values.out),
  });
  const models = new Map<string, number>();
  for (const r of results) models.set(r.model, (models.get(r.model) ?? 0) + 1);
  console.error(`forecast ${results.length} series in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const f of files) console.log(f);
  return 0;
}
