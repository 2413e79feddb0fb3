import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import { ModcapError } from '../../errors.ts';
import { calendarFor, canonicalTimeZone, type ZoneCalendar } from './calendar.ts';
import { type ColumnLayout, columnLayout } from './columns.ts';
import { countQuotes, splitCsvRecord } from './csv.ts';
import { placeOnGrid } from './grid.ts';
import { ownString } from './own-string.ts';
import { DEFAULT_MAX_ERRORS, ErrorCollector, type RowError } from './problems.ts';
import { rowProblems, rowSchema, type VolumeRow } from './row.ts';
import { SeriesBuffer } from './series-buffer.ts';
import { seriesId } from './series-id.ts';
import { type ByteSource, openText } from './source.ts';
import { type ParsedTimestamp, resolveTimestamp } from './timestamp.ts';
import type { ReadStreamOptions, ReadVolumesOptions, VolumeFormat, VolumeSeries } from './types.ts';

/** A CSV record may not grow beyond this many characters (a stray quote would otherwise swallow the file). */
const MAX_RECORD_CHARS = 1_000_000;
const RESOLVE_CACHE_LIMIT = 1_000_000;

/**
 * The format of a volumes file from its name (a trailing `.gz` is ignored): `.csv` → csv; `.jsonl`,
 * `.ndjson`, `.json` → jsonl (one JSON object per line); otherwise `undefined`.
 *
 * @example formatFromPath('volumes.csv.gz') // => 'csv'
 */
export function formatFromPath(path: string): VolumeFormat | undefined {
  const p = path.toLowerCase().replace(/\.gz$/, '');
  if (p.endsWith('.csv')) return 'csv';
  if (p.endsWith('.jsonl') || p.endsWith('.ndjson') || p.endsWith('.json')) return 'jsonl';
  return undefined;
}

/**
 * Reads a volumes file (long format, one row per series per period; see DESIGN.md "Input contracts")
 * into series on complete regular grids. The file is streamed line by line (`.gz` is decompressed on the
 * fly), each row is validated with zod, rows are kept compactly per series, and the series are built only
 * at the end: missing periods become `NaN` gaps (`gaps` counts them), the frequency is inferred per
 * series (or `options.freq`), days and weeks are local calendar days in the series' time zone.
 *
 * Nothing is returned when any row is bad: up to `maxErrors` (50) row errors are collected, each naming
 * file, line (the CSV header is line 1), column, value and reason, and one `ModcapError` is thrown with
 * the code of the first one and all of them in `details.errors`.
 *
 * @throws ModcapError INPUT_NOT_FOUND (no such file), INPUT_EMPTY (no data rows), INPUT_MISSING_COLUMN,
 *   INPUT_PARSE (timestamp, CSV quoting, JSON), INPUT_INVALID (volume negative / not a number, empty
 *   required key, time zone changing within a series), INPUT_UNKNOWN_TIMEZONE, INPUT_DUPLICATE_KEY
 *   (two rows for one series and period; both lines named), INPUT_IRREGULAR_GRID (a row off the grid),
 *   BAD_ARGUMENT (format unknown)
 * @example
 * const series = await readVolumes('data/volumes.csv', { timeZone: 'Europe/Berlin' });
 * series[0].id // => 'reviews|de|DE'
 */
export async function readVolumes(path: string, options: ReadVolumesOptions = {}): Promise<VolumeSeries[]> {
  const format = options.format ?? formatFromPath(path);
  if (format === undefined) {
    throw new ModcapError(
      'BAD_ARGUMENT',
      'cannot tell the format from the file name; use .csv, .jsonl, .ndjson or .json, or pass options.format',
      { file: path },
    );
  }
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
  } catch {
    throw new ModcapError('INPUT_NOT_FOUND', 'no such file', { file: path });
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    return await readVolumesFromStream(stream, {
      ...options,
      file: path,
      format,
      gzip: path.toLowerCase().endsWith('.gz') ? true : undefined,
    });
  } finally {
    stream.destroy();
  }
}

/**
 * {@link readVolumes} over any byte stream (an upload, a generated `Readable`, an async iterable of
 * chunks). `options.file` labels the errors; gzip is detected from the magic bytes unless `options.gzip`
 * says otherwise.
 *
 * @example
 * await readVolumesFromStream(Readable.from(['timestamp,queue,language,volume\n2025-03-01,reviews,ja,4\n']),
 *   { file: 'upload.csv', format: 'csv' }) // => [{ id: 'reviews|ja', freq: 'day', values: [4], gaps: 0, ... }]
 */
export async function readVolumesFromStream(
  source: ByteSource,
  options: ReadStreamOptions,
): Promise<VolumeSeries[]> {
  const file = options.file;
  const zoneName = options.timeZone ?? 'UTC';
  const defaultZone = canonicalTimeZone(zoneName);
  if (defaultZone === null) {
    throw new ModcapError('INPUT_UNKNOWN_TIMEZONE', `unknown time zone "${zoneName}" in options.timeZone`, {
      value: zoneName,
    });
  }
  const ingest = new Ingest(file, defaultZone, options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const text = openText(source, options.gzip);
  try {
    if (options.format === 'csv') await eachLine(text, (line, n) => ingest.csvLine(line, n));
    else await eachLine(text, (line, n) => ingest.jsonLine(line, n));
  } catch (e) {
    if (e instanceof ModcapError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new ModcapError('INPUT_PARSE', `cannot read the input: ${err.message}`, { file, cause: err.code });
  } finally {
    text.destroy();
  }
  ingest.end(options.format);
  return ingest.finish(options.freq);
}

/**
 * Feeds the lines of a text stream to `onLine` (1-based line numbers; `\n` or `\r\n` endings) through
 * node:readline. Lines are handled synchronously as they arrive, so the stream is never read ahead of
 * the handler; `onLine` returning `false` stops reading.
 */
function eachLine(input: Readable, onLine: (line: string, lineNo: number) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNo = 0;
    let stopped = false;
    const stop = () => {
      stopped = true;
      rl.close();
      input.destroy();
    };
    rl.on('line', (line) => {
      if (stopped) return;
      lineNo++;
      try {
        if (!onLine(line, lineNo)) stop();
      } catch (e) {
        reject(e); // settle first: closing the interface emits 'close', which would resolve
        stop();
      }
    });
    rl.on('close', () => resolve());
    rl.on('error', reject);
    input.on('error', (e) => {
      stopped = true;
      rl.close();
      reject(e);
    });
  });
}

type KeyIndex = Map<string, KeyIndex | SeriesBuffer>;

/** The state of one read: layout, schema, per-series buffers and the errors so far. */
class Ingest {
  private readonly file: string;
  private readonly defaultZone: string;
  private readonly errors: ErrorCollector;
  private readonly index: KeyIndex = new Map();
  private buffers: SeriesBuffer[] = [];
  private readonly resolved = new Map<string, Map<ParsedTimestamp, number | string>>();
  private layout: ColumnLayout | undefined;
  private schema: ReturnType<typeof rowSchema> | undefined;
  private dataRows = 0;
  /** A CSV record whose quoted field continues on the next line, its first line, and its quote count. */
  private pending: string | null = null;
  private pendingStart = 0;
  private quotes = 0;

  constructor(file: string, defaultZone: string, maxErrors: number) {
    this.file = file;
    this.defaultZone = defaultZone;
    this.errors = new ErrorCollector(file, maxErrors);
  }

  private fail(e: Omit<RowError, 'file'>): void {
    this.errors.add({ file: this.file, ...e });
  }

  /** Records a header problem (fatal) and throws the collected errors. */
  private fatal(e: unknown): never {
    if (e instanceof ModcapError) {
      const d = e.details;
      this.fail({
        code: e.code,
        line: d.line ?? 1,
        column: d.column,
        value: d.value,
        reason: typeof d.reason === 'string' ? d.reason : e.message,
      });
      throw this.errors.toError();
    }
    throw e;
  }

  /** Handles one CSV line (records may span lines inside quotes); returns false to stop reading. */
  csvLine(raw: string, lineNo: number): boolean {
    const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (this.pending === null) {
      if (line.length === 0 || line.trim() === '') return true;
      this.pendingStart = lineNo;
      this.quotes = line.includes('"') ? countQuotes(line) : 0;
      if (this.quotes % 2 === 0) {
        this.csvRecord(line, lineNo);
        return !this.errors.full;
      }
      this.pending = line;
      return true;
    }
    this.pending += `\n${line}`;
    this.quotes += countQuotes(line);
    if (this.quotes % 2 === 1) {
      if (this.pending.length <= MAX_RECORD_CHARS) return true;
      this.fail({
        code: 'INPUT_PARSE',
        line: this.pendingStart,
        reason: `a quoted field opened on this line is not closed within ${MAX_RECORD_CHARS} characters`,
      });
      this.pending = null;
      return false;
    }
    const record = this.pending;
    this.pending = null;
    this.csvRecord(record, this.pendingStart);
    return !this.errors.full;
  }

  /** Called when the input has ended. */
  end(format: VolumeFormat): void {
    if (format === 'csv' && this.pending !== null) {
      this.fail({
        code: 'INPUT_PARSE',
        line: this.pendingStart,
        reason: 'a quoted field is not closed before the end of the file',
      });
    }
  }

  private csvRecord(record: string, line: number): void {
    const fields = splitCsvRecord(record);
    if (typeof fields === 'string') {
      if (!this.layout)
        this.fatal(
          new ModcapError('INPUT_PARSE', `header: ${fields}`, { line, reason: `header: ${fields}` }),
        );
      this.fail({ code: 'INPUT_PARSE', line, reason: fields });
      return;
    }
    if (!this.layout) {
      try {
        this.setLayout(
          fields.map((f) => f.trim()),
          'csv',
          line,
        );
      } catch (e) {
        this.fatal(e);
      }
      return;
    }
    const names = this.layout.names;
    if (fields.length !== names.length) {
      this.dataRows++;
      this.fail({
        code: 'INPUT_PARSE',
        line,
        column: fields.length < names.length ? names[fields.length] : undefined,
        reason: `expected ${names.length} fields as in the header, got ${fields.length}`,
      });
      return;
    }
    const raw: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) raw[names[i]] = fields[i];
    this.row(raw, line);
  }

  /** Handles one JSON line; returns false to stop reading. */
  jsonLine(raw: string, lineNo: number): boolean {
    const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line.trim() === '') return true;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      this.dataRows++;
      const hint = line.trim().startsWith('[') ? ' (a JSON array? write one object per line)' : '';
      this.fail({
        code: 'INPUT_PARSE',
        line: lineNo,
        reason: `not valid JSON: ${(e as Error).message}${hint}`,
      });
      return !this.errors.full;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.dataRows++;
      this.fail({ code: 'INPUT_PARSE', line: lineNo, value, reason: 'each line must be a JSON object' });
      return !this.errors.full;
    }
    const obj = value as Record<string, unknown>;
    if (!this.layout) {
      try {
        this.setLayout(Object.keys(obj), 'jsonl', lineNo);
      } catch (e) {
        this.fatal(e);
      }
    }
    this.row(obj, lineNo);
    return !this.errors.full;
  }

  private setLayout(names: string[], format: VolumeFormat, line: number): void {
    this.layout = columnLayout(names, this.file, line);
    this.schema = rowSchema(this.layout, format);
  }

  private row(raw: Record<string, unknown>, line: number): void {
    this.dataRows++;
    const parsed = this.schema!.safeParse(raw);
    if (!parsed.success) {
      for (const p of rowProblems(parsed.error, raw)) this.fail({ ...p, line });
      return;
    }
    const row = parsed.data as VolumeRow;
    const keys = this.layout!.keys;
    // Nested maps, one level per key column: no per-row key string is built.
    let node = this.index;
    const last = keys.length - 1;
    for (let j = 0; j < last; j++) {
      const v = row[keys[j]] as string;
      let next = node.get(v) as KeyIndex | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(ownString(v), next);
      }
      node = next;
    }
    const zone = row.timezone ?? this.defaultZone;
    let buffer = node.get(row[keys[last]] as string) as SeriesBuffer | undefined;
    if (buffer === undefined) {
      const key: Record<string, string> = {};
      for (const k of keys) key[k] = ownString(row[k] as string);
      buffer = new SeriesBuffer(key, seriesId(key), zone, line);
      node.set(key[keys[last]], buffer);
      this.buffers.push(buffer);
    } else if (buffer.timeZone !== zone) {
      this.fail({
        code: 'INPUT_INVALID',
        line,
        column: 'timezone',
        value: raw.timezone ?? '',
        series: buffer.id,
        reason: `time zone ${zone} differs from ${buffer.timeZone}, used by series ${buffer.id} since line ${buffer.firstLine} (a series has one time zone)`,
      });
      return;
    }
    let instant: number | string;
    const ts = row.timestamp;
    if (ts.offsetMinutes !== null) instant = ts.instant;
    else {
      let cache = this.resolved.get(zone);
      if (cache === undefined) {
        cache = new Map();
        this.resolved.set(zone, cache);
      }
      let hit = cache.get(ts);
      if (hit === undefined) {
        hit = resolveTimestamp(ts, calendarFor(zone));
        if (cache.size >= RESOLVE_CACHE_LIMIT) cache.clear();
        cache.set(ts, hit);
      }
      instant = hit;
    }
    if (typeof instant === 'string') {
      this.fail({ code: 'INPUT_PARSE', line, column: 'timestamp', value: raw.timestamp, reason: instant });
      return;
    }
    buffer.push(instant, row.volume, line);
  }

  /** Checks duplicates and grids, then builds the series (or throws the collected errors). */
  finish(freq: VolumeSeries['freq'] | undefined): VolumeSeries[] {
    if (this.errors.full) throw this.errors.toError();
    if (!this.layout) {
      if (this.errors.count > 0) throw this.errors.toError();
      throw new ModcapError('INPUT_EMPTY', 'the input is empty (no header, no rows)', { file: this.file });
    }
    if (this.dataRows === 0) {
      throw new ModcapError('INPUT_EMPTY', 'the input has a header but no data rows', {
        file: this.file,
        line: 1,
      });
    }
    const buffers: (SeriesBuffer | undefined)[] = this.buffers.sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    this.buffers = [];
    this.index.clear();
    const out: VolumeSeries[] = [];
    for (let i = 0; i < buffers.length; i++) {
      const series = this.build(buffers[i]!, freq);
      buffers[i] = undefined; // release the row buffers as soon as the series is built
      if (this.errors.full) break;
      if (series && this.errors.count === 0) out.push(series);
    }
    if (this.errors.count > 0) throw this.errors.toError();
    return out;
  }

  private build(buffer: SeriesBuffer, freq: VolumeSeries['freq'] | undefined): VolumeSeries | undefined {
    const { timestamps, volumes, lines } = buffer.sorted();
    const zone = buffer.timeZone;
    const iso = (ms: number) => DateTime.fromMillis(ms, { zone }).toISO() ?? String(ms);
    let duplicates = false;
    for (let i = 1; i < timestamps.length; i++) {
      if (timestamps[i] === timestamps[i - 1]) {
        duplicates = true;
        this.fail({
          code: 'INPUT_DUPLICATE_KEY',
          line: lines[i],
          otherLine: lines[i - 1],
          column: 'timestamp',
          value: iso(timestamps[i]),
          series: buffer.id,
          reason: `series ${buffer.id} already has a row for ${iso(timestamps[i])} at line ${lines[i - 1]}`,
        });
        if (this.errors.full) return undefined;
      }
    }
    if (duplicates) return undefined;
    const calendar: ZoneCalendar = calendarFor(zone);
    const placed = placeOnGrid(timestamps, calendar, freq);
    if (!placed.ok) {
      for (const o of placed.offGrid) {
        this.fail({
          code: 'INPUT_IRREGULAR_GRID',
          line: lines[o.index],
          column: 'timestamp',
          value: iso(timestamps[o.index]),
          series: buffer.id,
          reason: o.reason,
        });
        if (this.errors.full) return undefined;
      }
      return undefined;
    }
    if (this.errors.count > 0) return undefined;
    const values = new Array<number>(placed.timestamps.length).fill(Number.NaN);
    for (let i = 0; i < volumes.length; i++) values[placed.positions[i]] = volumes[i];
    let gaps = 0;
    for (const v of values) if (Number.isNaN(v)) gaps++;
    return {
      key: buffer.key,
      id: buffer.id,
      freq: placed.freq,
      timeZone: zone,
      timestamps: placed.timestamps,
      values,
      gaps,
    };
  }
}
