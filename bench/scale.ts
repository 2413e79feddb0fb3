/**
 * Scale: 1,000 hourly series of 8 weeks (1,344 points), horizon 168, automatic choice on, all cores.
 * Prints wall time and peak resident memory (sampled every 50 ms; worker threads share the process).
 *
 * Usage: node --import tsx bench/scale.ts [--series 1000] [--workers N]
 * Target (issue 2): ≤ 60 s on the 2-core machine.
 */
import { parseArgs } from 'node:util';
import { forecastMany } from '../src/forecast/runner.ts';
import type { Series } from '../src/forecast/types.ts';
import { mulberry32 } from '../src/random.ts';

const { values } = parseArgs({
  options: { series: { type: 'string', default: '1000' }, workers: { type: 'string' } },
});
const N = Number(values.series);
const LEN = 1344;
const H = 168;

/** Seeded synthetic moderation-like series: level, daily and weekly profile, trend, Poisson-ish noise. */
function makeSeries(i: number): Series {
  const rnd = mulberry32(i * 2654435761);
  const level = 5 + 2000 * rnd() ** 2;
  const phase = Math.floor(rnd() * 24);
  const weekendDip = 0.6 + 0.6 * rnd();
  const growth = (rnd() - 0.3) * 0.5;
  const start = Date.UTC(2025, 0, 6);
  const values: number[] = [];
  for (let t = 0; t < LEN; t++) {
    const hour = (t + phase) % 24;
    const day = Math.floor(t / 24) % 7;
    const mu =
      level *
      (1 + growth * (t / LEN)) *
      (1 + 0.6 * Math.sin((2 * Math.PI * (hour - 6)) / 24)) *
      (day >= 5 ? weekendDip : 1);
    // normal approximation to Poisson noise
    const u1 = Math.max(rnd(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd());
    values.push(Math.max(0, Math.round(mu + Math.sqrt(mu) * z)));
  }
  return {
    key: { queue: `q${i % 5}`, language: `l${i}` },
    id: `q${i % 5}|l${i}`,
    freq: 'hour',
    timeZone: 'UTC',
    timestamps: values.map((_, t) => start + t * 3_600_000),
    values,
  };
}

const series = Array.from({ length: N }, (_, i) => makeSeries(i));
let peak = process.memoryUsage().rss;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const t0 = performance.now();
const { results, failures } = await forecastMany(
  series,
  { horizon: H, levels: [80, 95] },
  { workers: values.workers === undefined ? undefined : Number(values.workers) },
);
const wall = (performance.now() - t0) / 1000;
clearInterval(timer);
const models = new Map<string, number>();
for (const r of results) {
  for (const c of r.selection.chosen) {
    const fam = c.replace(/\(.*/, '');
    models.set(fam, (models.get(fam) ?? 0) + 1);
  }
}
console.log(
  JSON.stringify({
    series: N,
    points: LEN,
    horizon: H,
    wallSeconds: Number(wall.toFixed(1)),
    peakRssMiB: Math.round(peak / 2 ** 20),
    failures: failures.length,
    chosenFamilies: Object.fromEntries(models),
  }),
);
