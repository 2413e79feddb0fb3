/**
 * M4 Hourly benchmark: sMAPE, MASE, OWA and interval coverage of each modcap model and of the automatic
 * choice, beside the published M4 results and the peer tools' saved forecasts (bench/peers/).
 *
 * Usage: node --import tsx bench/m4.ts [--every K] [--models a,b] [--out bench/results/m4.json]
 *   --every K   use every K-th series (default 1: all 414)
 * Times: per-series fit + predict in this thread (median and mean ms), and the wall time of the
 * automatic choice over all series with the worker-thread runner (all cores).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initSync, MSTL } from '@bsull/augurs/mstl';
import { coverage } from '../src/forecast/metrics.ts';
import { forecastSeries } from '../src/forecast/pipeline.ts';
import { forecastMany } from '../src/forecast/runner.ts';
import type { Forecast, Series } from '../src/forecast/types.ts';
import { loadM4Hourly, M4_H, type M4Series, scoreM4, summarise } from './lib/m4.ts';
import { type SingleModel, singleModels } from './lib/models.ts';

const { values } = parseArgs({
  options: {
    every: { type: 'string', default: '1' },
    models: { type: 'string' },
    out: { type: 'string', default: 'bench/results/m4.json' },
    'no-peers': { type: 'boolean', default: false },
  },
});
const every = Number(values.every);
const all = loadM4Hourly();
const series = all.filter((_, i) => i % every === 0);
const START = Date.UTC(2015, 0, 1);

function toSeries(s: M4Series): Series {
  return {
    key: { id: s.id },
    id: s.id,
    freq: 'hour',
    timeZone: 'UTC',
    timestamps: s.train.map((_, t) => START + t * 3_600_000),
    values: s.train,
  };
}

interface Row {
  tool: string;
  model: string;
  series: number;
  smape: number;
  mase: number;
  owa: number;
  cov80?: number;
  cov95?: number;
  msPerSeriesMedian?: number;
  msPerSeriesMean?: number;
  failed: number;
  /** series a peer was not run on (slow peers run on a subset) */
  notRun?: number;
  note?: string;
}

const median = (x: number[]) => {
  const s = x.slice().sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : Number.NaN;
};

function scoreRun(tool: string, model: string, run: (s: M4Series) => Forecast, note?: string): Row {
  const scores = [];
  const times: number[] = [];
  let c80 = 0;
  let c95 = 0;
  let failed = 0;
  for (const s of series) {
    const t0 = performance.now();
    let f: Forecast;
    try {
      f = run(s);
    } catch {
      failed++;
      f = { point: s.train.slice(-24).concat(s.train.slice(-24)), intervals: [] };
    }
    times.push(performance.now() - t0);
    scores.push(scoreM4(s, f.point));
    const i80 = f.intervals.find((i) => i.level === 80);
    const i95 = f.intervals.find((i) => i.level === 95);
    if (i80) c80 += coverage(s.test, i80.lower, i80.upper);
    if (i95) c95 += coverage(s.test, i95.lower, i95.upper);
  }
  const sum = summarise(scores);
  return {
    tool,
    model,
    series: series.length,
    ...sum,
    cov80: c80 / series.length,
    cov95: c95 / series.length,
    msPerSeriesMedian: median(times),
    msPerSeriesMean: times.reduce((a, b) => a + b, 0) / times.length,
    failed,
    note,
  };
}

const rows: Row[] = [];
const only = values.models?.split(',');
const models: SingleModel[] = singleModels().filter((m) => !only || only.includes(m.label));
for (const m of models) {
  rows.push(
    scoreRun('modcap', m.label, (s) =>
      m.model.fit(s.train, { periods: [24, 168] }).predict(M4_H, { levels: [80, 95] }),
    ),
  );
  console.error(`done ${m.label}`);
}
// augurs, in this same run: MSTL(24,168) with its AutoETS trend (its .wasm loaded from disk with initSync)
if (!only || only.includes('augurs')) {
  const jsPath = fileURLToPath(import.meta.resolve('@bsull/augurs/mstl'));
  initSync({ module: readFileSync(join(dirname(jsPath), 'mstl_bg.wasm')) });
  rows.push(
    scoreRun('augurs 0.10 (this run)', 'MSTL(24,168)+AutoETS', (s) => {
      const model = MSTL.ets([24, 168]);
      model.fit(s.train);
      const f80 = model.predict(M4_H, 0.8);
      const f95 = model.predict(M4_H, 0.95);
      model.free();
      const clip = (x: number[] | Float64Array) => Array.from(x); // as augurs gives them (not clipped)
      return {
        point: clip(f95.point),
        intervals: [
          { level: 80, lower: clip(f80.intervals!.lower), upper: clip(f80.intervals!.upper) },
          { level: 95, lower: clip(f95.intervals!.lower), upper: clip(f95.intervals!.upper) },
        ],
      };
    }),
  );
  console.error('done augurs');
}
const request = { horizon: M4_H, levels: [80, 95] };
rows.push(scoreRun('modcap', 'auto (default: preset fast)', (s) => forecastSeries(toSeries(s), request)));
console.error('done auto');
if (!only || only.includes('full')) {
  rows.push(
    scoreRun('modcap', 'auto (preset full)', (s) =>
      forecastSeries(toSeries(s), { ...request, preset: 'full' }),
    ),
  );
  console.error('done auto full');
}

// wall time of the whole run on all cores
const t0 = performance.now();
const many = await forecastMany(series.map(toSeries), request);
const wallS = (performance.now() - t0) / 1000;

// peers: saved forecasts in bench/results/peers/<tool>-<model>-m4.csv (id,h,point,lo80,hi80,lo95,hi95)
const peerDir = resolve(import.meta.dirname, 'results/peers');
const peerFiles: [string, string, string][] = [
  ['R forecast', 'ets', 'r-ets'],
  ['R forecast', 'stlf', 'r-stlf'],
  ['R forecast', 'mstl (24,168)', 'r-mstl'],
  ['R forecast', 'tbats (24,168)', 'r-tbats'],
  ['R forecast', 'auto.arima', 'r-arima'],
  ['R prophet', 'prophet', 'r-prophet'],
  ['augurs (saved run)', 'MSTL(24,168)+AutoETS', 'augurs-mstl'],
];
if (!values['no-peers']) {
  for (const [tool, model, file] of peerFiles) {
    // a peer run may be split in parts: <file>-m4.csv, <file>-m4-part2.csv, ...
    const parts = readdirSync(peerDir).filter(
      (f) => f === `${file}-m4.csv` || new RegExp(`^${file}-m4-part\\d+\\.csv$`).test(f),
    );
    if (parts.length === 0) continue;
    const byId = new Map<
      string,
      { point: number[]; lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[] }
    >();
    const times = new Map<string, number>();
    for (const part of parts) {
      const lines = readFileSync(resolve(peerDir, part), 'utf8').trim().split('\n');
      const head = lines[0].split(',').map((c) => c.replace(/"/g, ''));
      const col = (n: string) => head.indexOf(n);
      for (const line of lines.slice(1)) {
        const c = line.split(',').map((x) => x.replace(/"/g, ''));
        const id = c[col('id')];
        const h = Number(c[col('h')]) - 1;
        const e = byId.get(id) ?? { point: [], lo80: [], hi80: [], lo95: [], hi95: [] };
        e.point[h] = Number(c[col('point')]);
        for (const k of ['lo80', 'hi80', 'lo95', 'hi95'] as const)
          e[k][h] = col(k) >= 0 ? Number(c[col(k)]) : Number.NaN;
        byId.set(id, e);
      }
      const timesPath = resolve(peerDir, part.replace(/\.csv$/, '-times.csv'));
      if (existsSync(timesPath)) {
        const tl = readFileSync(timesPath, 'utf8').trim().split('\n');
        const th = tl[0].split(',').map((c) => c.replace(/"/g, ''));
        for (const line of tl.slice(1)) {
          const c = line.split(',').map((x) => x.replace(/"/g, ''));
          times.set(c[th.indexOf('id')], Number(c[th.indexOf('seconds')]) * 1000);
        }
      }
    }
    const covered = series.filter((s) => byId.has(s.id));
    if (covered.length === 0) continue;
    const scores = covered.map((s) => scoreM4(s, byId.get(s.id)!.point));
    const ours = covered.map((s) => scoreM4(s, many.results.find((r) => r.id === s.id)!.point));
    let c80 = 0;
    let c95 = 0;
    for (const s of covered) {
      const e = byId.get(s.id)!;
      c80 += coverage(s.test, e.lo80, e.hi80);
      c95 += coverage(s.test, e.lo95, e.hi95);
    }
    const t = covered.map((s) => times.get(s.id) ?? Number.NaN).filter((x) => !Number.isNaN(x));
    const oursSum = summarise(ours);
    rows.push({
      tool,
      model,
      series: covered.length,
      ...summarise(scores),
      cov80: c80 / covered.length,
      cov95: c95 / covered.length,
      msPerSeriesMedian: t.length ? median(t) : undefined,
      msPerSeriesMean: t.length ? t.reduce((a, b) => a + b, 0) / t.length : undefined,
      failed: 0,
      notRun: series.length - covered.length,
      note:
        covered.length < series.length
          ? `modcap auto on the same series: OWA ${oursSum.owa.toFixed(3)}`
          : undefined,
    });
  }
}

const f3 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
const f1 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
const lines = [
  `M4 Hourly, ${series.length} series, h = 48, m = 24 (OWA against Naive2 sMAPE 18.383, MASE 2.395)`,
  '',
  '| tool | model | sMAPE | MASE | OWA | 80% cov. | 95% cov. | ms/series (median) | ms/series (mean) | notes |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.tool} | ${r.model} | ${f3(r.smape)} | ${f3(r.mase)} | **${f3(r.owa)}** | ${f3(r.cov80)} | ${f3(r.cov95)} | ${f1(r.msPerSeriesMedian)} | ${f1(r.msPerSeriesMean)} | ${[r.failed ? `${r.failed} failed` : '', r.notRun ? `run on ${r.series} series only` : '', r.note ?? ''].filter(Boolean).join('; ')} |`,
  ),
  '',
  `modcap auto over all ${series.length} series with the worker-thread runner: ${wallS.toFixed(1)} s wall (${many.failures.length} failures).`,
];
console.log(lines.join('\n'));
writeFileSync(
  resolve(values.out),
  JSON.stringify({ rows, wallSeconds: wallS, every, date: new Date().toISOString() }, null, 1),
);
