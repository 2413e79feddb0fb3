import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ModcapError } from '../../errors.ts';
import { type ConfigIssue, crossCheck } from './checks.ts';
import { CapacityConfig } from './schema.ts';

/** One validation problem as reported in `ModcapError.details.issues`: `{ path: 'sites[2].shrinkage', value, reason }`. */
export interface CapacityConfigIssue {
  readonly path: string;
  readonly value: unknown;
  readonly reason: string;
}

/** Options of `parseCapacityConfig`: the file name for messages, and the format (from `file`'s extension, else JSON). */
export interface ParseCapacityConfigOptions {
  readonly file?: string;
  readonly format?: 'json' | 'yaml';
}

const SHOWN = 3;

/**
 * Formats a zod-style path as `sites[2].languages.en`.
 * @example formatConfigPath(['sites', 2, 'shrinkage']) // => 'sites[2].shrinkage'
 */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s === '' ? String(p) : `.${String(p)}`;
  }
  return s === '' ? '(config)' : s;
}

/**
 * Parses and validates a capacity configuration (JSON). All or nothing: the typed config, or one
 * `ModcapError('INPUT_INVALID')` whose `details.issues` lists every problem as `{ path, value, reason }`
 * and whose message shows the first few with the file name.
 * YAML (`format: 'yaml'`, or a file ending `.yaml` / `.yml`) is read with the `yaml` package, then validated alike.
 * @throws ModcapError INPUT_PARSE (malformed JSON or YAML, with line and column), INPUT_INVALID
 * @example parseCapacityConfig(readFileSync('data/demo/config.json', 'utf8')).reportingCurrency // => 'EUR'
 */
export function parseCapacityConfig(text: string, options: ParseCapacityConfigOptions = {}): CapacityConfig {
  const { file } = options;
  const format = options.format ?? (file !== undefined && /\.ya?ml$/i.test(file) ? 'yaml' : 'json');
  const body = text.replace(/^\uFEFF/, '');
  if (format === 'yaml') {
    const doc = parseDocument(body, { prettyErrors: true });
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      const pos = first.linePos?.[0];
      throw new ModcapError('INPUT_PARSE', `malformed YAML: ${first.message.split('\n')[0]}`, {
        file,
        line: pos?.line,
        column: pos ? String(pos.col) : undefined,
        columnNumber: pos?.col,
      });
    }
    return validateCapacityConfig(doc.toJS(), file);
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    const msg = (e as Error).message;
    const { line, column } = jsonErrorPosition(body, msg);
    throw new ModcapError('INPUT_PARSE', `malformed JSON: ${msg}`, {
      file,
      line,
      column: String(column),
      columnNumber: column,
    });
  }
  return validateCapacityConfig(data, file);
}

/**
 * Validates already-parsed data (e.g. from a YAML parser or an API body) as a capacity configuration.
 * @throws ModcapError INPUT_INVALID listing every problem in `details.issues`
 * @example validateCapacityConfig({}).queues // throws ModcapError INPUT_INVALID
 */
export function validateCapacityConfig(data: unknown, file?: string): CapacityConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ModcapError('INPUT_INVALID', 'a capacity config must be an object', {
      file,
      issues: [{ path: '(config)', value: data, reason: 'a capacity config must be an object' }],
    });
  const result = CapacityConfig.safeParse(data);
  if (result.success) return result.data;
  const issues: CapacityConfigIssue[] = [];
  const seen = new Set<string>();
  const push = (i: ConfigIssue | CapacityConfigIssue) => {
    const path = typeof i.path === 'string' ? i.path : formatConfigPath(i.path);
    // One problem per path: the field rule first, then a cross-field rule only where no field rule failed.
    if (seen.has(path)) return;
    seen.add(path);
    issues.push({ path, value: i.value, reason: i.reason });
  };
  for (const iss of result.error.issues.flatMap((i) => expandUnion(i, []))) {
    const path = iss.path as (string | number)[];
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys)
        push({ path: [...path, k], value: valueAt(data, [...path, k]), reason: 'unknown field' });
      continue;
    }
    const value = valueAt(data, path);
    const reason =
      value === undefined && iss.code === 'invalid_type' ? 'required field is missing' : iss.message;
    push({ path, value, reason });
  }
  // Cross-field rules run inside the schema only when every field is valid; run them on the raw input too,
  // so that one report lists every problem.
  for (const iss of crossCheck(data)) push(iss);
  const shown = issues
    .slice(0, SHOWN)
    .map((i) => `${i.path}: ${i.reason}${i.value === undefined ? '' : ` (got ${short(i.value)})`}`)
    .join('; ');
  const more = issues.length > SHOWN ? ` (and ${issues.length - SHOWN} more)` : '';
  throw new ModcapError(
    'INPUT_INVALID',
    `invalid capacity config: ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${shown}${more}`,
    { file, path: issues[0]?.path, issues },
  );
}

/**
 * Reads and validates a capacity configuration file (`.json`, `.yaml` or `.yml`).
 * @throws ModcapError INPUT_NOT_FOUND, INPUT_PARSE, INPUT_INVALID
 * @example loadCapacityConfig('data/demo/config.json').sites.map((s) => s.id) // => ['dublin', 'manila', ...]
 */
export function loadCapacityConfig(path: string): CapacityConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT')
      throw new ModcapError('INPUT_NOT_FOUND', 'capacity config file not found', { file: path });
    throw new ModcapError('INPUT_PARSE', `cannot read capacity config: ${err.message}`, { file: path });
  }
  return parseCapacityConfig(text, { file: path });
}

type ZodIssue = z.core.$ZodIssue;

/**
 * A failed union reports one issue per branch; when exactly the branch that matched the input's shape went
 * deeper (its issues have paths), report those instead of the union's summary message.
 */
function expandUnion(issue: ZodIssue, base: PropertyKey[]): ZodIssue[] {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
  const deep = issue.errors.filter((branch) =>
    branch.some((i) => i.path.length > 0 || (i.code === 'invalid_union' && i.errors.length > 0)),
  );
  if (deep.length !== 1) return [{ ...issue, path }];
  const nested = deep[0].flatMap((i) => expandUnion(i, path));
  // A nested union that could not be narrowed keeps its own message unless it is zod's generic one.
  return nested.map((i) => (i.message === 'Invalid input' ? { ...i, message: issue.message } : i));
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** 1-based line and column of a JSON.parse error (V8 reports a character position, or none at the end). */
function jsonErrorPosition(text: string, message: string): { line: number; column: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const m = /position (\d+)/.exec(message);
  const pos = m ? Math.min(Number(m[1]), text.length) : text.length;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}
