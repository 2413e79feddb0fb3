import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type ErrorCode, ModcapError } from '../../errors.ts';
import { countQuotes, splitCsvRecord } from '../io/csv.ts';
import { ErrorCollector } from '../io/problems.ts';
import { parseIsoTimestamp } from '../io/timestamp.ts';
import type { ForecastRow, StoredForecast, StoredInterval } from './types.ts';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOUND = /^(lower|upper)_(\d+(?:\.\d+)?)$/;
const FIXED = new Set(['timestamp', 'point', 'model']);

function custom(code: ErrorCode, message: string, input: unknown) {
  return { code: 'custom' as const, message, input, params: { code } };
}

/** A timestamp text that must carry its UTC offset (as `modcap forecast` writes it), to epoch ms. */
const Instant = z.string().transform((s, ctx) => {
  const p = parseIsoTimestamp(s.trim());
  if (typeof p === 'string') {
    ctx.issues.push(custom('INPUT_PARSE', p, s));
    return z.NEVER;
  }
  if (p.offsetMinutes === null) {
    ctx.issues.push(
      custom('INPUT_PARSE', 'timestamp has no UTC offset; a stored forecast writes instants (…Z)', s),
    );
    return z.NEVER;
  }
  return p.instant;
});

/** A CSV number cell: a finite decimal. */
const CsvNumber = z.string().transform((s, ctx) => {
  const t = s.trim();
  if (t === '' || !NUMBER.test(t)) {
    ctx.issues.push(custom('INPUT_INVALID', t === '' ? 'number is missing' : 'not a number', s));
    return z.NEVER;
  }
  return Number(t);
});

/**
 * The JSON document `modcap forecast` writes (`forecastJson` in `src/forecast/output.ts`); only the
 * fields explain needs are checked, others are ignored.
 */
export const ForecastJsonDocument = z.object({
  series: z.array(
    z.object({
      key: z.record(z.string(), z.string()),
      model: z.string().optional(),
      forecast: z.array(
        z.object({
          timestamp: Instant,
          point: z.number({ error: 'point must be a number' }),
          intervals: z
            .record(
              z.string().regex(/^\d+(?:\.\d+)?$/, 'an interval level must be a number of percent'),
              z.tuple([z.number(), z.number()], { error: 'an interval must be [lower, upper] numbers' }),
            )
            .optional(),
        }),
      ),
    }),
  ),
});

/**
 * Reads a forecast that `modcap forecast` wrote: `forecast.csv` (key columns, `timestamp`, `point`,
 * `lower_L` / `upper_L` per level, `model`) or `forecast.json` (by extension; anything else is sniffed:
 * a leading `{` means JSON). Every row is validated with zod; nothing is returned when any row is bad.
 * CSV errors name file, line (the header is line 1), column, value and reason (up to 50, as the volumes
 * reader does); JSON errors name the path inside the document (e.g. `series[0].forecast[3].point`) as
 * the column. Every column of the CSV other than timestamp, point, model and the bounds is a key column.
 * Checks: timestamps are ISO 8601 with a UTC offset, numbers are finite, `lower ≤ upper`, every
 * `lower_L` has its `upper_L`, and no series has two rows for one timestamp.
 *
 * @throws ModcapError INPUT_NOT_FOUND, INPUT_EMPTY, INPUT_MISSING_COLUMN (timestamp / point / a key /
 *   a bound's pair), INPUT_PARSE (timestamp, JSON, CSV quoting), INPUT_INVALID, INPUT_DUPLICATE_KEY
 * @example
 * const f = readForecast('out/forecast.csv');
 * f.levels // => [80, 95]
 */
export function readForecast(path: string): StoredForecast {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ModcapError('INPUT_NOT_FOUND', 'no such file', { file: path });
  }
  return parseForecast(text, path);
}

/**
 * {@link readForecast} over text already in memory; `file` labels errors and picks the format
 * (`.json` → JSON, `.csv` → CSV, else sniffed).
 *
 * @example parseForecast('queue,timestamp,point\nreviews,2025-03-01T00:00:00Z,4\n', 'f.csv').rows[0].point // => 4
 */
export function parseForecast(text: string, file: string): StoredForecast {
  const clean = text.replace(/^\uFEFF/, '');
  const lower = file.toLowerCase();
  const json = lower.endsWith('.json') ? true : lower.endsWith('.csv') ? false : /^\s*\{/.test(clean);
  return json ? parseJson(clean, file) : parseCsv(clean, file);
}

function parseCsv(text: string, file: string): StoredForecast {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0 || lines[0].trim() === '') {
    throw new ModcapError('INPUT_EMPTY', 'the file is empty', { file });
  }
  const header = splitCsvRecord(lines[0]);
  if (typeof header === 'string') {
    throw new ModcapError('INPUT_PARSE', header, { file, line: 1, reason: header });
  }
  const names = header.map((h) => h.trim());
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '' || seen.has(n)) {
      const reason = n === '' ? 'a column has an empty name' : `column "${n}" appears twice`;
      throw new ModcapError('INPUT_INVALID', reason, { file, line: 1, column: n, reason });
    }
    seen.add(n);
  }
  for (const need of ['timestamp', 'point']) {
    if (!seen.has(need)) {
      const reason = `required column "${need}" is missing`;
      throw new ModcapError('INPUT_MISSING_COLUMN', reason, { file, line: 1, column: need, reason });
    }
  }
  const levelSet = new Set<number>();
  for (const n of names) {
    const m = BOUND.exec(n);
    if (!m) continue;
    const level = Number(m[2]);
    const other = `${m[1] === 'lower' ? 'upper' : 'lower'}_${m[2]}`;
    if (!seen.has(other)) {
      const reason = `column "${n}" has no matching "${other}"`;
      throw new ModcapError('INPUT_MISSING_COLUMN', reason, { file, line: 1, column: other, reason });
    }
    if (!(level > 0 && level < 100)) {
      const reason = `interval level ${m[2]} is not a percentage in (0, 100)`;
      throw new ModcapError('INPUT_INVALID', reason, { file, line: 1, column: n, reason });
    }
    levelSet.add(level);
  }
  const levels = [...levelSet].sort((a, b) => a - b);
  const keys = names.filter((n) => !FIXED.has(n) && !BOUND.test(n));
  if (keys.length === 0) {
    const reason = 'no key column (e.g. queue, language) besides timestamp, point and the bounds';
    throw new ModcapError('INPUT_MISSING_COLUMN', reason, { file, line: 1, column: 'queue', reason });
  }

  const shape: Record<string, z.ZodType> = { timestamp: Instant, point: CsvNumber };
  for (const l of levels) {
    shape[`lower_${l}`] = CsvNumber;
    shape[`upper_${l}`] = CsvNumber;
  }
  const schema = z.object(shape);
  const errors = new ErrorCollector(file);
  const rows: ForecastRow[] = [];
  const firstLine = new Map<string, number>();
  const hasModel = seen.has('model');
  let pending: string | null = null;
  let pendingStart = 0;
  for (let i = 1; i < lines.length && !errors.full; i++) {
    const lineNo = i + 1;
    let record = lines[i];
    if (pending !== null) {
      record = `${pending}\n${record}`;
    } else pendingStart = lineNo;
    if (countQuotes(record) % 2 === 1 && i < lines.length - 1) {
      pending = record;
      continue;
    }
    pending = null;
    if (record.trim() === '') continue;
    const cells = splitCsvRecord(record);
    if (typeof cells === 'string') {
      errors.add({ code: 'INPUT_PARSE', file, line: pendingStart, reason: cells });
      continue;
    }
    if (cells.length !== names.length) {
      errors.add({
        code: 'INPUT_PARSE',
        file,
        line: pendingStart,
        reason: `${cells.length} fields where the header has ${names.length}`,
      });
      continue;
    }
    const raw: Record<string, string> = {};
    names.forEach((n, j) => {
      raw[n] = cells[j];
    });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? '');
        const code = (issue.code === 'custom' && (issue.params?.code as ErrorCode)) || 'INPUT_INVALID';
        errors.add({ code, file, line: pendingStart, column, value: raw[column], reason: issue.message });
      }
      continue;
    }
    const v = parsed.data as Record<string, number>;
    const intervals: StoredInterval[] = [];
    let bad = false;
    for (const level of levels) {
      const lo = v[`lower_${level}`];
      const up = v[`upper_${level}`];
      if (lo > up) {
        bad = true;
        errors.add({
          code: 'INPUT_INVALID',
          file,
          line: pendingStart,
          column: `lower_${level}`,
          value: raw[`lower_${level}`],
          reason: `lower bound is above the upper bound (${up})`,
        });
      }
      intervals.push({ level, lower: lo, upper: up });
    }
    if (bad) continue;
    const key: Record<string, string> = {};
    for (const k of keys) key[k] = raw[k];
    const dup = `${keyString(key)}\u0000${v.timestamp}`;
    const first = firstLine.get(dup);
    if (first !== undefined) {
      errors.add({
        code: 'INPUT_DUPLICATE_KEY',
        file,
        line: pendingStart,
        column: 'timestamp',
        value: raw.timestamp,
        reason: `a second row for this series and timestamp (first on line ${first})`,
        otherLine: first,
      });
      continue;
    }
    firstLine.set(dup, pendingStart);
    rows.push({
      key,
      timestamp: v.timestamp,
      point: v.point,
      intervals,
      ...(hasModel ? { model: raw.model } : {}),
    });
  }
  if (pending !== null) {
    errors.add({ code: 'INPUT_PARSE', file, line: pendingStart, reason: 'unterminated quoted field' });
  }
  if (errors.count > 0) throw errors.toError();
  if (rows.length === 0) throw new ModcapError('INPUT_EMPTY', 'the file has no data rows', { file });
  return { file, format: 'csv', keys, levels, rows };
}

function keyString(key: Readonly<Record<string, string>>): string {
  return Object.keys(key)
    .sort()
    .map((k) => `${k}=${key[k]}`)
    .join('\u0001');
}

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s === '' ? '' : '.'}${String(p)}`;
  return s;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function parseJson(text: string, file: string): StoredForecast {
  if (text.trim() === '') throw new ModcapError('INPUT_EMPTY', 'the file is empty', { file });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const reason = `malformed JSON: ${(e as Error).message}`;
    throw new ModcapError('INPUT_PARSE', reason, { file, reason });
  }
  const parsed = ForecastJsonDocument.safeParse(data);
  if (!parsed.success) {
    const errors = parsed.error.issues.slice(0, 50).map((issue) => ({
      code: ((issue.code === 'custom' && (issue.params?.code as ErrorCode)) || 'INPUT_INVALID') as ErrorCode,
      file,
      column: pathText(issue.path),
      value: valueAt(data, issue.path),
      reason: issue.message,
    }));
    const first = errors[0];
    const shown = errors
      .slice(0, 5)
      .map((e) => `${e.column || '(document)'}, value ${JSON.stringify(e.value)}: ${e.reason}`)
      .join('; ');
    const n = parsed.error.issues.length;
    throw new ModcapError(first.code, `${n} problem${n === 1 ? '' : 's'}: ${shown}`, {
      file,
      column: first.column,
      value: first.value,
      reason: first.reason,
      errors,
    });
  }
  const levelSet = new Set<number>();
  const keySet = new Set<string>();
  for (const s of parsed.data.series) {
    for (const k of Object.keys(s.key)) keySet.add(k);
    for (const f of s.forecast) for (const l of Object.keys(f.intervals ?? {})) levelSet.add(Number(l));
  }
  const levels = [...levelSet].sort((a, b) => a - b);
  const rows: ForecastRow[] = [];
  const seen = new Set<string>();
  parsed.data.series.forEach((s, si) => {
    s.forecast.forEach((f, fi) => {
      const intervals: StoredInterval[] = [];
      for (const level of levels) {
        const b = f.intervals?.[String(level)];
        if (!b) continue;
        if (b[0] > b[1]) {
          const column = `series[${si}].forecast[${fi}].intervals.${level}`;
          const reason = 'lower bound is above the upper bound';
          throw new ModcapError('INPUT_INVALID', reason, { file, column, value: b, reason });
        }
        intervals.push({ level, lower: b[0], upper: b[1] });
      }
      const dup = `${keyString(s.key)}\u0000${f.timestamp}`;
      if (seen.has(dup)) {
        const column = `series[${si}].forecast[${fi}].timestamp`;
        const reason = 'a second row for this series and timestamp';
        throw new ModcapError('INPUT_DUPLICATE_KEY', reason, {
          file,
          column,
          value: new Date(f.timestamp).toISOString(),
          reason,
        });
      }
      seen.add(dup);
      rows.push({ key: s.key, timestamp: f.timestamp, point: f.point, intervals, model: s.model });
    });
  });
  if (rows.length === 0) throw new ModcapError('INPUT_EMPTY', 'the forecast has no rows', { file });
  return { file, format: 'json', keys: [...keySet], levels, rows };
}
