import { z } from 'zod';
import type { ErrorCode } from '../../errors.ts';
import { canonicalTimeZone } from './calendar.ts';
import type { ColumnLayout } from './columns.ts';
import { ownString } from './own-string.ts';
import { type ParsedTimestamp, parseIsoTimestamp } from './timestamp.ts';

/** One validated row: the parsed timestamp, the volume (`NaN` = missing), the zone (if given), the key. */
export interface VolumeRow {
  readonly timestamp: ParsedTimestamp;
  readonly volume: number;
  /** Canonical IANA zone from the `timezone` column; `undefined` when the column is absent or empty. */
  readonly timezone?: string;
  readonly [key: string]: unknown;
}

/** One problem with one cell of a row, before the file and line are attached. */
export interface CellProblem {
  readonly code: ErrorCode;
  readonly column?: string;
  readonly value?: unknown;
  readonly reason: string;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const CACHE_LIMIT = 1_000_000;

function custom(code: ErrorCode, message: string, input: unknown) {
  return { code: 'custom' as const, message, input, params: { code } };
}

/**
 * Parses a volume cell: '' / null → NaN (a gap); otherwise a finite number ≥ 0 (fractions allowed:
 * volumes may be scaled), else the reason as a string.
 *
 * @example parseVolume('12.5') // => 12.5
 * @example parseVolume('-3') // => 'volume is negative (volumes are counts, ≥ 0)'
 */
export function parseVolume(v: string | number | null): number | string {
  let x: number;
  if (v === null) return Number.NaN;
  if (typeof v === 'number') x = v;
  else {
    const s = v.trim();
    if (s === '') return Number.NaN;
    if (!NUMBER.test(s)) return 'volume is not a number';
    x = Number(s);
  }
  if (!Number.isFinite(x)) return 'volume is not a finite number';
  if (x < 0) return 'volume is negative (volumes are counts, ≥ 0)';
  return x;
}

/**
 * Builds the zod schema of one row of a file with the given columns. CSV cells are strings; JSON-lines
 * values may also be numbers (volume, keys) or `null` (volume → missing, optional key → `''`, timezone →
 * the default zone). Timestamp texts are parsed once and memoised, so a file where every series shares
 * the same timestamps parses each distinct text once.
 *
 * Issues carry the error code in `params.code`; {@link rowProblems} turns them into {@link CellProblem}s.
 *
 * @example rowSchema(columnLayout(['timestamp', 'queue', 'language', 'volume'], 'v.csv'), 'csv')
 *   .parse({ timestamp: '2025-03-01', queue: 'reviews', language: 'ja', volume: '412' }).volume // => 412
 */
export function rowSchema(layout: ColumnLayout, format: 'csv' | 'jsonl') {
  const tsCache = new Map<string, ParsedTimestamp | string>();
  const json = format === 'jsonl';

  const timestamp = z.string({ error: 'timestamp must be a string' }).transform((s, ctx) => {
    let p = tsCache.get(s);
    if (p === undefined) {
      const t = s.trim();
      p = t === '' ? 'timestamp is empty' : parseIsoTimestamp(t);
      if (tsCache.size >= CACHE_LIMIT) tsCache.clear();
      tsCache.set(ownString(s), p);
    }
    if (typeof p === 'string') {
      ctx.issues.push(custom('INPUT_PARSE', p, s));
      return z.NEVER;
    }
    return p;
  });

  const volumeIn = json
    ? z.union([z.string(), z.number(), z.null()], {
        error: 'volume must be a number, a numeric string or empty',
      })
    : z.string();
  const volume = volumeIn.transform((v, ctx) => {
    const x = parseVolume(v);
    if (typeof x === 'string') {
      ctx.issues.push(custom('INPUT_INVALID', x, v));
      return z.NEVER;
    }
    return x;
  });

  const zoneIn = json
    ? z.union([z.string(), z.null()], { error: 'timezone must be a string or empty' })
    : z.string();
  const timezone = zoneIn.transform((v, ctx) => {
    if (v === null || v.trim() === '') return undefined;
    const zone = canonicalTimeZone(v.trim());
    if (zone === null) {
      ctx.issues.push(
        custom('INPUT_UNKNOWN_TIMEZONE', `unknown time zone "${v.trim()}" (not an IANA name)`, v),
      );
      return z.NEVER;
    }
    return zone;
  });

  const keyIn = json
    ? z.union([z.string(), z.number(), z.null()], { error: 'key values must be strings' })
    : z.string();
  const requiredKey = keyIn.transform((v, ctx) => {
    const s = v === null ? '' : String(v);
    if (s === '') {
      ctx.issues.push(custom('INPUT_INVALID', 'required key is empty', v));
      return z.NEVER;
    }
    return s;
  });
  const optionalKey = keyIn.transform((v) => (v === null ? '' : String(v)));

  const shape: Record<string, z.ZodType> = { timestamp, volume };
  if (layout.hasTimeZone) shape.timezone = json ? timezone.optional() : timezone;
  for (const k of layout.keys) shape[k] = k === 'queue' || k === 'language' ? requiredKey : optionalKey;
  return json ? z.strictObject(shape) : z.object(shape);
}

const CODE_BY_COLUMN: Record<string, ErrorCode> = {
  timestamp: 'INPUT_PARSE',
  timezone: 'INPUT_UNKNOWN_TIMEZONE',
};

/**
 * Turns the issues of a failed row parse into problems naming column, value and reason, with the error
 * code each one gets (a field absent from a JSON line → INPUT_MISSING_COLUMN).
 *
 * @example rowProblems(result.error, raw) // => [{ code: 'INPUT_INVALID', column: 'volume', value: '-3', ... }]
 */
export function rowProblems(error: z.ZodError, raw: Readonly<Record<string, unknown>>): CellProblem[] {
  const out: CellProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        out.push({
          code: 'INPUT_INVALID',
          column: k,
          value: raw[k],
          reason: `unexpected field "${k}" (not among the columns of the first line)`,
        });
      }
      continue;
    }
    const column = issue.path.length > 0 ? String(issue.path[0]) : undefined;
    const value = column === undefined ? undefined : raw[column];
    const fromParams = issue.code === 'custom' ? (issue.params?.code as ErrorCode | undefined) : undefined;
    let code: ErrorCode;
    let reason = issue.message;
    if (fromParams) code = fromParams;
    else if (column !== undefined && !(column in raw)) {
      code = 'INPUT_MISSING_COLUMN';
      reason = `field "${column}" is missing`;
    } else code = (column && CODE_BY_COLUMN[column]) || 'INPUT_INVALID';
    out.push({ code, column, value, reason });
  }
  return out;
}
