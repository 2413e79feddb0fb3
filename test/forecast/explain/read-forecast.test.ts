import { describe, expect, it } from 'vitest';
import { ModcapError } from '../../../src/errors.ts';
import { parseForecast, readForecast } from '../../../src/forecast/explain/read-forecast.ts';

const HEADER = 'queue,language,market,timestamp,point,lower_80,upper_80,lower_95,upper_95,model';

function thrown(f: () => unknown): ModcapError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModcapError) return e;
    throw e;
  }
  throw new Error('expected a ModcapError');
}

describe('parseForecast (CSV, as modcap forecast writes it)', () => {
  it('reads keys, timestamps, points, intervals per level and the model', () => {
    const f = parseForecast(
      `${HEADER}\nreviews,ja,JP,2025-03-01T00:00:00.000Z,4.5,3,6,2,7,ets\nreviews,ja,JP,2025-03-01T01:00:00.000Z,5,4,6,3,8,ets\n`,
      'f.csv',
    );
    expect(f.format).toBe('csv');
    expect(f.keys).toEqual(['queue', 'language', 'market']);
    expect(f.levels).toEqual([80, 95]);
    expect(f.rows).toHaveLength(2);
    expect(f.rows[0]).toEqual({
      key: { queue: 'reviews', language: 'ja', market: 'JP' },
      timestamp: Date.UTC(2025, 2, 1, 0),
      point: 4.5,
      intervals: [
        { level: 80, lower: 3, upper: 6 },
        { level: 95, lower: 2, upper: 7 },
      ],
      model: 'ets',
    });
  });

  it('names file, line, column, value and reason of every bad row, and imports nothing', () => {
    const e = thrown(() =>
      parseForecast(
        `${HEADER}\nreviews,ja,JP,2025-03-01T00:00Z,abc,3,6,2,7,ets\nreviews,ja,JP,2025-03-01T01:00Z,5,7,6,3,8,ets\nreviews,ja,JP,2025-03-01,5,4,6,3,8,ets\n`,
        'f.csv',
      ),
    );
    expect(e.code).toBe('INPUT_INVALID');
    const errors = e.details.errors as { line: number; column: string; value: unknown; reason: string }[];
    expect(errors.map((x) => [x.line, x.column])).toEqual([
      [2, 'point'],
      [3, 'lower_80'],
      [4, 'timestamp'],
    ]);
    expect(errors[0].value).toBe('abc');
    expect(errors[1].reason).toMatch(/lower bound is above the upper bound/);
    expect(errors[2].reason).toMatch(/no UTC offset/);
    expect(e.message).toMatch(/^f\.csv: 3 bad rows: line 2, column point, value "abc"/);
  });

  it('rejects two rows for one series and timestamp, naming both lines', () => {
    const e = thrown(() =>
      parseForecast(
        `queue,timestamp,point\nreviews,2025-03-01T00:00Z,1\nreviews,2025-03-01T00:00Z,2\n`,
        'f.csv',
      ),
    );
    expect(e.code).toBe('INPUT_DUPLICATE_KEY');
    expect((e.details.errors as { line: number; otherLine: number }[])[0]).toMatchObject({
      line: 3,
      otherLine: 2,
    });
  });

  it('requires timestamp, point, a key column and paired bounds', () => {
    expect(thrown(() => parseForecast('queue,timestamp\nr,2025-03-01T00:00Z\n', 'f.csv')).code).toBe(
      'INPUT_MISSING_COLUMN',
    );
    expect(thrown(() => parseForecast('timestamp,point\n2025-03-01T00:00Z,1\n', 'f.csv')).code).toBe(
      'INPUT_MISSING_COLUMN',
    );
    const e = thrown(() =>
      parseForecast('queue,timestamp,point,lower_80\nr,2025-03-01T00:00Z,1,0\n', 'f.csv'),
    );
    expect(e.code).toBe('INPUT_MISSING_COLUMN');
    expect(e.details.column).toBe('upper_80');
  });

  describe('degenerate input', () => {
    it('an empty file or a header alone is INPUT_EMPTY', () => {
      expect(thrown(() => parseForecast('', 'f.csv')).code).toBe('INPUT_EMPTY');
      expect(thrown(() => parseForecast(`${HEADER}\n`, 'f.csv')).code).toBe('INPUT_EMPTY');
    });
    it('a missing file is INPUT_NOT_FOUND', () => {
      expect(thrown(() => readForecast('/nonexistent/forecast.csv')).code).toBe('INPUT_NOT_FOUND');
    });
    it('a quoted key with a comma survives', () => {
      const f = parseForecast('queue,timestamp,point\n"reviews, EU",2025-03-01T00:00Z,1\n', 'f.csv');
      expect(f.rows[0].key.queue).toBe('reviews, EU');
    });
  });
});

describe('parseForecast (JSON, as modcap forecast writes it)', () => {
  const doc = {
    provenance: {},
    series: [
      {
        id: 'reviews|ja',
        key: { queue: 'reviews', language: 'ja' },
        model: 'snaive(24)',
        forecast: [
          { timestamp: '2025-03-01T00:00:00.000Z', point: 4, intervals: { '80': [3, 5], '95': [2, 6] } },
          { timestamp: '2025-03-01T01:00:00.000Z', point: 6, intervals: { '80': [5, 7], '95': [4, 8] } },
        ],
      },
    ],
  };
  it('reads the same rows as the CSV', () => {
    const f = parseForecast(JSON.stringify(doc), 'f.json');
    expect(f.format).toBe('json');
    expect(f.levels).toEqual([80, 95]);
    expect(f.rows[1]).toEqual({
      key: { queue: 'reviews', language: 'ja' },
      timestamp: Date.UTC(2025, 2, 1, 1),
      point: 6,
      intervals: [
        { level: 80, lower: 5, upper: 7 },
        { level: 95, lower: 4, upper: 8 },
      ],
      model: 'snaive(24)',
    });
  });
  it('names the path, value and reason of a bad field (a NaN point is written as null)', () => {
    const bad = structuredClone(doc) as unknown as { series: { forecast: { point: unknown }[] }[] };
    bad.series[0].forecast[1].point = null;
    const e = thrown(() => parseForecast(JSON.stringify(bad), 'f.json'));
    expect(e.code).toBe('INPUT_INVALID');
    expect(e.details.column).toBe('series[0].forecast[1].point');
    expect(e.details.value).toBeNull();
  });
  it('malformed JSON is INPUT_PARSE', () => {
    expect(thrown(() => parseForecast('{"series": [', 'f.json')).code).toBe('INPUT_PARSE');
  });
});
