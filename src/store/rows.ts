/**
 * Database rows → the plain objects of the Store interface. Both adapters use the same column names; the
 * PostgreSQL adapter parses BIGINT to numbers and `json` columns to values, so one mapper serves both.
 */

import { fromJson, iso, isoOrNull } from './common.ts';
import type {
  ApiKeyRecord,
  DatasetMeta,
  DocumentKind,
  DocumentMeta,
  ForecastMeta,
  ForecastRecord,
  ForecastSeriesDocument,
  ForecastSeriesSummary,
  Job,
  JobKind,
  JobStatus,
  PlanMeta,
  ResultKind,
  Role,
  StoredDocument,
  StoredResult,
} from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: database rows are untyped records
type Row = Record<string, any>;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** `datasets` row → {@link DatasetMeta}. */
export function datasetOf(r: Row): DatasetMeta {
  return {
    id: r.id,
    name: r.name,
    keyColumns: fromJson(r.key_columns) as string[],
    timeZone: r.time_zone,
    rowCount: num(r.row_count),
    seriesCount: num(r.series_count),
    firstTimestampMs: numOrNull(r.first_ts),
    lastTimestampMs: numOrNull(r.last_ts),
    sha256: r.sha256,
    version: num(r.version),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** `documents` (joined with a version) row → {@link DocumentMeta}. */
export function documentMetaOf(r: Row): DocumentMeta {
  return {
    kind: r.kind as DocumentKind,
    id: r.id,
    name: r.name,
    version: num(r.version),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** Document row with its body → {@link StoredDocument}. */
export function documentOf<T>(r: Row): StoredDocument<T> {
  return { ...documentMetaOf(r), doc: fromJson(r.doc) as T };
}

/** `forecasts` row → {@link ForecastMeta}. */
export function forecastMetaOf(r: Row): ForecastMeta {
  return {
    id: r.id,
    datasetId: r.dataset_id ?? null,
    datasetVersion: numOrNull(r.dataset_version),
    jobId: r.job_id ?? null,
    params: fromJson(r.params),
    seriesCount: num(r.series_count),
    createdAt: iso(r.created_at),
  };
}

/** `forecasts` row with its `head` column, and the forecast's series → {@link ForecastRecord}. */
export function forecastRecordOf(r: Row, series: ForecastSeriesDocument[]): ForecastRecord {
  return { ...forecastMetaOf(r), doc: { ...(fromJson(r.head) as ForecastRecord['doc']), series } };
}

/** `forecast_series` row (series_id, series_key, model) → {@link ForecastSeriesSummary}. */
export function seriesSummaryOf(r: Row): ForecastSeriesSummary {
  return { id: r.series_id, key: fromJson(r.series_key) as Record<string, string>, model: r.model };
}

/** `results` row without the document → result metadata. */
export function resultMetaOf(r: Row): Omit<StoredResult, 'doc'> {
  return {
    kind: r.kind as ResultKind,
    id: r.id,
    datasetId: r.dataset_id ?? null,
    forecastId: r.forecast_id ?? null,
    jobId: r.job_id ?? null,
    params: fromJson(r.params),
    createdAt: iso(r.created_at),
  };
}

/** `results` row → {@link StoredResult}. */
export function resultOf<T>(r: Row): StoredResult<T> {
  return { ...resultMetaOf(r), doc: fromJson(r.doc) as T };
}

/** `plans` row → {@link PlanMeta}. */
export function planMetaOf(r: Row): PlanMeta {
  return {
    id: r.id,
    forecastId: r.forecast_id,
    configId: r.config_id,
    configVersion: num(r.config_version),
    scenarios: fromJson(r.scenarios) as string[],
    reportingCurrency: r.reporting_currency,
    jobId: r.job_id ?? null,
    provenance: fromJson(r.provenance),
    costRowCount: num(r.cost_count),
    requirementRowCount: num(r.requirement_count),
    revision: num(r.revision),
    createdAt: iso(r.created_at),
  };
}

/** `jobs` row → {@link Job}. */
export function jobOf(r: Row): Job {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    status: r.status as JobStatus,
    params: fromJson(r.params),
    progress: num(r.progress),
    progressMessage: r.progress_message,
    attempts: num(r.attempts),
    maxAttempts: num(r.max_attempts),
    workerId: r.worker_id ?? null,
    error: r.error ?? null,
    resultRef: r.result_ref ?? null,
    createdAt: iso(r.created_at),
    startedAt: isoOrNull(r.started_at),
    heartbeatAt: isoOrNull(r.heartbeat_at),
    finishedAt: isoOrNull(r.finished_at),
  };
}

/** `api_keys` row → {@link ApiKeyRecord}. */
export function keyOf(r: Row): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    hash: r.hash,
    createdAt: iso(r.created_at),
    revokedAt: isoOrNull(r.revoked_at),
  };
}

/** Columns of the `plans` table without the document. */
export const PLAN_META_COLUMNS =
  'id, forecast_id, config_id, config_version, scenarios, reporting_currency, job_id, provenance, cost_count, requirement_count, revision, created_at';

/** Columns of the `forecasts` table without the head document. */
export const FORECAST_META_COLUMNS =
  'id, dataset_id, dataset_version, job_id, params, series_count, created_at';
