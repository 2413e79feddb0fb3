/**
 * Holdout check on the demo data: for every demo series, forecast the last `--weeks` weeks (default 8)
 * from the history before them, with the events file, and compare with what came in: WAPE, MASE (m = 168)
 * and the coverage of the 80% and 95% intervals, per preset.
 *
 * Usage: node --import tsx bench/demo-backtest.ts [--weeks 8] [--origins 2]
 *   --origins K   repeat at K origins, each `weeks` apart, and pool the results
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEvents } from '../src/forecast/events/index.ts';
import { readVolumes } from '../src/forecast/io/index.ts';
import { coverage, mase, wape } from '../src/forecast/metrics.ts';
import { forecastMany } from '../src/forecast/runner.ts';
import type { Series } from '../src/forecast/types.ts';

const { values } = parseArgs({
  options: { weeks: { type: 'string', default: '8' }, origins: { type: 'string', default: '2' } },
});
const H = 168 * Number(values.weeks);
const demo = resolve(import.meta.dirname, '../data/demo');
const series = await readVolumes(resolve(demo, 'volumes.csv'));
const events = await loadEvents(resolve(demo, 'events.json'));

const cut = (s: Series, end: number): Series => ({
  ...s,
  timestamps: s.timestamps.slice(0, end),
  values: s.values.slice(0, end),
});

console.log(
  `demo holdout: ${series.length} series, horizon ${H} hours, ${values.origins} origins ${H} hours apart`,
);
console.log('');
console.log('| preset | cleaning | WAPE % | MASE (m=168) | 80% cov. | 95% cov. | wall s |');
console.log('|---|---|---|---|---|---|---|');
for (const [preset, clean] of [
  ['fast', false],
  ['fast', true],
  ['full', false],
] as const) {
  let num = 0;
  let den = 0;
  const mases: number[] = [];
  let c80 = 0;
  let c95 = 0;
  let count = 0;
  const t0 = performance.now();
  for (let o = 0; o < Number(values.origins); o++) {
    const train = series.map((s) => cut(s, s.values.length - H * (o + 1)));
    const { results } = await forecastMany(train, { horizon: H, levels: [80, 95], events, preset, clean });
    for (const r of results) {
      const s = series.find((x) => x.id === r.id)!;
      const end = s.values.length - H * (o + 1);
      const actual = s.values.slice(end, end + H);
      const w = wape(actual, r.point);
      const a = actual.reduce((x, v) => x + (Number.isNaN(v) ? 0 : v), 0);
      num += (w / 100) * a;
      den += a;
      mases.push(mase(actual, r.point, s.values.slice(0, end), 168));
      c80 += coverage(actual, r.intervals[0].lower, r.intervals[0].upper);
      c95 += coverage(actual, r.intervals[1].lower, r.intervals[1].upper);
      count++;
    }
  }
  const wall = (performance.now() - t0) / 1000;
  const m = mases.reduce((x, v) => x + v, 0) / mases.length;
  console.log(
    `| ${preset} | ${clean ? 'on' : 'off'} | ${((100 * num) / den).toFixed(2)} | ${m.toFixed(3)} | ${(c80 / count).toFixed(3)} | ${(c95 / count).toFixed(3)} | ${wall.toFixed(1)} |`,
  );
}
