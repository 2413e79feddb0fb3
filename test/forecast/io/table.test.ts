import { from, op } from 'arquero';
import { describe, expect, it } from 'vitest';
import { seriesToTable, tableToSeries } from '../../../src/forecast/io/table.ts';
import type { VolumeSeries } from '../../../src/forecast/io/types.ts';

const D = 86_400_000;
const utc = (iso: string) => Date.parse(iso);

const a: VolumeSeries = {
  key: { queue: 'reviews', language: 'ja', market: 'JP' },
  id: 'reviews|ja|JP',
  freq: 'day',
  timeZone: 'Asia/Tokyo',
  // Tokyo midnights: 15:00Z the day before (no DST in Japan)
  timestamps: [utc('2025-02-28T15:00:00Z'), utc('2025-03-01T15:00:00Z'), utc('2025-03-02T15:00:00Z')],
  values: [412, Number.NaN, 405],
  gaps: 1,
};
const b: VolumeSeries = {
  key: { queue: 'appeals', language: 'en' },
  id: 'appeals|en',
  freq: 'hour',
  timeZone: 'UTC',
  timestamps: [0, 3_600_000],
  values: [1, 2],
  gaps: 0,
};

describe('seriesToTable', () => {
  it('makes one row per series per period with key, id, timeZone, freq, timestamp, volume', () => {
    const t = seriesToTable([a, b]);
    expect(t.numRows()).toBe(5);
    expect(t.columnNames()).toEqual([
      'queue',
      'language',
      'market',
      'id',
      'timeZone',
      'freq',
      'timestamp',
      'volume',
    ]);
    expect(Array.from(t.array('market'))).toEqual(['JP', 'JP', 'JP', '', '']);
    expect(Array.from(t.array('volume'))).toEqual([412, Number.NaN, 405, 1, 2]);
  });

  it('supports arquero verbs across series', () => {
    const totals = seriesToTable([a, b])
      .filter((d: { volume: number }) => !op.is_nan(d.volume))
      .groupby('queue')
      .rollup({ total: op.sum('volume') })
      .orderby('queue')
      .objects();
    expect(totals).toEqual([
      { queue: 'appeals', total: 3 },
      { queue: 'reviews', total: 817 },
    ]);
  });

  it('an empty list gives an empty table', () => {
    expect(seriesToTable([]).numRows()).toBe(0);
  });
});

describe('tableToSeries', () => {
  it('inverts seriesToTable (the market column of b is "" after the round trip)', () => {
    const back = tableToSeries(seriesToTable([a, b]));
    expect(back).toEqual([{ ...b, key: { ...b.key, market: '' }, id: 'appeals|en|' }, a]);
  });

  it('groups rows by key, sorts them, fills missing periods and infers the step', () => {
    const t = from([
      { timestamp: '2025-03-03T00:00:00Z', queue: 'q', language: 'en', volume: 3 },
      { timestamp: '2025-03-01T00:00:00Z', queue: 'q', language: 'en', volume: 1 },
      { timestamp: '2025-03-01T00:00:00Z', queue: 'q', language: 'de', volume: 7 },
    ]);
    const s = tableToSeries(t);
    expect(s.map((x) => x.id)).toEqual(['q|de', 'q|en']);
    expect(s[1].values).toEqual([1, Number.NaN, 3]);
    expect(s[1].timestamps).toEqual([utc('2025-03-01'), utc('2025-03-01') + D, utc('2025-03-03')]);
    expect(s[1].gaps).toBe(1);
    expect(s[1].freq).toBe('day');
  });

  it('rejects missing columns, duplicates, off-grid rows and bad zones with codes', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => tableToSeries(from([{ timestamp: 0, queue: 'q', language: 'en' }]))).toThrow(
      code('INPUT_MISSING_COLUMN'),
    );
    const dup = from([
      { timestamp: 0, queue: 'q', language: 'en', volume: 1 },
      { timestamp: 0, queue: 'q', language: 'en', volume: 2 },
    ]);
    expect(() => tableToSeries(dup)).toThrow(code('INPUT_DUPLICATE_KEY'));
    const off = from(
      [0, 3_600_000, 5_400_000, 7_200_000].map((t) => ({
        timestamp: t,
        queue: 'q',
        language: 'en',
        volume: 1,
      })),
    );
    expect(() => tableToSeries(off)).toThrow(code('INPUT_IRREGULAR_GRID'));
    expect(() =>
      tableToSeries(from([{ timestamp: 0, queue: 'q', language: 'en', volume: 1 }]), {
        timeZone: 'Nowhere/X',
      }),
    ).toThrow(code('INPUT_UNKNOWN_TIMEZONE'));
    expect(() => tableToSeries(from([{ timestamp: 'soon', queue: 'q', language: 'en', volume: 1 }]))).toThrow(
      code('INPUT_PARSE'),
    );
    expect(() => tableToSeries(from([{ timestamp: 0, queue: 'q', language: 'en', volume: -1 }]))).toThrow(
      code('INPUT_INVALID'),
    );
  });
});
