import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { shesd } from '../../../src/forecast/anomalies/shesd.ts';
import {
  shesdWallClock,
  toWallClock,
  utcOffsets,
  wallClockMap,
} from '../../../src/forecast/anomalies/wall-clock.ts';
import { HALF_ULP, mulberry32 } from '../../../src/random.ts';

const HOUR = 3_600_000;
const hoursFrom = (iso: string, n: number) => Array.from({ length: n }, (_, i) => Date.parse(iso) + i * HOUR);

/** A steep evening peak on the local clock (like moderation volume), Poisson-like noise, seeded. */
function localHourly(ts: readonly number[], zone: string, seed: number): number[] {
  const z = IANAZone.create(zone);
  const draw = mulberry32(seed);
  const u = () => draw() + HALF_ULP;
  return ts.map((t) => {
    const local = new Date(t + z.offset(t) * 60_000);
    const h = local.getUTCHours();
    const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
    const mu = 400 * (h >= 17 && h <= 21 ? 3 : h <= 6 ? 0.4 : 1) * (weekend ? 1.1 : 1);
    const g = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    return Math.max(0, Math.round(mu + Math.sqrt(mu) * g));
  });
}

describe('utcOffsets', () => {
  it('equals the zone asked hour by hour over a year with two DST changes', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe']) {
      const ts = hoursFrom('2025-01-01T00:00:00Z', 365 * 24);
      const z = IANAZone.create(zone);
      const got = utcOffsets(ts, zone);
      expect(Array.from(got)).toEqual(ts.map((t) => z.offset(t)));
    }
  });
});

describe('wallClockMap', () => {
  it('skips the spring hour and repeats the autumn hour in Berlin', () => {
    const ts = hoursFrom('2025-01-01T00:00:00Z', 365 * 24);
    const map = wallClockMap(ts, 'Europe/Berlin', 'hour');
    expect(map.identity).toBe(false);
    const spring = ts.indexOf(Date.parse('2025-03-30T01:00:00Z')); // 03:00 CEST follows 01:59 CET
    expect(map.index[spring] - map.index[spring - 1]).toBe(2);
    const autumn = ts.indexOf(Date.parse('2025-10-26T01:00:00Z')); // 02:00 CET again after 02:59 CEST
    expect(map.index[autumn]).toBe(map.index[autumn - 1]);
    expect(map.length).toBe(ts.length); // one hour skipped, one repeated
    // elsewhere one step per hour
    let steps = 0;
    for (let i = 1; i < ts.length; i++) if (map.index[i] - map.index[i - 1] === 1) steps++;
    expect(steps).toBe(ts.length - 3);
  });

  it('is the identity in UTC, in a zone without DST, and for daily series', () => {
    const ts = hoursFrom('2025-01-01T00:00:00Z', 365 * 24);
    expect(wallClockMap(ts, 'UTC', 'hour').identity).toBe(true);
    expect(wallClockMap(ts, 'Asia/Kolkata', 'hour').identity).toBe(true);
    expect(wallClockMap(ts, 'Europe/Berlin', 'day').identity).toBe(true);
  });

  it('averages the repeated hour and leaves the skipped one empty', () => {
    const map = { length: 4, index: Int32Array.from([0, 1, 1, 3]), identity: false };
    expect(toWallClock([1, 2, 4, 8], map)).toEqual([1, 3, Number.NaN, 8]);
    expect(toWallClock([1, 2, 4, 8], map, (i) => i === 1)).toEqual([1, 4, Number.NaN, 8]);
  });
});

describe('shesdWallClock', () => {
  const options = { periods: [24, 168], window: 336, alpha: 0.05 * (336 / (20 * 7 * 24)) };

  it('finds no spikes at the DST changes where the UTC decomposition does, and still finds a real burst', () => {
    let utcFalse = 0;
    let wallFalse = 0;
    for (const seed of [1, 2, 3]) {
      // 20 weeks around the autumn change in New York (2 November 2025), a burst in week 15
      const ts = hoursFrom('2025-08-04T00:00:00Z', 20 * 7 * 24);
      const y = localHourly(ts, 'America/New_York', seed);
      const burst = 15 * 7 * 24 + 12;
      for (let i = burst; i < burst + 4; i++) y[i] *= 4;
      const isBurst = (i: number) => i >= burst && i < burst + 4;
      const map = wallClockMap(ts, 'America/New_York', 'hour');
      const onUtc = shesd(y, options).anomalies;
      const onWall = shesdWallClock(y, map, options).anomalies;
      expect(onWall.filter(isBurst).length).toBe(4);
      utcFalse += onUtc.filter((i) => !isBurst(i)).length;
      wallFalse += onWall.filter((i) => !isBurst(i)).length;
    }
    console.log(`false spikes: UTC ${utcFalse}, wall clock ${wallFalse}`);
    expect(utcFalse).toBeGreaterThanOrEqual(10); // the evening edge one hour off for days after the change
    expect(wallFalse).toBeLessThanOrEqual(3);
  });

  it('answers on the input grid: fit, residual and scale per UTC hour', () => {
    const ts = hoursFrom('2025-10-01T00:00:00Z', 8 * 7 * 24);
    const y = localHourly(ts, 'Europe/Berlin', 9);
    const map = wallClockMap(ts, 'Europe/Berlin', 'hour');
    const r = shesdWallClock(y, map, { periods: [24, 168] });
    for (const arr of [r.fit, r.residual, r.scale, r.seasonal, r.level, r.transformed])
      expect(arr).toHaveLength(y.length);
    for (let i = 0; i < y.length; i++) expect(r.residual[i]).toBeCloseTo(Math.log1p(y[i]) - r.fit[i], 12);
    // identity map: exactly shesd
    const utc = wallClockMap(ts, 'UTC', 'hour');
    expect(shesdWallClock(y, utc, { periods: [24, 168] })).toEqual(shesd(y, { periods: [24, 168] }));
  });
});
