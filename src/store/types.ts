/**
 * The one storage contract of modcap (issue 5). Two adapters implement it: the embedded SQLite store
 * (`sqlite.ts`, the default, no server) and PostgreSQL (`postgres.ts`, for shared deployments). Both pass the
 * same contract suite (`test/store/store.contract.ts`).
 *
 * Conventions for every method:
 * - async, plain JSON-able objects in and out; times are ISO-8601 UTC strings (`createdAt`), except volume
 *   timestamps, which are epoch milliseconds (`timestampMs`) as everywhere in the forecasting library;
 * - `get*` answers `undefined` for a missing record; a write to a missing record throws `StoreNotFoundError`;
 * - every write is one transaction: it is stored whole or not at all (also when the process is killed);
 * - changeable records (datasets, documents) carry a `version` (1 on create, +1 on each change); writes that
 *   take `{ ifVersion }` throw `StoreConflictError` (`reason: 'version'`) when the stored version moved;
 * - ids are caller-given or random UUIDs (`crypto.randomUUID()`);
 * - invalid arguments (a negative volume, a progress of 2) throw `ModcapError` `INPUT_INVALID` / `BAD_ARGUMENT`
 *   before anything is written.
 */

import type { CostRow } from '../capacity/plan/cost.ts';

/** Which adapter answers. */
export type StoreKind = 'sqlite' | 'postgres';

// ---------------------------------------------------------------- volumes datasets

/** One observation of a volumes dataset: one series (key) at one period start. */
export interface VolumeRow {
  /** The series key, one string per key column of the dataset, e.g. `{ queue: 'reviews', language: 'ja' }`. */
  readonly key: Readonly<Record<string, string>>;
  /** Period start, epoch milliseconds UTC. */
  readonly timestampMs: number;
  /** Items that arrived in the period; finite and ≥ 0. */
  readonly volume: number;
}

/** What is known about a stored volumes dataset (without its rows). */
export interface DatasetMeta {
  readonly id: string;
  readonly name: string;
  /** The series key columns, in order, e.g. `['queue', 'language', 'market']`. */
  readonly keyColumns: readonly string[];
  /** IANA time zone the data was declared in, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  readonly rowCount: number;
  /** Number of distinct series keys. */
  readonly seriesCount: number;
  /** First and last timestamp over all rows (epoch ms), `null` while the dataset is empty. */
  readonly firstTimestampMs: number | null;
  readonly lastTimestampMs: number | null;
  /**
   * SHA-256 (hex) of the content, chained over the batches: `sha256(previous + '\n' + sha256(batch))`, where
   * the first batch has `previous = ''` and a batch is its rows as canonical lines
   * `JSON.stringify([key values in keyColumns order, timestampMs, volume])`, one per row, in the order given.
   * Two datasets uploaded and appended with the same batches have the same digest.
   */
  readonly sha256: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Input of {@link Store.createDataset}. */
export interface NewDataset {
  readonly id?: string;
  readonly name: string;
  readonly keyColumns: readonly string[];
  readonly timeZone: string;
  readonly rows: readonly VolumeRow[];
}

/** Filters of {@link Store.getDatasetRows}. */
export interface DatasetRowQuery {
  /** Only this series (all key columns must be given). */
  readonly key?: Readonly<Record<string, string>>;
  /** Inclusive lower bound, epoch ms. */
  readonly fromMs?: number;
  /** Exclusive upper bound, epoch ms. */
  readonly toMs?: number;
}

// ---------------------------------------------------------------- versioned documents

/** Kinds of changeable JSON documents: events calendars and capacity configurations (with their scenarios). */
export type DocumentKind = 'events' | 'config';

/** A changeable JSON document at one version. `doc` is stored as given (validated elsewhere). */
export interface StoredDocument<T = unknown> {
  readonly kind: DocumentKind;
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly doc: T;
  /** When the document was first created. */
  readonly createdAt: string;
  /** When this version was written. */
  readonly updatedAt: string;
}

/** A document without its body, for lists. */
export type DocumentMeta = Omit<StoredDocument, 'doc'>;

// ---------------------------------------------------------------- forecasts, anomalies, investigations

/** One series of a forecast document (`forecastJson(...).series[i]`): the fields the store indexes, and the rest. */
export interface ForecastSeriesDocument {
  readonly id: string;
  readonly key: Readonly<Record<string, string>>;
  readonly model: string;
  readonly [field: string]: unknown;
}

/** The forecast JSON document as `modcap forecast` writes it (`forecastJson` in src/forecast/output.ts). */
export interface ForecastDocument {
  readonly provenance: unknown;
  readonly failures: readonly unknown[];
  readonly series: readonly ForecastSeriesDocument[];
}

/** Input of {@link Store.saveForecast}. */
export interface NewForecast {
  readonly id?: string;
  readonly datasetId?: string | null;
  readonly datasetVersion?: number | null;
  readonly jobId?: string | null;
  /** The request that produced the forecast (horizon, levels, models…), as JSON. */
  readonly params?: unknown;
  readonly doc: ForecastDocument;
}

/** A stored forecast without its series. */
export interface ForecastMeta {
  readonly id: string;
  readonly datasetId: string | null;
  readonly datasetVersion: number | null;
  readonly jobId: string | null;
  readonly params: unknown;
  readonly seriesCount: number;
  readonly createdAt: string;
}

/** A stored forecast with its whole document, reassembled in the order it was written. */
export interface ForecastRecord extends ForecastMeta {
  readonly doc: ForecastDocument;
}

/** One line of a forecast's series list. */
export interface ForecastSeriesSummary {
  readonly id: string;
  readonly key: Readonly<Record<string, string>>;
  readonly model: string;
}

/** Kinds of immutable analysis results stored as one JSON document each. */
export type ResultKind = 'anomalies' | 'investigation';

/** Input of {@link Store.saveResult}. */
export interface NewResult<T = unknown> {
  readonly id?: string;
  readonly datasetId?: string | null;
  readonly forecastId?: string | null;
  readonly jobId?: string | null;
  readonly params?: unknown;
  readonly doc: T;
}

/** A stored anomaly result or investigation. */
export interface StoredResult<T = unknown> {
  readonly kind: ResultKind;
  readonly id: string;
  readonly datasetId: string | null;
  readonly forecastId: string | null;
  readonly jobId: string | null;
  readonly params: unknown;
  readonly doc: T;
  readonly createdAt: string;
}

// ---------------------------------------------------------------- plans

/**
 * One cost line of a plan: the planner's own cost row (scenario, site, language, month `YYYY-MM`, component,
 * cost in the site's currency and in the reporting currency), stored as it is.
 */
export type PlanCostRow = CostRow;

/** One requirement line of a plan: per scenario × site × language × week (the `requirements.csv` table). */
export interface PlanRequirementRow {
  readonly scenario: string;
  readonly site: string;
  readonly language: string;
  /** Week index from the plan start (0-based). */
  readonly week: number;
  /** Week label (its first day, `YYYY-MM-DD`). */
  readonly weekStart: string;
  readonly requiredFte: number;
  readonly paidHeadcount: number;
  /** The other weekly figures (allocatedHours, hiresDecided, effectiveFte, …), by name. */
  readonly detail: Readonly<Record<string, number>>;
}

/** Input of {@link Store.savePlan}: everything a plan run produced, written in one transaction. */
export interface NewPlan {
  readonly id?: string;
  readonly forecastId: string;
  readonly configId: string;
  readonly configVersion: number;
  readonly scenarios: readonly string[];
  /** Reporting currency of `costReporting`. */
  readonly reportingCurrency: string;
  readonly jobId?: string | null;
  readonly provenance: unknown;
  /** The plan JSON document (`planJson` in src/capacity/plan/output.ts). */
  readonly doc: unknown;
  readonly costs: readonly PlanCostRow[];
  readonly requirements: readonly PlanRequirementRow[];
}

/** A stored plan without its document and rows. */
export interface PlanMeta {
  readonly id: string;
  readonly forecastId: string;
  readonly configId: string;
  readonly configVersion: number;
  readonly scenarios: readonly string[];
  readonly reportingCurrency: string;
  readonly jobId: string | null;
  readonly provenance: unknown;
  readonly costRowCount: number;
  readonly requirementRowCount: number;
  /** 1 on the first write, +1 each time the plan is replaced (`savePlan(…, { replace: true })`). */
  readonly revision: number;
  readonly createdAt: string;
}

/** A stored plan with its JSON document. */
export interface PlanRecord extends PlanMeta {
  readonly doc: unknown;
}

/** Filters of {@link Store.getPlanRequirements}. */
export interface RequirementQuery {
  readonly scenario?: string;
  readonly site?: string;
  readonly language?: string;
}

// ---------------------------------------------------------------- jobs

export type JobKind = 'forecast' | 'plan';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** A background job record (the queue mechanics live elsewhere; the record lives here). */
export interface Job {
  readonly id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  /** The job's input, as JSON. */
  readonly params: unknown;
  /** Share done, 0..1. */
  readonly progress: number;
  readonly progressMessage: string;
  /** How many times a worker claimed it. */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** The worker that holds the job while `running`. */
  readonly workerId: string | null;
  readonly error: string | null;
  /** Id of the stored result (a forecast id for `forecast` jobs, a plan id for `plan` jobs). */
  readonly resultRef: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  /** Last claim or progress update of the running worker; `requeueStale` looks at it. */
  readonly heartbeatAt: string | null;
  readonly finishedAt: string | null;
}

/** Input of {@link Store.createJob}. */
export interface NewJob {
  readonly id?: string;
  readonly kind: JobKind;
  readonly params?: unknown;
  /** Claims allowed before a lost worker marks the job failed instead of queued again (default 3). */
  readonly maxAttempts?: number;
}

/** What {@link Store.requeueStale} did. */
export interface RequeueResult {
  /** Jobs put back in the queue. */
  readonly requeued: readonly string[];
  /** Jobs that had used all their attempts and were marked failed. */
  readonly failed: readonly string[];
}

// ---------------------------------------------------------------- API keys

export type Role = 'planner' | 'analyst' | 'finance' | 'admin';

/** A stored API key: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** SHA-256 of the key, 64 lowercase hex digits. */
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** Input of {@link Store.createKey}. */
export interface NewApiKey {
  readonly id?: string;
  readonly name?: string;
  readonly role: Role;
  readonly hash: string;
}

// ---------------------------------------------------------------- the store

/** Write options of changeable records: the version the caller read. */
export interface IfVersion {
  readonly ifVersion: number;
}

/** The storage contract. See the module comment for the conventions every method follows. */
export interface Store {
  readonly kind: StoreKind;

  // volumes datasets
  /** Stores a dataset and its rows (version 1). Duplicate (key, timestamp) rows reject the whole upload. */
  createDataset(input: NewDataset): Promise<DatasetMeta>;
  getDataset(id: string): Promise<DatasetMeta | undefined>;
  /** All datasets, newest first. */
  listDatasets(): Promise<DatasetMeta[]>;
  /** Rows ordered by series key then timestamp; `undefined` if the dataset does not exist. */
  getDatasetRows(id: string, query?: DatasetRowQuery): Promise<VolumeRow[] | undefined>;
  /**
   * Appends actuals in one transaction and bumps the version. A (key, timestamp) that already exists, or
   * appears twice in the batch, is a `StoreConflictError` (`reason: 'duplicate'`) and nothing is stored:
   * corrections are a new dataset, never a silent overwrite.
   */
  appendRows(id: string, rows: readonly VolumeRow[], options?: Partial<IfVersion>): Promise<DatasetMeta>;
  /** Renames a dataset (the only changeable metadata). */
  renameDataset(id: string, name: string, options: IfVersion): Promise<DatasetMeta>;
  /** Deletes a dataset and its rows; `false` if it did not exist. */
  deleteDataset(id: string): Promise<boolean>;

  // versioned documents (events calendars, capacity configurations)
  createDocument<T>(
    kind: DocumentKind,
    input: { id?: string; name: string; doc: T },
  ): Promise<StoredDocument<T>>;
  /** The current version, or the given one (older versions stay readable for plans that used them). */
  getDocument<T = unknown>(
    kind: DocumentKind,
    id: string,
    version?: number,
  ): Promise<StoredDocument<T> | undefined>;
  /** Current versions of all documents of a kind, without bodies, by name. */
  listDocuments(kind: DocumentKind): Promise<DocumentMeta[]>;
  /** All versions of one document, oldest first, without bodies; `undefined` if the document does not exist. */
  listDocumentVersions(kind: DocumentKind, id: string): Promise<DocumentMeta[] | undefined>;
  /** Writes version `ifVersion + 1`; `name` unchanged when omitted. */
  updateDocument<T>(
    kind: DocumentKind,
    id: string,
    input: { name?: string; doc: T },
    options: IfVersion,
  ): Promise<StoredDocument<T>>;
  /** Deletes a document with all its versions; `false` if it did not exist. */
  deleteDocument(kind: DocumentKind, id: string, options?: Partial<IfVersion>): Promise<boolean>;

  // forecasts
  /** Stores a forecast: metadata, provenance and failures in one row, one row per series. */
  saveForecast(input: NewForecast): Promise<ForecastMeta>;
  getForecastMeta(id: string): Promise<ForecastMeta | undefined>;
  /** The whole forecast document, equal (as JSON) to the one saved. */
  getForecast(id: string): Promise<ForecastRecord | undefined>;
  /** Forecasts, newest first; optionally of one dataset. */
  listForecasts(filter?: { datasetId?: string }): Promise<ForecastMeta[]>;
  /** The series of a forecast (id, key, model) in written order; `undefined` if the forecast does not exist. */
  listForecastSeries(id: string): Promise<ForecastSeriesSummary[] | undefined>;
  /** One series of a forecast document. */
  getForecastSeries(id: string, seriesId: string): Promise<ForecastSeriesDocument | undefined>;
  deleteForecast(id: string): Promise<boolean>;

  // anomaly results and investigations
  saveResult<T>(kind: ResultKind, input: NewResult<T>): Promise<StoredResult<T>>;
  getResult<T = unknown>(kind: ResultKind, id: string): Promise<StoredResult<T> | undefined>;
  /** Results of a kind, newest first, without documents filtered by dataset or forecast when given. */
  listResults(
    kind: ResultKind,
    filter?: { datasetId?: string; forecastId?: string },
  ): Promise<Omit<StoredResult, 'doc'>[]>;

  // plans
  /**
   * Writes a plan, its document, cost rows and requirement rows in ONE transaction. An existing id is a
   * `StoreConflictError` (`reason: 'exists'`) unless `replace: true`, which swaps the old plan for the new one
   * atomically (revision + 1). A failure anywhere leaves the previous state.
   */
  savePlan(input: NewPlan, options?: { replace?: boolean }): Promise<PlanMeta>;
  getPlanMeta(id: string): Promise<PlanMeta | undefined>;
  getPlan(id: string): Promise<PlanRecord | undefined>;
  /** Plans, newest first; optionally of one forecast or configuration. */
  listPlans(filter?: { forecastId?: string; configId?: string }): Promise<PlanMeta[]>;
  /**
   * The cost rows of a plan in written order (frozen: do not mutate). Hot path of the finance API: rows are
   * cached per plan revision, so a repeated call costs one primary-key lookup.
   */
  getPlanCosts(planId: string): Promise<readonly PlanCostRow[] | undefined>;
  /** Requirement rows in written order, optionally filtered. */
  getPlanRequirements(planId: string, query?: RequirementQuery): Promise<PlanRequirementRow[] | undefined>;
  deletePlan(id: string): Promise<boolean>;

  // jobs
  /** Queues a job (status `queued`, progress 0). */
  createJob(input: NewJob): Promise<Job>;
  getJob(id: string): Promise<Job | undefined>;
  /** Jobs, newest first, optionally filtered; at most `limit` (default 100). */
  listJobs(filter?: { status?: JobStatus; kind?: JobKind; limit?: number }): Promise<Job[]>;
  /**
   * Atomically takes the oldest queued job (of the given kinds): status `running`, `attempts + 1`, owned by
   * `workerId`. Two claimers never get the same job. `undefined` when nothing is queued.
   */
  claimNextJob(workerId: string, options?: { kinds?: readonly JobKind[] }): Promise<Job | undefined>;
  /** Progress (0..1) and a message of a running job held by `workerId`; also the worker's heartbeat. */
  updateJobProgress(id: string, workerId: string, progress: number, message?: string): Promise<Job>;
  /** Marks a running job held by `workerId` succeeded, with the id of its stored result. */
  completeJob(id: string, workerId: string, resultRef: string | null): Promise<Job>;
  /**
   * Marks a running job held by `workerId` failed; with `retry: true` and attempts left it goes back to the
   * queue instead (the error is kept).
   */
  failJob(id: string, workerId: string, error: string, options?: { retry?: boolean }): Promise<Job>;
  /**
   * Running jobs whose heartbeat is older than `olderThanMs` milliseconds (their worker died): back to
   * `queued`, or `failed` when they used all attempts.
   */
  requeueStale(olderThanMs: number): Promise<RequeueResult>;

  // API keys
  /** Stores a key's hash and role. A hash already stored is a conflict. */
  createKey(input: NewApiKey): Promise<ApiKeyRecord>;
  /** The key with this hash, unless revoked. */
  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** All keys (revoked too), oldest first. */
  listKeys(): Promise<ApiKeyRecord[]>;
  /** Revokes a key (idempotent: revoking twice keeps the first time). */
  revokeKey(id: string): Promise<ApiKeyRecord>;

  /** Closes the connection(s). */
  close(): Promise<void>;
}
