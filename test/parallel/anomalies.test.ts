import { describe, expect, it } from 'vitest';
import { poisson as poissonDraw } from '../../data/random.ts';
import { detectAnomaliesMany } from '../../src/forecast/anomalies/batch.ts';
import type { Series } from '../../src/forecast/types.ts';
import { detectAnomaliesParallel } from '../../src/parallel/anomalies.ts';
import { mulberry32 } from '../../src/random.ts';
import { hourlySeries } from '../forecast/contract.ts';

const T0 = Date.UTC(2025, 0, 6);
const hours = 24 * 7 * 10;

/** Hourly Poisson counts around `mean(t)`, seeded (the demo generator's sampler). */
function poisson(seed: number, mean: (t: number) => number): number[] {
  const rng = mulberry32(seed);
  return Array.from({ length: hours }, (_, t) => poissonDraw(rng, mean(t)));
}

const series = (values: number[], key: Record<string, string>): Series => hourlySeries(values, key, T0);

describe('detectAnomaliesParallel', () => {
  it('gives exactly what detectAnomaliesMany gives, shared outages included, on two workers', async () => {
    const wave = (base: number) => (t: number) => base * (1 + 0.6 * Math.sin((2 * Math.PI * (t - 6)) / 24));
    const all: Series[] = ['es', 'pt', 'de', 'ja'].map((l, k) => {
      const y = poisson(300 + k, wave(1.5));
      for (let i = 24 * 30 + 9; i < 24 * 30 + 15; i++) y[i] = 0; // one outage of the whole queue
      return series(y, { queue: 'appeals', language: l });
    });
    const busy = poisson(400, wave(300));
    for (let i = 24 * 10 + 12; i < 24 * 10 + 16; i++) busy[i] *= 5; // a spike
    all.push(series(busy, { queue: 'comments', language: 'en' }));

    const inThread = detectAnomaliesMany(all);
    const parallel = await detectAnomaliesParallel(all, {}, 2);
    expect(parallel).toEqual(inThread);
    expect(parallel.filter((a) => a.detector === 'quality-pooled')).toHaveLength(4);
    expect(parallel.some((a) => a.seriesId === 'comments|en' && a.kind === 'spike')).toBe(true);
  }, 60_000);
});
