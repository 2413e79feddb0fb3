import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ModcapError } from '../../../src/errors.ts';
import { compareForecast, joinId } from '../../../src/forecast/explain/compare.ts';
import { parseForecast } from '../../../src/forecast/explain/read-forecast.ts';
import { readVolumesFromStream } from '../../../src/forecast/io/read.ts';

const D1 = '2025-03-01T00:00:00Z'; // a Saturday
const D2 = '2025-03-02T00:00:00Z';
const D3 = '2025-03-03T00:00:00Z'; // a Monday

/** Series en: forecast 100 every day, actual 110, 95, 130. Series ja: forecast 50, actual 0, 60, none. */
const FORECAST = [
  'queue,language,timestamp,point,lower_80,upper_80,lower_95,upper_95,model',
  `reviews,en,${D1},100,90,110,80,120,m`,
  `reviews,en,${D2},100,90,110,80,120,m`,
  `reviews,en,${D3},100,90,110,80,120,m`,
  `reviews,ja,${D1},50,40,60,30,70,m`,
  `reviews,ja,${D2},50,40,60,30,70,m`,
  `reviews,ja,${D3},50,40,60,30,70,m`,
  `reviews,ko,${D1},10,5,15,1,20,m`,
].join('\n');
const ACTUALS = [
  'timestamp,queue,language,volume',
  `${D1},reviews,en,110`,
  `${D2},reviews,en,95`,
  `${D3},reviews,en,130`,
  `${D1},reviews,ja,0`,
  `${D2},reviews,ja,60`,
  `${D1},listings,en,7`,
  `${D2},listings,en,8`,
].join('\n');

async function load() {
  const rows = parseForecast(FORECAST, 'f.csv').rows;
  const actuals = await readVolumesFromStream(Readable.from([`${ACTUALS}\n`]), {
    file: 'a.csv',
    format: 'csv',
  });
  return { rows, actuals };
}

describe('compareForecast', () => {
  it('computes per-series MAE, MAPE, WAPE, bias and coverage (hand computation)', async () => {
    const { rows, actuals } = await load();
    const c = compareForecast(rows, actuals);
    const en = c.series.find((s) => s.id === 'reviews|en');
    // errors f − a: −10, 5, −30
    expect(en?.accuracy).toMatchObject({
      n: 3,
      actual: 335,
      forecast: 300,
      mae: 15,
      mapeSkipped: 0,
      biasTotal: -35,
    });
    expect(en?.accuracy.mape).toBeCloseTo(((10 / 110 + 5 / 95 + 30 / 130) / 3) * 100, 10); // 12.4770
    expect(en?.accuracy.wape).toBeCloseTo((45 / 335) * 100, 10); // 13.4328
    expect(en?.accuracy.bias).toBeCloseTo(-35 / 3, 10);
    expect(en?.accuracy.biasPercent).toBeCloseTo((-35 / 335) * 100, 10); // −10.4478
    // 130 is above both [90, 110] and [80, 120]; 110 sits on the 80 % bound (inside)
    expect(en?.accuracy.intervals).toEqual([
      { level: 80, n: 3, coverage: 2 / 3, above: 1, below: 0 },
      { level: 95, n: 3, coverage: 2 / 3, above: 1, below: 0 },
    ]);
    expect(en?.excursions).toEqual([
      {
        timestamp: Date.parse(D3),
        actual: 130,
        point: 100,
        side: 'above',
        level: 95,
        bound: 120,
        by: 10,
        byPercent: 10,
      },
    ]);
  });

  it('skips zero actuals in MAPE and says how many', async () => {
    const { rows, actuals } = await load();
    const ja = compareForecast(rows, actuals).series.find((s) => s.id === 'reviews|ja');
    // pairs (a, f): (0, 50), (60, 50); MAPE only over a = 60: 10/60
    expect(ja?.accuracy).toMatchObject({ n: 2, mae: 30, mapeSkipped: 1, wape: 100, bias: 20, biasTotal: 40 });
    expect(ja?.accuracy.mape).toBeCloseTo((10 / 60) * 100, 10);
    expect(ja?.excursions[0]).toMatchObject({ side: 'below', level: 95, bound: 30, by: 30, byPercent: 60 });
  });

  it('reports missing series and periods instead of dropping them', async () => {
    const { rows, actuals } = await load();
    const c = compareForecast(rows, actuals);
    expect(c.missing.seriesWithoutActuals).toEqual([
      { id: 'reviews|ko', key: { queue: 'reviews', language: 'ko' }, rows: 1 },
    ]);
    expect(c.missing.seriesWithoutForecast.map((s) => s.id)).toEqual(['listings|en']);
    expect(c.missing.periodsWithoutActual).toBe(1);
    expect(c.series.find((s) => s.id === 'reviews|ja')?.missingActuals).toEqual([Date.parse(D3)]);
  });

  it('pools the totals over all matched periods', async () => {
    const { rows, actuals } = await load();
    const t = compareForecast(rows, actuals).total;
    // 5 pairs: Σa = 395, Σf = 400, Σ|a − f| = 105
    expect(t).toMatchObject({
      n: 5,
      actual: 395,
      forecast: 400,
      mae: 21,
      bias: 1,
      biasTotal: 5,
      mapeSkipped: 1,
    });
    expect(t.wape).toBeCloseTo((105 / 395) * 100, 10); // 26.5823
    expect(t.biasPercent).toBeCloseTo((5 / 395) * 100, 10);
    expect(t.mape).toBeCloseTo(((10 / 110 + 5 / 95 + 30 / 130 + 10 / 60) / 4) * 100, 10); // 13.5244
    expect(t.intervals.map((i) => i.coverage)).toEqual([3 / 5, 3 / 5]);
  });

  it('restricts to the --from/--to window', async () => {
    const { rows, actuals } = await load();
    const c = compareForecast(rows, actuals, { from: Date.parse(D2), to: Date.parse(D3) });
    expect(c.total.n).toBe(2);
    expect(c.from).toBe(Date.parse(D2));
    expect(c.missing.seriesWithoutActuals).toEqual([]); // ko has no row in the window
  });

  it('aggregates to local weeks (Monday start) when asked, without coverage', async () => {
    const { rows, actuals } = await load();
    const en = compareForecast(rows, actuals, { grain: 'week' }).grain?.series.find(
      (s) => s.id === 'reviews|en',
    );
    // week of Mon 24 Feb holds 1–2 Mar: a = 205, f = 200; week of Mon 3 Mar: a = 130, f = 100
    expect(en?.periods).toEqual([
      { timestamp: Date.UTC(2025, 1, 24), actual: 205, forecast: 200 },
      { timestamp: Date.UTC(2025, 2, 3), actual: 130, forecast: 100 },
    ]);
    expect(en?.accuracy.mae).toBe(17.5);
    expect(en?.accuracy.intervals).toEqual([]);
  });

  it('joins keys ignoring empty values (a CSV writes "" for a key a series lacks)', () => {
    expect(joinId({ queue: 'reviews', language: 'ja', market: '' })).toBe('reviews|ja');
  });

  describe('degenerate input', () => {
    it('no forecast rows: nothing matched, NaN measures', () => {
      const c = compareForecast([], []);
      expect(c.total.n).toBe(0);
      expect(c.total.mae).toBeNaN();
      expect(c.from).toBeNaN();
    });
    it('an empty window is BAD_ARGUMENT', () => {
      expect(() => compareForecast([], [], { from: 5, to: 5 })).toThrow(ModcapError);
    });
    it('keys that differ in a column match nothing, and both sides are listed', async () => {
      const rows = parseForecast(`queue,timestamp,point\nr,${D1},3\nr,${D2},0\n`, 'f.csv').rows;
      const actuals = await readVolumesFromStream(
        Readable.from([`timestamp,queue,language,volume\n${D1},r,x,0\n`]),
        {
          file: 'a.csv',
          format: 'csv',
        },
      );
      const c = compareForecast(rows, actuals);
      expect(c.missing.seriesWithoutActuals.map((s) => s.id)).toEqual(['r']);
      expect(c.missing.seriesWithoutForecast.map((s) => s.id)).toEqual(['r|x']);
    });
  });
});
