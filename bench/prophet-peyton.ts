/**
 * Prophet's own example, side by side with R prophet: log daily Wikipedia views of Peyton Manning
 * (../shared/data/prophet-examples/example_wp_log_peyton_manning.csv) with the playoff and Super Bowl
 * holidays of Prophet's documentation (bench/peers/peyton_events.csv, lower_window 0, upper_window 1),
 * and the rolling-origin evaluation of Prophet's cross-validation docs: initial 730 days, period 180,
 * horizon 365. Cutoffs are computed as prophet's generate_cutoffs does (and checked against the
 * cutoffs R prophet wrote, when bench/peers/prophet_peyton.R has been run).
 *
 * Usage: node --import tsx bench/prophet-peyton.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventSpec } from '../src/forecast/events/index.ts';
import { coverage, mae } from '../src/forecast/metrics.ts';
import { forecastSeries } from '../src/forecast/pipeline.ts';
import type { Series } from '../src/forecast/types.ts';

const DAY = 86_400_000;
const data = readFileSync(
  resolve(import.meta.dirname, '../../shared/data/prophet-examples/example_wp_log_peyton_manning.csv'),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [ds, y] = l.replace(/"/g, '').split(',');
    return { t: Date.parse(`${ds}T00:00:00Z`), y: Number(y) };
  });

// events: every playoff / Super Bowl date is a one-day window with the next day (upper_window 1)
const events: EventSpec[] = readFileSync(resolve(import.meta.dirname, 'peers/peyton_events.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [holiday, ds, lower, upper] = l.split(',');
    return {
      name: `${holiday}-${ds}`,
      type: 'other',
      start: ds,
      shape: { kind: 'window', preDays: -Number(lower), postDays: Number(upper) },
    } as EventSpec;
  });

// prophet's generate_cutoffs(df, horizon, initial, period)
const first = data[0].t;
const last = data[data.length - 1].t;
const horizon = 365 * DAY;
const cutoffs: number[] = [last - horizon];
while (cutoffs[cutoffs.length - 1] >= first + 730 * DAY) {
  const c = cutoffs[cutoffs.length - 1] - 180 * DAY;
  cutoffs.push(c);
}
cutoffs.pop();
cutoffs.reverse();
const rCutoffsPath = resolve(import.meta.dirname, 'results/peers/r-prophet-peyton-cutoffs.csv');
if (existsSync(rCutoffsPath)) {
  const rc = readFileSync(rCutoffsPath, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Date.parse(`${l.replace(/"/g, '').slice(0, 10)}T00:00:00Z`));
  const same = rc.length === cutoffs.length && rc.every((c, i) => c === cutoffs[i]);
  if (!same) console.error(`warning: cutoffs differ from R prophet's (${rc.length} vs ${cutoffs.length})`);
}

function seriesUpTo(cut: number): Series {
  const byT = new Map(data.filter((d) => d.t <= cut).map((d) => [d.t, d.y]));
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let t = first; t <= cut; t += DAY) {
    timestamps.push(t);
    values.push(byT.get(t) ?? Number.NaN);
  }
  return { key: { queue: 'peyton' }, id: 'peyton', freq: 'day', timeZone: 'UTC', timestamps, values };
}

const rows: { y: number; yhat: number; lo: number; hi: number }[] = [];
const t0 = performance.now();
for (const cut of cutoffs) {
  const s = seriesUpTo(cut);
  const f = forecastSeries(s, {
    horizon: 365,
    levels: [80],
    events,
    holidays: false,
    models: process.env.MODELS?.split(','),
  });
  const idx = new Map(f.timestamps.map((t, k) => [t, k]));
  for (const d of data) {
    if (d.t <= cut || d.t > cut + horizon) continue;
    const k = idx.get(d.t);
    if (k === undefined) continue;
    rows.push({ y: d.y, yhat: f.point[k], lo: f.intervals[0].lower[k], hi: f.intervals[0].upper[k] });
  }
  console.error(`cutoff ${new Date(cut).toISOString().slice(0, 10)}: ${f.model}`);
}
const seconds = (performance.now() - t0) / 1000;

function summary(r: typeof rows) {
  const y = r.map((x) => x.y);
  const yhat = r.map((x) => x.yhat);
  const mape = (100 * r.reduce((a, x) => a + Math.abs((x.y - x.yhat) / x.y), 0)) / r.length;
  return {
    n: r.length,
    mae: mae(y, yhat),
    mape,
    coverage80: coverage(
      y,
      r.map((x) => x.lo),
      r.map((x) => x.hi),
    ),
  };
}
const ours = summary(rows);

const out: string[] = [
  `Peyton Manning (log daily views), ${cutoffs.length} cutoffs ${new Date(cutoffs[0]).toISOString().slice(0, 10)} … ${new Date(cutoffs[cutoffs.length - 1]).toISOString().slice(0, 10)}, horizon 365 days`,
  '',
  '| tool | MAE | MAPE % | 80% coverage | predictions | seconds (all cutoffs) |',
  '|---|---|---|---|---|---|',
  `| modcap auto | ${ours.mae.toFixed(4)} | ${ours.mape.toFixed(3)} | ${ours.coverage80.toFixed(3)} | ${ours.n} | ${seconds.toFixed(1)} |`,
];
const cvPath = resolve(import.meta.dirname, 'results/peers/r-prophet-peyton-cv.csv');
if (existsSync(cvPath)) {
  const lines = readFileSync(cvPath, 'utf8').trim().split('\n');
  const head = lines[0].split(',').map((c) => c.replace(/"/g, ''));
  const col = (n: string) => head.indexOf(n);
  const pr = lines.slice(1).map((l) => {
    const c = l.split(',').map((x) => x.replace(/"/g, ''));
    return {
      y: Number(c[col('y')]),
      yhat: Number(c[col('yhat')]),
      lo: Number(c[col('yhat_lower')]),
      hi: Number(c[col('yhat_upper')]),
    };
  });
  const theirs = summary(pr);
  const timesPath = resolve(import.meta.dirname, 'results/peers/r-prophet-peyton-times.csv');
  let secs = '–';
  if (existsSync(timesPath)) {
    const tl = readFileSync(timesPath, 'utf8').trim().split('\n');
    const cv = tl.find((l) => l.includes('cross_validation'));
    if (cv) secs = Number(cv.split(',')[1]).toFixed(1);
  }
  out.push(
    `| R prophet | ${theirs.mae.toFixed(4)} | ${theirs.mape.toFixed(3)} | ${theirs.coverage80.toFixed(3)} | ${theirs.n} | ${secs} |`,
  );
}
console.log(out.join('\n'));
