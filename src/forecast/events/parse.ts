import { readFileSync } from 'node:fs';
import { ModcapError } from '../../errors.ts';
import { readCsv } from './csv.ts';
import { type EventSpec, EventsFile } from './schema.ts';

/** Columns of an events CSV (lists are `;`-separated; `name,type,start,shape` are required). */
export const EVENT_CSV_COLUMNS = [
  'name',
  'type',
  'start',
  'end',
  'queues',
  'languages',
  'markets',
  'shape',
  'days',
  'decayDays',
  'preDays',
  'postDays',
  'uplift',
  'description',
] as const;
const REQUIRED = ['name', 'type', 'start', 'shape'] as const;
const SHAPE_FIELDS = ['days', 'decayDays', 'preDays', 'postDays'] as const;
const LISTS = ['queues', 'languages', 'markets'] as const;

/** Options of `parseEvents`: the file name for error messages and the format (sniffed when omitted). */
export interface ParseEventsOptions {
  readonly file?: string;
  readonly format?: 'json' | 'csv';
}

/**
 * Parses and validates an events file (a JSON array of `EventSpec`, or a CSV with the columns in
 * `EVENT_CSV_COLUMNS`). All or nothing: the first invalid event throws, naming the file, the CSV line or the
 * JSON array index, the field, the value and the reason (every issue is in `details.issues`).
 * @throws ModcapError INPUT_PARSE (malformed JSON / CSV), INPUT_MISSING_COLUMN, INPUT_INVALID, INPUT_EMPTY
 * @example parseEvents('name,type,start,shape\nja-launch,launch,2025-04-01,step', { format: 'csv' })[0].shape // => { kind: 'step' }
 */
export function parseEvents(text: string, options: ParseEventsOptions = {}): EventSpec[] {
  const format = options.format ?? (/^\s*\[/.test(text.replace(/^\uFEFF/, '')) ? 'json' : 'csv');
  return format === 'json' ? parseJson(text, options.file) : parseCsv(text, options.file);
}

/**
 * Reads and parses an events file; the format comes from the extension (`.json`, `.csv`), else is sniffed.
 * @throws ModcapError INPUT_PARSE when the file cannot be read, plus everything `parseEvents` throws
 * @example loadEvents('data/events.json') // => EventSpec[]
 */
export function loadEvents(path: string): EventSpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModcapError('INPUT_PARSE', `cannot read events file: ${(e as Error).message}`, { file: path });
  }
  const lower = path.toLowerCase();
  const format = lower.endsWith('.json') ? 'json' : lower.endsWith('.csv') ? 'csv' : undefined;
  return parseEvents(text, { file: path, format });
}

function parseJson(text: string, file?: string): EventSpec[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const msg = (e as Error).message;
    throw new ModcapError('INPUT_PARSE', `malformed JSON: ${msg}`, { file, line: jsonErrorLine(text, msg) });
  }
  if (!Array.isArray(data))
    throw new ModcapError('INPUT_INVALID', 'an events JSON file must be an array of events', { file });
  const result = EventsFile.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((iss) => {
    const [index, ...field] = iss.path as (string | number)[];
    return {
      index: index as number,
      field: field.join('.') || '(event)',
      value: valueAt(data, iss.path as (string | number)[]),
      reason: iss.message,
    };
  });
  const first = issues[0];
  const name = (data as { name?: unknown }[])[first.index]?.name;
  throw new ModcapError(
    'INPUT_INVALID',
    `event at index ${first.index}${typeof name === 'string' ? ` (${name})` : ''}: ${first.field}: ${first.reason}`,
    { file, column: first.field, value: first.value, index: first.index, reason: first.reason, issues },
  );
}

function parseCsv(text: string, file?: string): EventSpec[] {
  const { header, records } = readCsv(text, file);
  for (const h of header)
    if (!(EVENT_CSV_COLUMNS as readonly string[]).includes(h))
      throw new ModcapError('INPUT_INVALID', `unknown column (expected ${EVENT_CSV_COLUMNS.join(',')})`, {
        file,
        line: 1,
        column: h,
        value: h,
      });
  for (const r of REQUIRED)
    if (!header.includes(r))
      throw new ModcapError('INPUT_MISSING_COLUMN', `missing required column ${r}`, {
        file,
        line: 1,
        column: r,
      });
  const objects = records.map((rec) => {
    if (rec.cells.length !== header.length)
      throw new ModcapError('INPUT_PARSE', `expected ${header.length} cells, found ${rec.cells.length}`, {
        file,
        line: rec.line,
      });
    const cell = (c: string) => {
      const j = header.indexOf(c);
      const v = j < 0 ? '' : rec.cells[j].trim();
      return v === '' ? undefined : v;
    };
    const obj: Record<string, unknown> = { name: cell('name'), type: cell('type'), start: cell('start') };
    for (const c of ['end', 'description'] as const) if (cell(c) !== undefined) obj[c] = cell(c);
    for (const c of LISTS) {
      const v = cell(c);
      if (v !== undefined)
        obj[c] = v
          .split(';')
          .map((s) => s.trim())
          .filter((s) => s !== '');
    }
    const shape: Record<string, unknown> = { kind: cell('shape') };
    for (const c of SHAPE_FIELDS) if (cell(c) !== undefined) shape[c] = toNumber(cell(c) as string);
    obj.shape = shape;
    const uplift = cell('uplift');
    if (uplift !== undefined)
      obj.uplift = uplift.endsWith('%') ? toNumber(uplift.slice(0, -1), 100) : toNumber(uplift);
    return obj;
  });
  const result = EventsFile.safeParse(objects);
  if (result.success) return result.data;
  const issues = result.error.issues.map((iss) => {
    const [index, ...rest] = iss.path as (string | number)[];
    const column =
      rest[0] === 'shape' ? (typeof rest[1] === 'string' ? rest[1] : 'shape') : String(rest[0] ?? '(row)');
    const rec = records[index as number];
    const j = header.indexOf(column);
    return {
      line: rec.line,
      column,
      value: j >= 0 ? rec.cells[j] : valueAt(objects, iss.path as (string | number)[]),
      reason: iss.message,
    };
  });
  const first = issues[0];
  throw new ModcapError('INPUT_INVALID', `${first.column}: ${first.reason}`, {
    file,
    line: first.line,
    column: first.column,
    value: first.value,
    reason: first.reason,
    issues,
  });
}

/** A number from a CSV cell, or the raw string (so zod reports "expected number" with the value). */
function toNumber(s: string, divisor = 1): number | string {
  const v = Number(s);
  return s.trim() !== '' && Number.isFinite(v) ? v / divisor : s;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** The 1-based line of a JSON.parse error, from "position N" or "line N" in its message. */
function jsonErrorLine(text: string, message: string): number | undefined {
  const byLine = /line (\d+)/.exec(message);
  if (byLine) return Number(byLine[1]);
  const byPos = /position (\d+)/.exec(message);
  let pos: number;
  if (byPos) pos = Number(byPos[1]);
  else {
    // Node 20: `Unexpected token '}', ..."  "type": }"... is not valid JSON` quotes the text around the token
    const snip = /^Unexpected token '(.+?)', (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(
      message,
    );
    const at = snip ? text.indexOf(snip[2]) : -1;
    if (!snip || at < 0) return undefined;
    pos = at + Math.max(0, snip[2].indexOf(snip[1]));
  }
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
