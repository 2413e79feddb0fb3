/**
 * Speed and accuracy of auto-ETS on M4 hourly: fits `ets()` (period 24) to the first N series of
 * `Hourly-train.csv`, forecasts h = 48, and prints the median and mean milliseconds per series (fit +
 * predict), the mean sMAPE against `Hourly-test.csv` (M4 definition: mean over h of 200·|y−ŷ|/(|y|+|ŷ|)),
 * the chosen forms, and the time of a non-seasonal auto-ETS on long series (the MSTL trend use).
 *
 * Run from the repository root:
 *   node --import tsx bench/ets.ts [N=20] [init=all|level|none]
 *
 * @example
 *   node --import tsx bench/ets.ts 20
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EtsOptions, ets } from '../src/forecast/models/ets.ts';

const M4_DIR = process.env.M4_DIR ?? '/work/shared/data/m4';
const H = 48;
const N = Number(process.argv[2] ?? 20);
const initArg = process.argv[3] as EtsOptions['init'] | undefined;

function readM4(path: string, limit: number): { id: string; y: number[] }[] {
  const out: { id: string; y: number[] }[] = [];
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/).slice(1)) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.replace(/"/g, '').trim());
    out.push({
      id: cells[0] ?? '',
      y: cells
        .slice(1)
        .filter((c) => c !== '' && c !== 'NA')
        .map(Number),
    });
    if (out.length >= limit) break;
  }
  return out;
}

function smape(y: readonly number[], f: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < y.length; k++) {
    const d = Math.abs(y[k]) + Math.abs(f[k]);
    s += d === 0 ? 0 : (200 * Math.abs(y[k] - f[k])) / d;
  }
  return s / y.length;
}

const train = readM4(join(M4_DIR, 'Hourly-train.csv'), N);
const test = readM4(join(M4_DIR, 'Hourly-test.csv'), N);
const model = ets(initArg ? { init: initArg } : {});
// warm up the JIT on one series (not timed)
model.fit(train[0].y, { periods: [24, 168] }).predict(H);

const times: number[] = [];
const cpuTimes: number[] = [];
const scores: number[] = [];
const forms = new Map<string, number>();
for (let i = 0; i < train.length; i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const fit = model.fit(train[i].y, { periods: [24, 168] });
  const fc = fit.predict(H, { levels: [80, 95] });
  const c1 = process.cpuUsage(c0);
  times.push(performance.now() - t0);
  cpuTimes.push((c1.user + c1.system) / 1000);
  scores.push(smape(test[i].y, fc.point));
  forms.set(fit.model, (forms.get(fit.model) ?? 0) + 1);
  if (process.env.VERBOSE) {
    console.log(train[i].id, train[i].y.length, fit.model, times[i].toFixed(1), 'ms', scores[i].toFixed(3));
  }
}
const sorted = [...times].sort((a, b) => a - b);
const cpuSorted = [...cpuTimes].sort((a, b) => a - b);
const median = sorted[Math.floor((sorted.length - 1) / 2)];
const meanMs = times.reduce((a, b) => a + b, 0) / times.length;
const meanSmape = scores.reduce((a, b) => a + b, 0) / scores.length;
console.log(
  `auto-ETS on the first ${train.length} M4 hourly series (period 24, h = ${H}, init = ${initArg ?? 'default'})`,
);
console.log(
  `  median ${median.toFixed(1)} ms/series, mean ${meanMs.toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`,
);
console.log(
  `  median CPU ${cpuSorted[Math.floor((cpuSorted.length - 1) / 2)].toFixed(1)} ms/series (user+system; less sensitive to a loaded machine)`,
);
const sSorted = [...scores].sort((a, b) => a - b);
console.log(
  `  mean sMAPE ${meanSmape.toFixed(3)}, median ${sSorted[Math.floor((sSorted.length - 1) / 2)].toFixed(3)}`,
);
console.log(`  forms: ${[...forms].map(([k, v]) => `${k}×${v}`).join(', ')}`);

// non-seasonal auto-ETS on long series (as the trend model inside MSTL)
for (const len of [1000, 17000]) {
  const long: number[] = [];
  const src = train.flatMap((s) => s.y);
  for (let t = 0; t < len; t++) long.push(src[t % src.length] + t * 0.01);
  const ns = ets();
  ns.fit(long); // warm-up
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const f = ns.fit(long);
  f.predict(H);
  const c1 = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  const cpu = (c1.user + c1.system) / 1000;
  console.log(
    `  non-seasonal auto-ETS, n = ${len}: ${wall.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU (${f.model})`,
  );
}
