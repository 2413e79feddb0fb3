import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ModcapError } from '../../../src/errors.ts';
import { formatFromPath, readVolumes, readVolumesFromStream } from '../../../src/forecast/io/read.ts';
import type { ReadStreamOptions, VolumeSeries } from '../../../src/forecast/io/types.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/io/${name}`, import.meta.url));
const H = 3_600_000;
const D = 86_400_000;
const utc = (iso: string) => Date.parse(iso);

function read(text: string | Buffer, options: Partial<ReadStreamOptions> = {}): Promise<VolumeSeries[]> {
  return readVolumesFromStream(Readable.from([text]), { file: 'test.csv', format: 'csv', ...options });
}

/** Reads and returns the thrown ModcapError (fails the test if nothing is thrown). */
async function readError(
  text: string | Buffer,
  options: Partial<ReadStreamOptions> = {},
): Promise<ModcapError> {
  try {
    await read(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ModcapError);
    return e as ModcapError;
  }
  throw new Error('expected the read to fail');
}

type Listed = {
  code: string;
  line: number;
  column?: string;
  value?: unknown;
  otherLine?: number;
  reason: string;
};
const listed = (e: ModcapError) => e.details.errors as Listed[];

const HEADER = 'timestamp,queue,language,volume\n';

describe('readVolumes: files', () => {
  // The fixture: reviews|ja|JP on 1, 2 and 4 March (3 March missing); listings on 1-3 March with an
  // empty volume on 2 March. Values below are read off the fixture file.
  const expected = [
    {
      id: 'listings, used|en|US',
      key: { queue: 'listings, used', language: 'en', market: 'US' },
      freq: 'day',
      timeZone: 'UTC',
      timestamps: [utc('2025-03-01'), utc('2025-03-02'), utc('2025-03-03')],
      values: [10, Number.NaN, 12.5],
      gaps: 1,
    },
    {
      id: 'reviews|ja|JP',
      key: { queue: 'reviews', language: 'ja', market: 'JP' },
      freq: 'day',
      timeZone: 'UTC',
      timestamps: [utc('2025-03-01'), utc('2025-03-02'), utc('2025-03-03'), utc('2025-03-04')],
      values: [412, 398, Number.NaN, 405],
      gaps: 1,
    },
  ];

  it('reads a CSV with quoted fields, fills the missing day with NaN and counts gaps', async () => {
    expect(await readVolumes(fixture('volumes.csv'))).toEqual(expected);
  });

  it('reads the same data gzipped', async () => {
    expect(await readVolumes(fixture('volumes.csv.gz'))).toEqual(expected);
  });

  it('reads the same data as JSON lines (numbers, numeric strings, null volume, blank line)', async () => {
    expect(await readVolumes(fixture('volumes.jsonl'))).toEqual(expected);
  });

  it('guesses the format from the extension, ignoring .gz', () => {
    expect(formatFromPath('a/v.CSV')).toBe('csv');
    expect(formatFromPath('v.csv.gz')).toBe('csv');
    expect(formatFromPath('v.ndjson')).toBe('jsonl');
    expect(formatFromPath('v.json')).toBe('jsonl');
    expect(formatFromPath('v.jsonl.gz')).toBe('jsonl');
    expect(formatFromPath('v.txt')).toBeUndefined();
  });

  it('rejects an unknown extension without options.format, and a missing file', async () => {
    await expect(readVolumes('volumes.txt')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(readVolumes(fixture('nope.csv'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});

describe('readVolumesFromStream: CSV', () => {
  it('orders series by id and builds key, id and values', async () => {
    const s = await read(`${HEADER}2025-03-01,reviews,ja,4\n2025-03-01,appeals,en,7\n`);
    expect(s.map((x) => x.id)).toEqual(['appeals|en', 'reviews|ja']);
    expect(s[1].key).toEqual({ queue: 'reviews', language: 'ja' });
    expect(s[1].values).toEqual([4]);
  });

  it('treats any further column as a key, ordered queue, language, market, then by name', async () => {
    const s = await read('site,volume,language,timestamp,queue,market\nb1,5,ja,2025-03-01,reviews,JP\n');
    expect(s[0].id).toBe('reviews|ja|JP|b1');
    expect(s[0].key).toEqual({ queue: 'reviews', language: 'ja', market: 'JP', site: 'b1' });
  });

  it('handles CRLF line endings, a BOM, and quotes with "" and line breaks inside fields', async () => {
    const text = `\ufefftimestamp,queue,language,volume\r\n2025-03-01,"say ""hi""",en,1\r\n2025-03-01,"two\nlines",en,2\r\n`;
    const s = await read(text);
    expect(s.map((x) => x.key.queue)).toEqual(['say "hi"', 'two\nlines']);
    expect(s.map((x) => x.values[0])).toEqual([1, 2]);
  });

  it('counts physical lines after a quoted field that spans lines', async () => {
    // line 1 header, lines 2-3 one record, line 4 the bad row
    const e = await readError(`${HEADER}2025-03-01,"a\nb",en,1\n2025-03-01,c,en,x\n`);
    expect(listed(e)).toMatchObject([{ line: 4, column: 'volume', value: 'x' }]);
  });

  it('accepts fractional volumes and exponents, and reads an empty volume as a gap', async () => {
    const s = await read(
      `${HEADER}2025-03-01,q,en,12.5\n2025-03-02,q,en,\n2025-03-03,q,en,1e3\n2025-03-04,q,en, 7 \n`,
    );
    expect(s[0].values).toEqual([12.5, Number.NaN, 1000, 7]);
    expect(s[0].gaps).toBe(1);
  });

  it('accepts rows in any order', async () => {
    const s = await read(`${HEADER}2025-03-03,q,en,3\n2025-03-01,q,en,1\n2025-03-02,q,en,2\n`);
    expect(s[0].values).toEqual([1, 2, 3]);
    expect(s[0].timestamps).toEqual([utc('2025-03-01'), utc('2025-03-02'), utc('2025-03-03')]);
  });

  it('gunzips a stream when it starts with the gzip magic bytes', async () => {
    const s = await read(gzipSync(`${HEADER}2025-03-01,q,en,3\n`));
    expect(s[0].values).toEqual([3]);
  });

  it('reports a corrupt gzip stream as INPUT_PARSE', async () => {
    const broken = gzipSync(`${HEADER}2025-03-01,q,en,3\n`).subarray(0, 20);
    const e = await readError(broken);
    expect(e.code).toBe('INPUT_PARSE');
  });
});

describe('readVolumesFromStream: JSON lines', () => {
  const opts = { file: 'v.jsonl', format: 'jsonl' } as const;
  const line = (o: object) => `${JSON.stringify(o)}\n`;
  const row = { timestamp: '2025-03-01T00:00:00Z', queue: 'q', language: 'en', volume: 1 };

  it('reads objects, numbers as keys become strings', async () => {
    const s = await read(
      line({ ...row, market: 44 }) + line({ ...row, timestamp: '2025-03-01T01:00:00Z', market: 44 }),
      opts,
    );
    expect(s[0].key).toEqual({ queue: 'q', language: 'en', market: '44' });
    expect(s[0].freq).toBe('hour');
  });

  it('names line and column of a field missing from a later line (INPUT_MISSING_COLUMN)', async () => {
    const e = await readError(
      line(row) + line({ timestamp: '2025-03-02T00:00:00Z', queue: 'q', volume: 2 }),
      opts,
    );
    expect(e.code).toBe('INPUT_MISSING_COLUMN');
    expect(listed(e)).toMatchObject([{ code: 'INPUT_MISSING_COLUMN', line: 2, column: 'language' }]);
  });

  it('requires the first line to have the required fields', async () => {
    const e = await readError(line({ timestamp: '2025-03-01', queue: 'q', language: 'en' }), opts);
    expect(e.code).toBe('INPUT_MISSING_COLUMN');
    expect(listed(e)).toMatchObject([{ line: 1, column: 'volume' }]);
  });

  it('reports invalid JSON, a non-object line and an unexpected field with their lines', async () => {
    const text = `${line(row)}{"timestamp": oops}\n[1,2]\n${line({ ...row, timestamp: '2025-03-01T02:00:00Z', site: 'x' })}`;
    const e = await readError(text, opts);
    expect(listed(e).map((x) => [x.code, x.line, x.column])).toEqual([
      ['INPUT_PARSE', 2, undefined],
      ['INPUT_PARSE', 3, undefined],
      ['INPUT_INVALID', 4, 'site'],
    ]);
  });

  it('rejects a non-numeric volume type', async () => {
    const e = await readError(line({ ...row, volume: true }), opts);
    expect(listed(e)).toMatchObject([{ code: 'INPUT_INVALID', line: 1, column: 'volume', value: true }]);
  });
});

describe('readVolumesFromStream: errors name file, line, column, value and reason', () => {
  it('negative volume → INPUT_INVALID', async () => {
    const e = await readError(`${HEADER}2025-03-01,q,en,4\n2025-03-02,q,en,-5\n`);
    expect(e.code).toBe('INPUT_INVALID');
    expect(e.details.file).toBe('test.csv');
    expect(listed(e)).toMatchObject([{ file: 'test.csv', line: 3, column: 'volume', value: '-5' }]);
    expect(e.message).toContain('test.csv');
    expect(e.message).toContain('line 3, column volume, value "-5"');
  });

  it('non-numeric volumes (text, NaN, Infinity, 1,000 quoted) → INPUT_INVALID', async () => {
    const e = await readError(
      `${HEADER}2025-03-01,q,en,abc\n2025-03-02,q,en,NaN\n2025-03-03,q,en,Infinity\n2025-03-04,q,en,"1,000"\n`,
    );
    expect(listed(e).map((x) => [x.code, x.line, x.value])).toEqual([
      ['INPUT_INVALID', 2, 'abc'],
      ['INPUT_INVALID', 3, 'NaN'],
      ['INPUT_INVALID', 4, 'Infinity'],
      ['INPUT_INVALID', 5, '1,000'],
    ]);
  });

  it('unparseable or impossible timestamps → INPUT_PARSE', async () => {
    const e = await readError(
      `${HEADER}2025-03-01,q,en,1\n03/01/2025,q,en,1\n2025-02-30,q,en,1\n2025-03-01T24:00,q,en,1\n,q,en,1\n`,
    );
    expect(e.code).toBe('INPUT_PARSE');
    expect(listed(e).map((x) => [x.line, x.column, x.value])).toEqual([
      [3, 'timestamp', '03/01/2025'],
      [4, 'timestamp', '2025-02-30'],
      [5, 'timestamp', '2025-03-01T24:00'],
      [6, 'timestamp', ''],
    ]);
  });

  it('a local time skipped by DST → INPUT_PARSE', async () => {
    const e = await readError(`${HEADER}2025-03-30T02:30,q,en,1\n`, { timeZone: 'Europe/Berlin' });
    expect(listed(e)).toMatchObject([{ code: 'INPUT_PARSE', line: 2, column: 'timestamp' }]);
    expect(listed(e)[0].reason).toContain('does not exist in Europe/Berlin');
  });

  it('unknown time zone in the column → INPUT_UNKNOWN_TIMEZONE; in the options too', async () => {
    const e = await readError(
      'timestamp,queue,language,timezone,volume\n2025-03-01,q,en,Europe/Atlantis,1\n',
    );
    expect(e.code).toBe('INPUT_UNKNOWN_TIMEZONE');
    expect(listed(e)).toMatchObject([{ line: 2, column: 'timezone', value: 'Europe/Atlantis' }]);
    await expect(read(`${HEADER}2025-03-01,q,en,1\n`, { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'INPUT_UNKNOWN_TIMEZONE',
    });
  });

  it('a time zone that changes within a series → INPUT_INVALID on the later row', async () => {
    const e = await readError(
      'timestamp,queue,language,timezone,volume\n2025-03-01,q,en,Europe/Berlin,1\n2025-03-02,q,en,UTC,1\n',
    );
    expect(listed(e)).toMatchObject([{ code: 'INPUT_INVALID', line: 3, column: 'timezone', value: 'UTC' }]);
  });

  it('empty queue or language → INPUT_INVALID', async () => {
    const e = await readError(`${HEADER}2025-03-01,,en,1\n2025-03-01,q,,1\n`);
    expect(listed(e).map((x) => [x.code, x.line, x.column])).toEqual([
      ['INPUT_INVALID', 2, 'queue'],
      ['INPUT_INVALID', 3, 'language'],
    ]);
  });

  it('wrong number of fields and broken quoting → INPUT_PARSE', async () => {
    const e = await readError(`${HEADER}2025-03-01,q,en\n2025-03-01,q,en,1,9\n2025-03-01,q"x",en,1\n`);
    expect(listed(e).map((x) => [x.code, x.line, x.column])).toEqual([
      ['INPUT_PARSE', 2, 'volume'],
      ['INPUT_PARSE', 3, undefined],
      ['INPUT_PARSE', 4, undefined],
    ]);
  });

  it('a quote never closed → INPUT_PARSE at the line where it opened', async () => {
    const e = await readError(`${HEADER}2025-03-01,q,en,1\n2025-03-02,"q,en,1\n2025-03-03,q,en,1\n`);
    expect(listed(e)).toMatchObject([{ code: 'INPUT_PARSE', line: 3 }]);
  });

  it('duplicate (series, timestamp) → INPUT_DUPLICATE_KEY naming both lines', async () => {
    const e = await readError(
      `${HEADER}2025-03-01,q,en,1\n2025-03-02,q,en,2\n2025-03-01,r,en,3\n2025-03-01,q,en,4\n`,
    );
    expect(e.code).toBe('INPUT_DUPLICATE_KEY');
    expect(listed(e)).toMatchObject([{ line: 5, otherLine: 2, column: 'timestamp' }]);
    expect(e.message).toContain('line 5');
    expect(e.message).toContain('at line 2');
  });

  it('the same instant written two ways is a duplicate', async () => {
    const e = await readError(`${HEADER}2025-03-01T00:00:00Z,q,en,1\n2025-03-01T01:00:00+01:00,q,en,2\n`);
    expect(listed(e)).toMatchObject([{ code: 'INPUT_DUPLICATE_KEY', line: 3, otherLine: 2 }]);
  });

  it('a row off the hourly grid (10:30) → INPUT_IRREGULAR_GRID on that row', async () => {
    const rows = ['09:00', '10:00', '10:30', '11:00', '12:00'].map(
      (t, i) => `2025-03-01T${t}:00Z,q,en,${i}\n`,
    );
    const e = await readError(HEADER + rows.join(''));
    expect(e.code).toBe('INPUT_IRREGULAR_GRID');
    expect(listed(e)).toMatchObject([{ line: 4, column: 'timestamp' }]);
  });

  it('a weekly series with a row on another weekday → INPUT_IRREGULAR_GRID on that row', async () => {
    // 3, 10, 17, 24 March 2025 are Mondays; 18 March is a Tuesday.
    const days = ['2025-03-03', '2025-03-10', '2025-03-18', '2025-03-24', '2025-03-31'];
    const e = await readError(HEADER + days.map((d) => `${d},q,en,1\n`).join(''));
    expect(listed(e)).toMatchObject([{ code: 'INPUT_IRREGULAR_GRID', line: 4 }]);
    expect(listed(e)[0].reason).toContain('Tuesday');
  });

  it('a daily series with a row not at local midnight → INPUT_IRREGULAR_GRID', async () => {
    const e = await readError(
      `${HEADER}2025-03-01,q,en,1\n2025-03-02,q,en,1\n2025-03-03T06:00,q,en,1\n2025-03-04,q,en,1\n`,
    );
    expect(listed(e)).toMatchObject([{ code: 'INPUT_IRREGULAR_GRID', line: 4 }]);
  });

  it('collects several errors into one, sorted by line, showing the first five in the message', async () => {
    const bad = Array.from({ length: 7 }, (_, i) => `2025-03-0${i + 1},q,en,-${i + 1}\n`).join('');
    const e = await readError(`${HEADER}2025-02-01T00:00:00Z,r,en,1\n2025-02-01T00:00:00Z,r,en,1\n${bad}`);
    expect(e.code).toBe('INPUT_DUPLICATE_KEY'); // line 3 is the first error by line
    expect(listed(e).map((x) => x.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(e.message).toContain('8 bad rows');
    expect(e.message).toContain('and 3 more');
    expect(e.details.truncated).toBe(false);
  });

  it('stops at maxErrors and says so', async () => {
    const bad = Array.from({ length: 100 }, () => 'x,q,en,1\n').join('');
    const e = await readError(HEADER + bad, { maxErrors: 10 });
    expect(listed(e)).toHaveLength(10);
    expect(e.details.truncated).toBe(true);
    expect(e.message).toContain('at least 10');
  });
});

describe('readVolumesFromStream: degenerate input', () => {
  it('zero bytes → INPUT_EMPTY', async () => {
    await expect(read('')).rejects.toMatchObject({ code: 'INPUT_EMPTY' });
    await expect(read('', { format: 'jsonl' })).rejects.toMatchObject({ code: 'INPUT_EMPTY' });
  });

  it('a header only, or a header and blank lines → INPUT_EMPTY', async () => {
    await expect(read(HEADER)).rejects.toMatchObject({ code: 'INPUT_EMPTY' });
    await expect(read(`${HEADER}\n\n  \n`)).rejects.toMatchObject({ code: 'INPUT_EMPTY' });
  });

  it('a missing required column → INPUT_MISSING_COLUMN naming it, at line 1', async () => {
    const e = await readError('timestamp,queue,language,count\n2025-03-01,q,en,1\n');
    expect(e.code).toBe('INPUT_MISSING_COLUMN');
    expect(listed(e)).toMatchObject([{ line: 1, column: 'volume' }]);
  });

  it('a repeated header name → INPUT_INVALID', async () => {
    const e = await readError('timestamp,queue,language,volume,queue\n');
    expect(listed(e)).toMatchObject([{ code: 'INPUT_INVALID', line: 1, column: 'queue' }]);
  });

  it('one row → a one-point daily series (or hourly when not at midnight)', async () => {
    expect((await read(`${HEADER}2025-03-01,q,en,1\n`))[0].freq).toBe('day');
    expect((await read(`${HEADER}2025-03-01T05:00Z,q,en,1\n`))[0].freq).toBe('hour');
  });

  it('a volume of 0 is a value, not a gap', async () => {
    const s = await read(`${HEADER}2025-03-01,q,en,0\n2025-03-02,q,en,0\n`);
    expect(s[0].values).toEqual([0, 0]);
    expect(s[0].gaps).toBe(0);
  });

  it('options.freq overrides inference (two days read as a daily, not weekly, grid)', async () => {
    const text = `${HEADER}2025-03-03,q,en,1\n2025-03-10,q,en,2\n`;
    expect((await read(text))[0].freq).toBe('week');
    const daily = (await read(text, { freq: 'day' }))[0];
    expect(daily.values).toHaveLength(8);
    expect(daily.gaps).toBe(6);
  });
});

describe('readVolumesFromStream: time zones and DST', () => {
  const TZ_HEADER = 'timestamp,queue,language,timezone,volume\n';

  it('daily Berlin dates start at local midnight: the 30 March 2025 day is 23 hours', async () => {
    const rows = ['2025-03-29', '2025-03-30', '2025-03-31', '2025-04-01'].map(
      (d) => `${d},q,de,Europe/Berlin,1\n`,
    );
    const [s] = await read(TZ_HEADER + rows.join(''));
    expect(s.timeZone).toBe('Europe/Berlin');
    expect(s.freq).toBe('day');
    // CET (+01:00) until 2025-03-30T01:00Z, then CEST (+02:00) — EU rule: last Sunday of March, 01:00 UTC.
    expect(s.timestamps).toEqual([
      utc('2025-03-28T23:00:00Z'),
      utc('2025-03-29T23:00:00Z'),
      utc('2025-03-30T22:00:00Z'),
      utc('2025-03-31T22:00:00Z'),
    ]);
    expect(s.timestamps.slice(1).map((t, i) => (t - s.timestamps[i]) / H)).toEqual([24, 23, 24]);
  });

  it('daily New York dates across the 2 November 2025 change: a 25-hour day', async () => {
    const rows = ['2025-11-01', '2025-11-02', '2025-11-03'].map((d) => `${d},q,en,America/New_York,1\n`);
    const [s] = await read(TZ_HEADER + rows.join(''));
    // EDT (−04:00) until 2025-11-02T06:00Z, then EST (−05:00) — US rule: first Sunday of November, 02:00 local.
    expect(s.timestamps).toEqual([
      utc('2025-11-01T04:00:00Z'),
      utc('2025-11-02T04:00:00Z'),
      utc('2025-11-03T05:00:00Z'),
    ]);
  });

  it('the timeZone option applies to rows without a zone', async () => {
    const [s] = await read(`${HEADER}2025-03-09,q,en,1\n2025-03-10,q,en,1\n`, {
      timeZone: 'America/New_York',
    });
    expect(s.timeZone).toBe('America/New_York');
    expect(s.timestamps).toEqual([utc('2025-03-09T05:00:00Z'), utc('2025-03-10T04:00:00Z')]);
  });

  it('hourly local times across the spring change are consecutive hours (02:00 does not exist)', async () => {
    const rows = ['00:00', '01:00', '03:00', '04:00'].map((t, i) => `2025-03-30T${t},q,de,${i}\n`);
    const [s] = await read(HEADER + rows.join(''), { timeZone: 'Europe/Berlin' });
    expect(s.freq).toBe('hour');
    expect(s.gaps).toBe(0);
    expect(s.timestamps).toEqual([0, 1, 2, 3].map((k) => utc('2025-03-29T23:00:00Z') + k * H));
    expect(s.values).toEqual([0, 1, 2, 3]);
  });

  it('hourly rows with offsets across the autumn change keep a 3,600,000 ms grid (25 local hours)', async () => {
    const rows: string[] = [];
    for (let k = 0; k < 25; k++) {
      const t = utc('2025-10-25T22:00:00Z') + k * H; // 26 Oct local midnight .. 23:00
      rows.push(`${new Date(t).toISOString()},q,de,Europe/Berlin,${k}\n`);
    }
    const [s] = await read(TZ_HEADER + rows.join(''));
    expect(s.values).toHaveLength(25);
    expect(s.timestamps[24] - s.timestamps[0]).toBe(24 * H);
  });

  it('missing hours inside a day become gaps', async () => {
    const [s] = await read(`${HEADER}2025-03-01T00:00Z,q,en,1\n2025-03-01T03:00Z,q,en,4\n`);
    expect(s.values).toEqual([1, Number.NaN, Number.NaN, 4]);
    expect(s.gaps).toBe(2);
    expect(s.timestamps[3] - s.timestamps[0]).toBe(3 * H);
  });

  it('a weekly series in New York steps one calendar week (167 hours across the spring change)', async () => {
    const rows = ['2025-03-03', '2025-03-10', '2025-03-24'].map((d) => `${d},q,en,America/New_York,1\n`);
    const [s] = await read(TZ_HEADER + rows.join(''));
    expect(s.freq).toBe('week');
    expect(s.values).toEqual([1, 1, Number.NaN, 1]);
    expect((s.timestamps[1] - s.timestamps[0]) / H).toBe(167);
    expect((s.timestamps[2] - s.timestamps[1]) / D).toBe(7);
  });
});
