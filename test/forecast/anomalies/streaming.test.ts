import { describe, expect, it } from 'vitest';
import {
  autocorrelation,
  pickSeason,
  seasonCandidates,
} from '../../../src/forecast/anomalies/stream/season.ts';
import { createSlidingMax } from '../../../src/forecast/anomalies/stream/sliding-max.ts';
import { createStreamDetector, streamScores } from '../../../src/forecast/anomalies/streaming.ts';
import { syntheticHourly } from '../contract.ts';

const HOUR = 3_600_000;
const hours = (n: number) => Array.from({ length: n }, (_, i) => i * HOUR);

describe('streamScores', () => {
  it('is causal: the scores of the first k points do not change when later points are appended', () => {
    const y = syntheticHourly(900, 3);
    y[700] = 1000;
    const full = streamScores(hours(900), y);
    for (const k of [1, 60, 400, 701]) {
      expect(streamScores(hours(k), y.slice(0, k))).toEqual(full.slice(0, k));
    }
  });

  it('flags a spike injected into a seasonal series and not the seasonal peaks', () => {
    const n = 24 * 7 * 6;
    const y = syntheticHourly(n, 11);
    const spikeAt = n - 100; // an off-peak hour, well after the season is learnt
    y[spikeAt] += 150; // about 7.5 noise half-widths (noise is ±10)
    const s = streamScores(hours(n), y);
    expect(s[spikeAt]).toBeGreaterThanOrEqual(0.5);
    // the daily peaks (hour 6 of each day, where sin peaks) of the last three weeks raise no alarm
    for (let t = n - 24 * 21; t < n; t++) if (t % 24 === 6) expect(s[t]).toBeLessThan(0.5);
    const alarms = s.map((v, t) => (v >= 0.5 && t >= 24 * 7 * 3 ? t : -1)).filter((t) => t >= 0);
    expect(alarms).toEqual([spikeAt]);
  });

  it('reports the anomaly with its kind, expectation and severity', () => {
    const d = createStreamDetector({ seriesId: 'q1', key: { queue: 'q1' } });
    const y = syntheticHourly(24 * 7 * 4, 5);
    for (let i = 0; i < y.length; i++) d.update(i * HOUR, y[i]);
    const r = d.update(y.length * HOUR, 5000);
    expect(r.anomaly).toMatchObject({ seriesId: 'q1', kind: 'spike', observed: 5000, detector: 'stream' });
    expect(r.anomaly?.upper).toBeLessThan(5000);
    expect(r.anomaly?.severity).toBeGreaterThan(10);
    const dip = createStreamDetector();
    for (let i = 0; i < y.length; i++) dip.update(i * HOUR, y[i] + 1000);
    expect(dip.update(y.length * HOUR, -3000).anomaly?.kind).toBe('dip');
  });

  it('flags a level shift of a flat noisy series', () => {
    let seed = 9;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const y = Array.from({ length: 800 }, (_, i) => (i < 600 ? 50 : 58) + rnd() * 4);
    const s = streamScores(hours(800), y, { period: 'none' });
    expect(Math.max(...s.slice(600, 650))).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...s.slice(200, 600))).toBeLessThan(0.5);
  });
});

describe('streaming detector: degenerate input', () => {
  it('returns no scores for an empty series and 0 for one point', () => {
    expect(streamScores([], [])).toEqual([]);
    expect(streamScores([0], [5])).toEqual([0]);
  });
  it('scores a constant series 0 throughout and then flags a step', () => {
    const y = Array.from({ length: 300 }, (_, i) => (i < 250 ? 7 : 9));
    const s = streamScores(hours(300), y);
    expect(Math.max(...s.slice(0, 250))).toBeLessThan(1e-6); // rounding residue of the moving averages only
    expect(s[250]).toBeGreaterThanOrEqual(0.5);
  });
  it('gives 0 for NaN gaps, keeps going, and still flags a spike after a gap', () => {
    const y: number[] = syntheticHourly(600, 2);
    for (let i = 300; i < 310; i++) y[i] = Number.NaN;
    y[500] = 2000;
    const s = streamScores(hours(600), y);
    for (let i = 300; i < 310; i++) expect(s[i]).toBe(0);
    expect(s.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    expect(s[500]).toBeGreaterThanOrEqual(0.5);
  });
  it('accepts huge values and non-increasing timestamps', () => {
    const s = streamScores([0, 0, 0, 1], [1e300, -1e300, 1e300, 0]);
    expect(s.every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('season helpers', () => {
  it('seasonCandidates gives a day and a week in steps', () => {
    expect(seasonCandidates(HOUR)).toEqual([24, 168]);
    expect(seasonCandidates(30 * 60_000)).toEqual([48, 336]);
    expect(seasonCandidates(86_400_000)).toEqual([7]);
    expect(seasonCandidates(Number.NaN)).toEqual([]);
  });
  it('autocorrelation of an alternating series is 1 at lag 2 and −1 at lag 1', () => {
    expect(autocorrelation([1, 2, 1, 2, 1, 2], 2)).toBeCloseTo(1, 12);
    expect(autocorrelation([1, 2, 1, 2, 1, 2], 1)).toBeCloseTo(-1, 12);
  });
  it('pickSeason finds the daily cycle and rejects a trend', () => {
    const daily = Array.from({ length: 24 * 8 }, (_, i) => Math.sin((2 * Math.PI * i) / 24));
    expect(pickSeason(daily, [24, 168])).toBe(24);
    const trend = Array.from({ length: 24 * 8 }, (_, i) => i);
    expect(pickSeason(trend, [24])).toBe(0);
  });
});

describe('createSlidingMax', () => {
  it('matches a brute-force window maximum', () => {
    const m = createSlidingMax(5);
    const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4];
    x.forEach((v, i) => {
      m.push(v);
      expect(m.max()).toBe(Math.max(...x.slice(Math.max(0, i - 4), i + 1)));
    });
  });
});
