/** What both adapters share: argument checks, canonical forms, digests and the plan cost cache. */

import { createHash, randomUUID } from 'node:crypto';
import { ModcapError } from '../errors.ts';
import type {
  DocumentKind,
  ForecastSeriesDocument,
  IfVersion,
  JobKind,
  NewApiKey,
  NewDataset,
  NewForecast,
  NewJob,
  NewPlan,
  NewResult,
  PlanCostRow,
  PlanRequirementRow,
  ResultKind,
  Role,
  VolumeRow,
} from './types.ts';

/** Epoch ms → ISO string, `null` stays `null`. */
export const isoOrNull = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

/** Epoch ms → ISO string. */
export const iso = (ms: number): string => new Date(Number(ms)).toISOString();

/** A caller-given id (checked) or a random UUID. */
export function newId(id: string | undefined, field = 'id'): string {
  if (id === undefined) return randomUUID();
  checkId(id, field);
  return id;
}

/** Throws BAD_ARGUMENT unless `id` is a non-empty string of at most 200 characters. */
export function checkId(id: unknown, field = 'id'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    throw new ModcapError('BAD_ARGUMENT', `${field} must be a non-empty string of at most 200 characters`, {
      column: field,
      value: id,
    });
}

const DOCUMENT_KINDS: readonly DocumentKind[] = ['events', 'config'];
const RESULT_KINDS: readonly ResultKind[] = ['anomalies', 'investigation'];
const JOB_KINDS: readonly JobKind[] = ['forecast', 'plan'];
const ROLES: readonly Role[] = ['planner', 'analyst', 'finance', 'admin'];

function checkOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
): asserts value is T {
  if (!allowed.includes(value as T))
    throw new ModcapError('BAD_ARGUMENT', `${field} must be one of ${allowed.join(', ')}`, {
      column: field,
      value,
    });
}

/** Throws BAD_ARGUMENT unless `k` is a document kind (`events`, `config`). */
export const checkDocumentKind = (k: unknown): void => checkOneOf(k, DOCUMENT_KINDS, 'kind');
/** Throws BAD_ARGUMENT unless `k` is a result kind (`anomalies`, `investigation`). */
export const checkResultKind = (k: unknown): void => checkOneOf(k, RESULT_KINDS, 'kind');
/** Throws BAD_ARGUMENT unless `k` is a job kind (`forecast`, `plan`). */
export const checkJobKind = (k: unknown): void => checkOneOf(k, JOB_KINDS, 'kind');

/** Throws BAD_ARGUMENT unless `v` is a positive integer version. */
export function checkVersion(v: unknown, field = 'ifVersion'): asserts v is number {
  if (!Number.isInteger(v) || (v as number) < 1)
    throw new ModcapError('BAD_ARGUMENT', `${field} must be an integer ≥ 1`, { column: field, value: v });
}

/** Checks an API key input: role, and the hash as 64 lowercase hex digits (a SHA-256, never the key). */
export function checkKey(input: NewApiKey): void {
  checkOneOf(input.role, ROLES, 'role');
  if (typeof input.hash !== 'string' || !/^[0-9a-f]{64}$/.test(input.hash))
    throw new ModcapError('BAD_ARGUMENT', 'hash must be a SHA-256 as 64 lowercase hex digits', {
      column: 'hash',
    });
}

/** SHA-256 (hex) of an API key, the form {@link Store.findKeyByHash} takes. @example apiKeyHash('abc') // => 'ba7816bf…' */
export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Throws BAD_ARGUMENT unless the key columns are distinct non-empty strings. */
export function checkKeyColumns(keyColumns: unknown): asserts keyColumns is string[] {
  if (
    !Array.isArray(keyColumns) ||
    keyColumns.length === 0 ||
    keyColumns.some((c) => typeof c !== 'string' || c.length === 0) ||
    new Set(keyColumns).size !== keyColumns.length
  )
    throw new ModcapError('BAD_ARGUMENT', 'keyColumns must be distinct non-empty strings (at least one)', {
      column: 'keyColumns',
      value: keyColumns,
    });
}

/**
 * Checks a batch of volume rows and returns their canonical series keys (JSON of the key object in
 * keyColumns order) and the batch digest. Throws INPUT_INVALID naming the row (0-based) and field.
 */
export function prepareVolumeRows(
  keyColumns: readonly string[],
  rows: readonly VolumeRow[],
): { seriesKeys: string[]; batchSha256: string } {
  if (!Array.isArray(rows))
    throw new ModcapError('BAD_ARGUMENT', 'rows must be an array', { column: 'rows' });
  const seriesKeys = new Array<string>(rows.length);
  const hash = createHash('sha256');
  const cache = new Map<string, string>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const key = r?.key;
    if (key === null || typeof key !== 'object')
      throw new ModcapError('INPUT_INVALID', `row ${i}: key must be an object`, { column: 'key', line: i });
    const values: string[] = [];
    for (const c of keyColumns) {
      const v = key[c];
      if (typeof v !== 'string')
        throw new ModcapError('INPUT_INVALID', `row ${i}: key column ${c} must be a string`, {
          column: c,
          value: v,
          row: i,
        });
      values.push(v);
    }
    if (Object.keys(key).length !== keyColumns.length)
      throw new ModcapError(
        'INPUT_INVALID',
        `row ${i}: key has columns other than ${keyColumns.join(', ')}`,
        {
          column: 'key',
          value: key,
          row: i,
        },
      );
    if (!Number.isSafeInteger(r.timestampMs))
      throw new ModcapError('INPUT_INVALID', `row ${i}: timestampMs must be an integer (epoch ms)`, {
        column: 'timestampMs',
        value: r.timestampMs,
        row: i,
      });
    if (typeof r.volume !== 'number' || !Number.isFinite(r.volume) || r.volume < 0)
      throw new ModcapError('INPUT_INVALID', `row ${i}: volume must be a finite number ≥ 0`, {
        column: 'volume',
        value: r.volume,
        row: i,
      });
    const valuesJson = JSON.stringify(values);
    let sk = cache.get(valuesJson);
    if (sk === undefined) {
      sk = JSON.stringify(Object.fromEntries(keyColumns.map((c, j) => [c, values[j]])));
      cache.set(valuesJson, sk);
    }
    seriesKeys[i] = sk;
    hash.update(`[${valuesJson},${r.timestampMs},${r.volume}]\n`);
  }
  return { seriesKeys, batchSha256: hash.digest('hex') };
}

/** The chained dataset digest: `sha256(previous + '\n' + batch)`. */
export function chainSha256(previous: string, batchSha256: string): string {
  return createHash('sha256').update(`${previous}\n${batchSha256}`).digest('hex');
}

/** Canonical series key of a query key (must name every key column). */
export function seriesKeyOf(keyColumns: readonly string[], key: Readonly<Record<string, string>>): string {
  return prepareVolumeRows(keyColumns, [{ key, timestampMs: 0, volume: 0 }]).seriesKeys[0];
}

function finite(v: unknown, what: string, row: number, field: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ModcapError('INPUT_INVALID', `${what} ${row}: ${field} must be a finite number`, {
      column: field,
      value: v,
      row,
    });
}

/** Checks the numbers of a plan's rows (strings are checked by the database's NOT NULL constraints). */
export function checkPlan(input: NewPlan): void {
  checkId(input.forecastId, 'forecastId');
  checkId(input.configId, 'configId');
  checkVersion(input.configVersion, 'configVersion');
  if (!Array.isArray(input.scenarios) || !Array.isArray(input.costs) || !Array.isArray(input.requirements))
    throw new ModcapError('BAD_ARGUMENT', 'scenarios, costs and requirements must be arrays');
  input.costs.forEach((c, i) => {
    finite(c.cost, 'cost row', i, 'cost');
    finite(c.costReporting, 'cost row', i, 'costReporting');
  });
  input.requirements.forEach((r, i) => {
    if (!Number.isInteger(r.week))
      throw new ModcapError('INPUT_INVALID', `requirement row ${i}: week must be an integer`, {
        column: 'week',
        value: r.week,
        row: i,
      });
    finite(r.requiredFte, 'requirement row', i, 'requiredFte');
    finite(r.paidHeadcount, 'requirement row', i, 'paidHeadcount');
  });
}

/** Checks a progress fraction (0..1). */
export function checkProgress(progress: unknown): void {
  if (typeof progress !== 'number' || !(progress >= 0 && progress <= 1))
    throw new ModcapError('BAD_ARGUMENT', 'progress must be a number in 0..1', {
      column: 'progress',
      value: progress,
    });
}

/** Stringifies a JSON value for storage (`undefined` → `null`). */
export const toJson = (v: unknown): string => JSON.stringify(v === undefined ? null : v);

/** Parses stored JSON (PostgreSQL hands `json` columns back parsed already). */
export const fromJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/** Database row of `plan_costs` → frozen {@link PlanCostRow}. */
export function costRowOf(r: {
  scenario: string;
  site: string;
  language: string;
  month: string;
  component: string;
  currency: string;
  cost: number;
  cost_reporting: number;
}): PlanCostRow {
  return Object.freeze({
    scenario: r.scenario,
    site: r.site,
    language: r.language,
    month: r.month,
    component: r.component as PlanCostRow['component'],
    currency: r.currency,
    cost: r.cost,
    costReporting: r.cost_reporting,
  });
}

/** Database row of `plan_requirements` → {@link PlanRequirementRow}. */
export function requirementRowOf(r: {
  scenario: string;
  site: string;
  language: string;
  week: number;
  week_start: string;
  required_fte: number;
  paid_headcount: number;
  detail: unknown;
}): PlanRequirementRow {
  return {
    scenario: r.scenario,
    site: r.site,
    language: r.language,
    week: Number(r.week),
    weekStart: r.week_start,
    requiredFte: r.required_fte,
    paidHeadcount: r.paid_headcount,
    detail: fromJson(r.detail) as Record<string, number>,
  };
}

/**
 * A small LRU of plan cost rows keyed by plan id and the plan's write id (a fresh UUID on every write of the
 * plan), so a cached entry is never served after the plan was replaced or deleted, by this or another process.
 */
export class CostCache {
  private readonly entries = new Map<string, { writeId: string; rows: readonly PlanCostRow[] }>();
  constructor(private readonly capacity = 64) {}

  /** The rows cached for this write of the plan, if any. */
  get(planId: string, writeId: string): readonly PlanCostRow[] | undefined {
    const e = this.entries.get(planId);
    if (!e || e.writeId !== writeId) return undefined;
    this.entries.delete(planId);
    this.entries.set(planId, e);
    return e.rows;
  }

  /** Caches (frozen) rows for this write of the plan and returns them; evicts the least recently used plan. */
  set(planId: string, writeId: string, rows: PlanCostRow[]): readonly PlanCostRow[] {
    const frozen = Object.freeze(rows);
    this.entries.delete(planId);
    this.entries.set(planId, { writeId, rows: frozen });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return frozen;
  }

  /** Forgets a plan. */
  delete(planId: string): void {
    this.entries.delete(planId);
  }
}

/** Splits `n` items into chunks of at most `size`: yields [start, end). */
export function* chunks(n: number, size: number): Generator<[number, number]> {
  for (let s = 0; s < n; s += size) yield [s, Math.min(n, s + size)];
}

/** The requirement detail without the fields that have their own columns. */
export function requirementDetail(r: PlanRequirementRow): string {
  return toJson(r.detail ?? {});
}

/** Throws INPUT_UNKNOWN_TIMEZONE unless `tz` is an IANA time zone name Intl knows. */
export function checkTimeZone(tz: unknown): asserts tz is string {
  let ok = typeof tz === 'string' && tz.length > 0;
  if (ok) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz as string });
    } catch {
      ok = false;
    }
  }
  if (!ok)
    throw new ModcapError('INPUT_UNKNOWN_TIMEZONE', 'timeZone is not a known IANA time zone', {
      column: 'timeZone',
      value: tz,
    });
}

/** Throws BAD_ARGUMENT unless `name` is a non-empty string. */
export function checkName(name: unknown, field = 'name'): asserts name is string {
  if (typeof name !== 'string' || name.length === 0)
    throw new ModcapError('BAD_ARGUMENT', `${field} must be a non-empty string`, {
      column: field,
      value: name,
    });
}

/** Checks a forecast document's shape: `series` an array of objects with string `id` and `model` and a `key`. */
export function checkForecastDoc(doc: unknown): void {
  const d = doc as { series?: unknown } | null;
  if (d === null || typeof d !== 'object' || !Array.isArray(d.series))
    throw new ModcapError('BAD_ARGUMENT', 'forecast doc must be an object with a series array', {
      column: 'doc',
    });
  d.series.forEach((s: { id?: unknown; model?: unknown; key?: unknown }, i: number) => {
    if (
      typeof s?.id !== 'string' ||
      typeof s.model !== 'string' ||
      s.key === null ||
      typeof s.key !== 'object'
    )
      throw new ModcapError(
        'BAD_ARGUMENT',
        `forecast doc series ${i} needs a string id, a string model and a key`,
        {
          column: `series[${i}]`,
        },
      );
  });
}

/** The forecast document without its series (stored as the forecast's head). */
export function forecastHead(doc: { series: unknown }): Record<string, unknown> {
  const { series: _series, ...head } = doc as Record<string, unknown>;
  return head;
}

/**
 * Checks a new dataset (id, name, key columns, time zone, rows) and prepares its rows: the dataset id (given or
 * a random UUID), the rows' canonical series keys and the batch digest.
 */
export function prepareNewDataset(input: NewDataset): {
  id: string;
  seriesKeys: string[];
  batchSha256: string;
} {
  const id = newId(input.id);
  checkName(input.name);
  checkKeyColumns(input.keyColumns);
  checkTimeZone(input.timeZone);
  return { id, ...prepareVolumeRows(input.keyColumns, input.rows) };
}

/** Checks an optional `ifVersion` (absent is fine). */
export function checkOptionalVersion(options: Partial<IfVersion>): void {
  if (options.ifVersion !== undefined) checkVersion(options.ifVersion);
}

/** Checks a new document's kind and name; returns its id (given or a random UUID) and its body as JSON. */
export function prepareNewDocument(
  kind: DocumentKind,
  input: { id?: string; name: string; doc: unknown },
): { id: string; doc: string } {
  checkDocumentKind(kind);
  const id = newId(input.id);
  checkName(input.name);
  return { id, doc: toJson(input.doc) };
}

/** Checks a document update (kind, `ifVersion`, the new name if any); returns the new body as JSON. */
export function prepareDocumentUpdate(
  kind: DocumentKind,
  input: { name?: string; doc: unknown },
  options: IfVersion,
): string {
  checkDocumentKind(kind);
  checkVersion(options?.ifVersion);
  if (input.name !== undefined) checkName(input.name);
  return toJson(input.doc);
}

/** Checks a new job; returns its id (given or a random UUID) and its claim limit (default 3). */
export function prepareNewJob(input: NewJob): { id: string; maxAttempts: number } {
  checkJobKind(input.kind);
  const id = newId(input.id);
  const maxAttempts = input.maxAttempts ?? 3;
  checkVersion(maxAttempts, 'maxAttempts');
  return { id, maxAttempts };
}

/** Checks a job listing's limit (default 100) and returns it. */
export function listLimit(filter: { limit?: number }): number {
  const limit = filter.limit ?? 100;
  checkVersion(limit, 'limit');
  return limit;
}

/** Checks a claimer's worker id and job kinds; returns the kinds it may claim (default: all). */
export function claimableKinds(
  workerId: string,
  options: { kinds?: readonly JobKind[] },
): readonly JobKind[] {
  checkId(workerId, 'workerId');
  const kinds = options.kinds ?? JOB_KINDS;
  kinds.forEach(checkJobKind);
  return kinds;
}

/** Throws BAD_ARGUMENT unless `olderThanMs` (milliseconds) is a number ≥ 0. */
export function checkOlderThan(olderThanMs: unknown): asserts olderThanMs is number {
  if (typeof olderThanMs !== 'number' || !(olderThanMs >= 0))
    throw new ModcapError('BAD_ARGUMENT', 'olderThanMs must be a number ≥ 0', { value: olderThanMs });
}

/** Stored series keys, timestamps (epoch ms) and volumes → volume rows; each distinct key is parsed once. */
export function volumeRowsOf(rows: readonly (readonly [string, number, number])[]): VolumeRow[] {
  const keys = new Map<string, Record<string, string>>();
  return rows.map(([sk, ts, volume]) => {
    let key = keys.get(sk);
    if (!key) {
      key = JSON.parse(sk) as Record<string, string>;
      keys.set(sk, key);
    }
    return { key, timestampMs: ts, volume };
  });
}

/** The `plan_costs` values of a cost row after `plan_id, seq`, in column order. */
export function costValues(r: PlanCostRow): unknown[] {
  return [r.scenario, r.site, r.language, r.month, r.component, r.currency, r.cost, r.costReporting];
}

/** The `plan_requirements` values of a requirement row after `plan_id, seq`, in column order. */
export function requirementValues(r: PlanRequirementRow): unknown[] {
  return [
    r.scenario,
    r.site,
    r.language,
    r.week,
    r.weekStart,
    r.requiredFte,
    r.paidHeadcount,
    requirementDetail(r),
  ];
}

/** The `forecast_series` values of a series after `forecast_id, seq`: id, key JSON, model, document JSON. */
export function forecastSeriesValues(s: ForecastSeriesDocument): [string, string, string, string] {
  return [s.id, toJson(s.key), s.model, toJson(s)];
}

/**
 * Column arrays of rows[start, end) for `INSERT … SELECT FROM unnest(…)`: the seq column (start, start+1, …)
 * first, then one array a value of `values(row)`. The range must not be empty (it sets the column count).
 * @example columnsOf([{ a: 1 }, { a: 2 }], 0, 2, (r) => [r.a]) // => [[0, 1], [1, 2]]
 */
export function columnsOf<T>(
  rows: readonly T[],
  start: number,
  end: number,
  values: (row: T) => readonly unknown[],
): unknown[][] {
  const part = rows.slice(start, end).map(values);
  const width = part.length > 0 ? part[0].length : 0;
  const cols: unknown[][] = [part.map((_, j) => start + j)];
  for (let k = 0; k < width; k++) cols.push(part.map((v) => v[k]));
  return cols;
}

/**
 * The `forecasts` values of a new forecast, in column order: id, dataset_id, dataset_version, job_id, params,
 * head (JSON of the document without its series), series_count, created_at (epoch ms).
 */
export function forecastValues(id: string, input: NewForecast, head: string, nowMs: number): unknown[] {
  return [
    id,
    input.datasetId ?? null,
    input.datasetVersion ?? null,
    input.jobId ?? null,
    toJson(input.params),
    head,
    input.doc.series.length,
    nowMs,
  ];
}

/**
 * The `results` values of a new result, in column order: kind, id, dataset_id, forecast_id, job_id, params,
 * doc (its JSON), created_at (epoch ms).
 */
export function resultValues(
  kind: ResultKind,
  id: string,
  input: NewResult<unknown>,
  doc: string,
  nowMs: number,
): unknown[] {
  return [
    kind,
    id,
    input.datasetId ?? null,
    input.forecastId ?? null,
    input.jobId ?? null,
    toJson(input.params),
    doc,
    nowMs,
  ];
}
