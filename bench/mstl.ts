/**
 * Speed and accuracy of MSTL(24, 168) with the default trend model (damped Holt) and Theta(24) on the first
 * N M4 hourly series (default 20), h = 48. Prints median ms per series (fit + predict) and mean sMAPE
 * (M4 definition: 200·|y − ŷ| / (|y| + |ŷ|), averaged over h then series), with seasonal naive (24) as
 * the reference.
 *
 * Run from the repository root:
 *   node --import tsx bench/mstl.ts [--series N]
 *
 * Reads M4 from /work/shared/data/m4 (or $M4_DIR); nothing is written.
 *
 * Recorded on this machine (2 shared cores, loaded), mean sMAPE / median ms per series:
 *   first 20 series: mstl 5.328 / 12.9 ms, mstl with log1p 4.861, theta 5.729 / 1.2 ms, snaive 4.871.
 *     R forecast 8.20 on the same 20: forecast(mstl(msts(y, c(24, 168))), method = 'ets') 5.308 / 163 ms;
 *     thetaf(ts(y, frequency = 24)) 5.729 / 23 ms.
 *   all 414 series: mstl 13.864 / 8.4 ms, mstl with log1p 11.944 / 7.3 ms, theta 18.138 (the published M4 Theta hourly sMAPE is 18.138),
 *     snaive 13.912 (as the data README).
 *
 * @example
 *   node --import tsx bench/mstl.ts --series 20
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mstl } from '../src/forecast/models/mstl.ts';
import { snaive } from '../src/forecast/models/snaive.ts';
import { theta } from '../src/forecast/models/theta.ts';
import type { Model } from '../src/forecast/types.ts';

const M4_DIR = process.env.M4_DIR ?? '/work/shared/data/m4';
const H = 48;

/** Reads an M4 csv (quoted id, then values, rows padded with empty cells), first `limit` rows. */
function readM4(path: string, limit: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  for (const line of lines.slice(1)) {
    if (out.size >= limit) break;
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.replace(/"/g, '').trim());
    out.set(
      cells[0] ?? '',
      cells
        .slice(1)
        .filter((c) => c !== '' && c !== 'NA')
        .map(Number),
    );
  }
  return out;
}

function smape(actual: readonly number[], forecast: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]) + Math.abs(forecast[i]);
    s += d === 0 ? 0 : (200 * Math.abs(actual[i] - forecast[i])) / d;
  }
  return s / actual.length;
}

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(): void {
  const arg = process.argv.indexOf('--series');
  const limit = arg > 0 ? Number(process.argv[arg + 1]) : 20;
  const train = readM4(join(M4_DIR, 'Hourly-train.csv'), limit);
  const test = readM4(join(M4_DIR, 'Hourly-test.csv'), limit);
  const models: [string, Model][] = [
    ['mstl(24,168)+holt(damped)', mstl({ periods: [24, 168] })],
    ['mstl(24,168)+holt[log1p]', mstl({ periods: [24, 168], transform: 'log1p' })],
    ['theta(24)', theta({ period: 24 })],
    ['snaive(24)', snaive([24])],
  ];
  // warm up the JIT on one series so the first timing is not compile time
  const first = [...train.values()][0];
  for (const [, m] of models) m.fit(first).predict(H);
  for (const [label, model] of models) {
    const ms: number[] = [];
    const errs: number[] = [];
    let failures = 0;
    for (const [id, y] of train) {
      const actual = (test.get(id) ?? []).slice(0, H);
      const t0 = performance.now();
      try {
        const f = model.fit(y).predict(H, { levels: [80, 95] });
        ms.push(performance.now() - t0);
        errs.push(smape(actual, f.point));
      } catch (err) {
        failures++;
        console.error(`${label} ${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const mean = errs.reduce((a, b) => a + b, 0) / Math.max(1, errs.length);
    console.log(
      `${label.padEnd(28)} series ${String(errs.length).padStart(3)}  failures ${failures}  ` +
        `median ${median(ms).toFixed(1)} ms  mean sMAPE ${mean.toFixed(3)}`,
    );
  }
}

main();
