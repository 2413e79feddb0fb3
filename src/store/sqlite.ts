/**
 * The embedded store: one SQLite file `<dataDir>/modcap.sqlite` through better-sqlite3 (synchronous; every
 * method runs one transaction to completion before its promise settles).
 *
 * Settings:
 * - `journal_mode = WAL`: readers never block the writer and the writer never blocks readers, so the API keeps
 *   answering cost queries while a worker writes a plan; a killed process leaves its uncommitted frames in the
 *   WAL, which the next open ignores, so a half-written transaction is never seen.
 * - `synchronous = FULL` (default): the WAL is fsynced at every commit, so a commit the API acknowledged (a
 *   plan stored, a job marked succeeded) survives an OS crash or power loss too, not only a process kill
 *   (NORMAL would only lose the last commits there, never corrupt, but a job could then be "succeeded" in a
 *   caller's eyes and missing on disk). The price is one fsync per write transaction: our writes are few and
 *   big (uploads, plans) and the hot path (cost queries) is reads, which FULL does not slow down.
 * - `busy_timeout = 10000` ms: a second connection (another worker thread or process) waits for the write lock
 *   instead of failing at once.
 * - `foreign_keys = ON`: rows of a dataset or plan are deleted with it.
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  CostCache,
  chainSha256,
  checkDocumentKind,
  checkForecastDoc,
  checkKey,
  checkName,
  checkOlderThan,
  checkOptionalVersion,
  checkPlan,
  checkProgress,
  checkResultKind,
  checkVersion,
  claimableKinds,
  costRowOf,
  costValues,
  forecastHead,
  forecastSeriesValues,
  forecastValues,
  fromJson,
  listLimit,
  newId,
  prepareDocumentUpdate,
  prepareNewDataset,
  prepareNewDocument,
  prepareNewJob,
  prepareVolumeRows,
  requirementRowOf,
  requirementValues,
  resultValues,
  seriesKeyOf,
  toJson,
  volumeRowsOf,
} from './common.ts';
import {
  jobStateConflict,
  planExistsConflict,
  StoreConflictError,
  StoreNotFoundError,
  versionConflict,
} from './errors.ts';
import { pendingMigrations } from './migrations/index.ts';
import {
  datasetOf,
  documentMetaOf,
  documentOf,
  FORECAST_META_COLUMNS,
  forecastMetaOf,
  forecastRecordOf,
  jobOf,
  keyOf,
  PLAN_META_COLUMNS,
  planMetaOf,
  resultMetaOf,
  resultOf,
  seriesSummaryOf,
} from './rows.ts';
import type {
  ApiKeyRecord,
  DatasetMeta,
  DatasetRowQuery,
  DocumentKind,
  DocumentMeta,
  ForecastMeta,
  ForecastRecord,
  ForecastSeriesDocument,
  ForecastSeriesSummary,
  IfVersion,
  Job,
  JobKind,
  JobStatus,
  NewApiKey,
  NewDataset,
  NewForecast,
  NewJob,
  NewPlan,
  NewResult,
  PlanCostRow,
  PlanMeta,
  PlanRecord,
  PlanRequirementRow,
  RequeueResult,
  RequirementQuery,
  ResultKind,
  Store,
  StoredDocument,
  StoredResult,
  VolumeRow,
} from './types.ts';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Directory of `modcap.sqlite` (created if missing). */
  readonly dataDir: string;
  /** `FULL` (default) or `NORMAL`; see the module comment. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How long a connection waits for another's write lock, milliseconds (default 10000). */
  readonly busyTimeoutMs?: number;
  /** Clock, epoch ms (default `Date.now`). */
  readonly now?: () => number;
}

/** File name of the embedded database inside the data directory. */
export const SQLITE_FILE = 'modcap.sqlite';

// biome-ignore lint/suspicious/noExplicitAny: database rows are untyped records
type Row = Record<string, any>;

const isConstraint = (e: unknown, kind?: string): boolean => {
  const code = (e as { code?: unknown })?.code;
  return (
    typeof code === 'string' && code.startsWith(kind ? `SQLITE_CONSTRAINT_${kind}` : 'SQLITE_CONSTRAINT')
  );
};

/**
 * Opens (creating if needed) the embedded store in `dataDir` and applies pending migrations.
 * @example const store = await openSqliteStore({ dataDir: './.modcap-data' });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  return new SqliteStore(options);
}

/** Applies the migrations newer than the file's schema version, in one IMMEDIATE transaction. */
export function migrateSqlite(db: Database.Database, now: number = Date.now()): number[] {
  const run = db.transaction((): number[] => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const current =
      (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    const applied: number[] = [];
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pendingMigrations(current)) {
      db.exec(m.sqlite);
      record.run(m.version, m.name, now);
      applied.push(m.version);
    }
    return applied;
  });
  return run.immediate();
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly costs = new CostCache();
  private readonly stmt: ReturnType<SqliteStore['prepare']>;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    const busy = options.busyTimeoutMs ?? 10_000;
    this.db = new Database(join(options.dataDir, SQLITE_FILE), { timeout: busy });
    this.now = options.now ?? Date.now;
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busy))}`);
      this.db.pragma('foreign_keys = ON');
      migrateSqlite(this.db, this.now());
      this.stmt = this.prepare();
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  private prepare() {
    const db = this.db;
    return {
      datasetById: db.prepare('SELECT * FROM datasets WHERE id = ?'),
      insertDataset: db.prepare(
        `INSERT INTO datasets (id, name, key_columns, time_zone, row_count, series_count, first_ts, last_ts, sha256, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, 0, 0, NULL, NULL, '', 1, ?, ?)`,
      ),
      insertVolume: db.prepare(
        'INSERT INTO volume_rows (dataset_id, series_key, ts, volume) VALUES (?, ?, ?, ?)',
      ),
      insertSeries: db.prepare('INSERT OR IGNORE INTO dataset_series (dataset_id, series_key) VALUES (?, ?)'),
      countSeries: db.prepare('SELECT count(*) AS n FROM dataset_series WHERE dataset_id = ?'),
      updateDatasetAfterAppend: db.prepare(
        `UPDATE datasets SET row_count = row_count + ?, series_count = ?, first_ts = ?, last_ts = ?, sha256 = ?,
           version = version + ?, updated_at = ? WHERE id = ?`,
      ),
      planWriteId: db.prepare('SELECT write_id FROM plans WHERE id = ?').pluck(),
      planCosts: db.prepare(
        'SELECT scenario, site, language, month, component, currency, cost, cost_reporting FROM plan_costs WHERE plan_id = ? ORDER BY seq',
      ),
      insertCost: db.prepare(
        `INSERT INTO plan_costs (plan_id, seq, scenario, site, language, month, component, currency, cost, cost_reporting)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertRequirement: db.prepare(
        `INSERT INTO plan_requirements (plan_id, seq, scenario, site, language, week, week_start, required_fte, paid_headcount, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      jobById: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      keyByHash: db.prepare('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL'),
    };
  }

  /** Runs `fn` in a write transaction (BEGIN IMMEDIATE: takes the write lock first, so reads inside see the latest state). */
  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** The first row of `sql` with `args` bound, if any. */
  private get(sql: string, ...args: unknown[]): Row | undefined {
    return this.db.prepare(sql).get(...args) as Row | undefined;
  }

  /** All rows of `sql` with `args` bound. */
  private all(sql: string, ...args: unknown[]): Row[] {
    return this.db.prepare(sql).all(...args) as Row[];
  }

  private datasetRow(id: string): Row | undefined {
    return this.stmt.datasetById.get(id) as Row | undefined;
  }

  // ------------------------------------------------------------ datasets

  /** Inserts a batch of rows into a dataset inside the caller's transaction and updates its metadata. */
  private insertBatch(
    ds: Row,
    rows: readonly VolumeRow[],
    seriesKeys: string[],
    batchSha: string,
    bump: number,
  ) {
    const id = ds.id as string;
    let first = ds.first_ts as number | null;
    let last = ds.last_ts as number | null;
    for (let i = 0; i < rows.length; i++) {
      const ts = rows[i].timestampMs;
      try {
        this.stmt.insertVolume.run(id, seriesKeys[i], ts, rows[i].volume);
      } catch (e) {
        if (isConstraint(e, 'PRIMARYKEY'))
          throw new StoreConflictError(
            'volume-row',
            id,
            'duplicate',
            `row ${i}: series ${seriesKeys[i]} already has a value at ${new Date(ts).toISOString()}; nothing was stored`,
            { row: i, key: rows[i].key, timestampMs: ts },
          );
        throw e;
      }
      if (first === null || ts < first) first = ts;
      if (last === null || ts > last) last = ts;
    }
    for (const sk of new Set(seriesKeys)) this.stmt.insertSeries.run(id, sk);
    const series = (this.stmt.countSeries.get(id) as { n: number }).n;
    this.stmt.updateDatasetAfterAppend.run(
      rows.length,
      series,
      first,
      last,
      chainSha256(ds.sha256, batchSha),
      bump,
      this.now(),
      id,
    );
  }

  async createDataset(input: NewDataset): Promise<DatasetMeta> {
    const { id, seriesKeys, batchSha256 } = prepareNewDataset(input);
    return this.tx(() => {
      if (this.datasetRow(id))
        throw new StoreConflictError('dataset', id, 'exists', 'a dataset with this id exists');
      const now = this.now();
      this.stmt.insertDataset.run(id, input.name, JSON.stringify(input.keyColumns), input.timeZone, now, now);
      this.insertBatch(this.datasetRow(id) as Row, input.rows, seriesKeys, batchSha256, 0);
      return datasetOf(this.datasetRow(id) as Row);
    });
  }

  async getDataset(id: string): Promise<DatasetMeta | undefined> {
    const r = this.datasetRow(id);
    return r ? datasetOf(r) : undefined;
  }

  async listDatasets(): Promise<DatasetMeta[]> {
    return this.all('SELECT * FROM datasets ORDER BY created_at DESC, id').map(datasetOf);
  }

  async getDatasetRows(id: string, query: DatasetRowQuery = {}): Promise<VolumeRow[] | undefined> {
    const ds = this.datasetRow(id);
    if (!ds) return undefined;
    const where = ['dataset_id = ?'];
    const args: unknown[] = [id];
    if (query.key) {
      where.push('series_key = ?');
      args.push(seriesKeyOf(fromJson(ds.key_columns) as string[], query.key));
    }
    if (query.fromMs !== undefined) {
      where.push('ts >= ?');
      args.push(query.fromMs);
    }
    if (query.toMs !== undefined) {
      where.push('ts < ?');
      args.push(query.toMs);
    }
    const rows = this.db
      .prepare(
        `SELECT series_key, ts, volume FROM volume_rows WHERE ${where.join(' AND ')} ORDER BY series_key, ts`,
      )
      .raw()
      .all(...args) as [string, number, number][];
    return volumeRowsOf(rows);
  }

  async appendRows(
    id: string,
    rows: readonly VolumeRow[],
    options: Partial<IfVersion> = {},
  ): Promise<DatasetMeta> {
    checkOptionalVersion(options);
    const before = this.datasetRow(id);
    if (!before) throw new StoreNotFoundError('dataset', id);
    const { seriesKeys, batchSha256 } = prepareVolumeRows(fromJson(before.key_columns) as string[], rows);
    return this.tx(() => {
      const ds = this.datasetRow(id);
      if (!ds) throw new StoreNotFoundError('dataset', id);
      if (options.ifVersion !== undefined && ds.version !== options.ifVersion)
        throw versionConflict('dataset', id, options.ifVersion, ds.version);
      if (rows.length > 0) this.insertBatch(ds, rows, seriesKeys, batchSha256, 1);
      return datasetOf(this.datasetRow(id) as Row);
    });
  }

  async renameDataset(id: string, name: string, options: IfVersion): Promise<DatasetMeta> {
    checkName(name);
    checkVersion(options?.ifVersion);
    return this.tx(() => {
      const r = this.db
        .prepare(
          'UPDATE datasets SET name = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? RETURNING *',
        )
        .get(name, this.now(), id, options.ifVersion) as Row | undefined;
      if (r) return datasetOf(r);
      const ds = this.datasetRow(id);
      if (!ds) throw new StoreNotFoundError('dataset', id);
      throw versionConflict('dataset', id, options.ifVersion, ds.version);
    });
  }

  async deleteDataset(id: string): Promise<boolean> {
    return this.tx(() => this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0);
  }

  // ------------------------------------------------------------ documents

  private documentRow(kind: DocumentKind, id: string, version?: number): Row | undefined {
    return this.db
      .prepare(
        `SELECT d.kind, d.id, v.name, v.version, v.doc, d.created_at, v.created_at AS updated_at
         FROM documents d JOIN document_versions v ON v.kind = d.kind AND v.id = d.id AND v.version = coalesce(?, d.version)
         WHERE d.kind = ? AND d.id = ?`,
      )
      .get(version ?? null, kind, id) as Row | undefined;
  }

  async createDocument<T>(
    kind: DocumentKind,
    input: { id?: string; name: string; doc: T },
  ): Promise<StoredDocument<T>> {
    const { id, doc } = prepareNewDocument(kind, input);
    return this.tx(() => {
      const now = this.now();
      try {
        this.db
          .prepare(
            'INSERT INTO documents (kind, id, name, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
          )
          .run(kind, id, input.name, now, now);
      } catch (e) {
        if (isConstraint(e, 'PRIMARYKEY'))
          throw new StoreConflictError('document', id, 'exists', `a ${kind} document with this id exists`);
        throw e;
      }
      this.db
        .prepare(
          'INSERT INTO document_versions (kind, id, version, name, doc, created_at) VALUES (?, ?, 1, ?, ?, ?)',
        )
        .run(kind, id, input.name, doc, now);
      return documentOf<T>(this.documentRow(kind, id) as Row);
    });
  }

  async getDocument<T = unknown>(
    kind: DocumentKind,
    id: string,
    version?: number,
  ): Promise<StoredDocument<T> | undefined> {
    checkDocumentKind(kind);
    const r = this.documentRow(kind, id, version);
    return r ? documentOf<T>(r) : undefined;
  }

  async listDocuments(kind: DocumentKind): Promise<DocumentMeta[]> {
    checkDocumentKind(kind);
    return (
      this.db
        .prepare(
          'SELECT kind, id, name, version, created_at, updated_at FROM documents WHERE kind = ? ORDER BY name, id',
        )
        .all(kind) as Row[]
    ).map(documentMetaOf);
  }

  async listDocumentVersions(kind: DocumentKind, id: string): Promise<DocumentMeta[] | undefined> {
    checkDocumentKind(kind);
    const rows = this.db
      .prepare(
        `SELECT v.kind, v.id, v.name, v.version, d.created_at, v.created_at AS updated_at
         FROM document_versions v JOIN documents d ON d.kind = v.kind AND d.id = v.id
         WHERE v.kind = ? AND v.id = ? ORDER BY v.version`,
      )
      .all(kind, id) as Row[];
    return rows.length > 0 ? rows.map(documentMetaOf) : undefined;
  }

  async updateDocument<T>(
    kind: DocumentKind,
    id: string,
    input: { name?: string; doc: T },
    options: IfVersion,
  ): Promise<StoredDocument<T>> {
    const doc = prepareDocumentUpdate(kind, input, options);
    return this.tx(() => {
      const now = this.now();
      const r = this.db
        .prepare(
          `UPDATE documents SET version = version + 1, name = coalesce(?, name), updated_at = ?
           WHERE kind = ? AND id = ? AND version = ? RETURNING name, version`,
        )
        .get(input.name ?? null, now, kind, id, options.ifVersion) as Row | undefined;
      if (!r) {
        const cur = this.db
          .prepare('SELECT version FROM documents WHERE kind = ? AND id = ?')
          .get(kind, id) as Row | undefined;
        if (!cur) throw new StoreNotFoundError('document', id, `no ${kind} document with this id`);
        throw versionConflict('document', id, options.ifVersion, cur.version);
      }
      this.db
        .prepare(
          'INSERT INTO document_versions (kind, id, version, name, doc, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(kind, id, r.version, r.name, doc, now);
      return documentOf<T>(this.documentRow(kind, id) as Row);
    });
  }

  async deleteDocument(kind: DocumentKind, id: string, options: Partial<IfVersion> = {}): Promise<boolean> {
    checkDocumentKind(kind);
    checkOptionalVersion(options);
    return this.tx(() => {
      const cur = this.db.prepare('SELECT version FROM documents WHERE kind = ? AND id = ?').get(kind, id) as
        | Row
        | undefined;
      if (!cur) return false;
      if (options.ifVersion !== undefined && cur.version !== options.ifVersion)
        throw versionConflict('document', id, options.ifVersion, cur.version);
      this.db.prepare('DELETE FROM documents WHERE kind = ? AND id = ?').run(kind, id);
      return true;
    });
  }

  // ------------------------------------------------------------ forecasts

  async saveForecast(input: NewForecast): Promise<ForecastMeta> {
    const id = newId(input.id);
    checkForecastDoc(input.doc);
    const head = toJson(forecastHead(input.doc));
    const series = input.doc.series.map(forecastSeriesValues);
    return this.tx(() => {
      if (this.db.prepare('SELECT 1 FROM forecasts WHERE id = ?').get(id))
        throw new StoreConflictError('forecast', id, 'exists', 'a forecast with this id exists');
      this.db
        .prepare(
          `INSERT INTO forecasts (id, dataset_id, dataset_version, job_id, params, head, series_count, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...forecastValues(id, input, head, this.now()));
      const ins = this.db.prepare(
        'INSERT INTO forecast_series (forecast_id, seq, series_id, series_key, model, doc) VALUES (?, ?, ?, ?, ?, ?)',
      );
      series.forEach(([sid, key, model, doc], i) => {
        try {
          ins.run(id, i, sid, key, model, doc);
        } catch (e) {
          if (isConstraint(e, 'UNIQUE'))
            throw new StoreConflictError(
              'forecast',
              id,
              'duplicate',
              `series id ${JSON.stringify(sid)} appears twice`,
            );
          throw e;
        }
      });
      return forecastMetaOf(
        this.get(`SELECT ${FORECAST_META_COLUMNS} FROM forecasts WHERE id = ?`, id) as Row,
      );
    });
  }

  async getForecastMeta(id: string): Promise<ForecastMeta | undefined> {
    const r = this.get(`SELECT ${FORECAST_META_COLUMNS} FROM forecasts WHERE id = ?`, id);
    return r ? forecastMetaOf(r) : undefined;
  }

  async getForecast(id: string): Promise<ForecastRecord | undefined> {
    // One read transaction, so the head and the series come from the same snapshot.
    return this.db.transaction(() => {
      const r = this.db
        .prepare(`SELECT ${FORECAST_META_COLUMNS}, head FROM forecasts WHERE id = ?`)
        .get(id) as Row | undefined;
      if (!r) return undefined;
      const series = (
        this.db
          .prepare('SELECT doc FROM forecast_series WHERE forecast_id = ? ORDER BY seq')
          .pluck()
          .all(id) as string[]
      ).map((d) => JSON.parse(d) as ForecastSeriesDocument);
      return forecastRecordOf(r, series);
    })();
  }

  async listForecasts(filter: { datasetId?: string } = {}): Promise<ForecastMeta[]> {
    const rows = (
      filter.datasetId === undefined
        ? this.db.prepare(`SELECT ${FORECAST_META_COLUMNS} FROM forecasts ORDER BY created_at DESC, id`).all()
        : this.db
            .prepare(
              `SELECT ${FORECAST_META_COLUMNS} FROM forecasts WHERE dataset_id = ? ORDER BY created_at DESC, id`,
            )
            .all(filter.datasetId)
    ) as Row[];
    return rows.map(forecastMetaOf);
  }

  async listForecastSeries(id: string): Promise<ForecastSeriesSummary[] | undefined> {
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM forecasts WHERE id = ?').get(id)) return undefined;
      return (
        this.db
          .prepare(
            'SELECT series_id, series_key, model FROM forecast_series WHERE forecast_id = ? ORDER BY seq',
          )
          .all(id) as Row[]
      ).map(seriesSummaryOf);
    })();
  }

  async getForecastSeries(id: string, seriesId: string): Promise<ForecastSeriesDocument | undefined> {
    const doc = this.db
      .prepare('SELECT doc FROM forecast_series WHERE forecast_id = ? AND series_id = ?')
      .pluck()
      .get(id, seriesId) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as ForecastSeriesDocument);
  }

  async deleteForecast(id: string): Promise<boolean> {
    return this.tx(() => this.db.prepare('DELETE FROM forecasts WHERE id = ?').run(id).changes > 0);
  }

  // ------------------------------------------------------------ results

  async saveResult<T>(kind: ResultKind, input: NewResult<T>): Promise<StoredResult<T>> {
    checkResultKind(kind);
    const id = newId(input.id);
    const doc = toJson(input.doc);
    return this.tx(() => {
      try {
        this.db
          .prepare(
            `INSERT INTO results (kind, id, dataset_id, forecast_id, job_id, params, doc, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(...resultValues(kind, id, input, doc, this.now()));
      } catch (e) {
        if (isConstraint(e, 'PRIMARYKEY'))
          throw new StoreConflictError('result', id, 'exists', `a ${kind} result with this id exists`);
        throw e;
      }
      return resultOf<T>(this.get('SELECT * FROM results WHERE kind = ? AND id = ?', kind, id) as Row);
    });
  }

  async getResult<T = unknown>(kind: ResultKind, id: string): Promise<StoredResult<T> | undefined> {
    checkResultKind(kind);
    const r = this.get('SELECT * FROM results WHERE kind = ? AND id = ?', kind, id);
    return r ? resultOf<T>(r) : undefined;
  }

  async listResults(
    kind: ResultKind,
    filter: { datasetId?: string; forecastId?: string } = {},
  ): Promise<Omit<StoredResult, 'doc'>[]> {
    checkResultKind(kind);
    const rows = this.db
      .prepare(
        `SELECT kind, id, dataset_id, forecast_id, job_id, params, created_at FROM results
         WHERE kind = ? AND (? IS NULL OR dataset_id = ?) AND (? IS NULL OR forecast_id = ?)
         ORDER BY created_at DESC, id`,
      )
      .all(
        kind,
        filter.datasetId ?? null,
        filter.datasetId ?? null,
        filter.forecastId ?? null,
        filter.forecastId ?? null,
      ) as Row[];
    return rows.map(resultMetaOf);
  }

  // ------------------------------------------------------------ plans

  async savePlan(input: NewPlan, options: { replace?: boolean } = {}): Promise<PlanMeta> {
    const id = newId(input.id);
    checkPlan(input);
    const scenarios = toJson(input.scenarios);
    const provenance = toJson(input.provenance);
    const doc = toJson(input.doc);
    const costs = input.costs.map(costValues);
    const requirements = input.requirements.map(requirementValues);
    return this.tx(() => {
      const prev = this.db.prepare('SELECT revision FROM plans WHERE id = ?').get(id) as Row | undefined;
      if (prev && !options.replace) throw planExistsConflict(id);
      if (prev) this.db.prepare('DELETE FROM plans WHERE id = ?').run(id);
      this.db
        .prepare(
          `INSERT INTO plans (id, forecast_id, config_id, config_version, scenarios, reporting_currency, job_id, provenance, doc,
             cost_count, requirement_count, revision, write_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.forecastId,
          input.configId,
          input.configVersion,
          scenarios,
          input.reportingCurrency,
          input.jobId ?? null,
          provenance,
          doc,
          input.costs.length,
          input.requirements.length,
          (prev?.revision ?? 0) + 1,
          randomUUID(),
          this.now(),
        );
      costs.forEach((v, i) => {
        this.stmt.insertCost.run(id, i, ...v);
      });
      requirements.forEach((v, i) => {
        this.stmt.insertRequirement.run(id, i, ...v);
      });
      this.costs.delete(id);
      return planMetaOf(this.get(`SELECT ${PLAN_META_COLUMNS} FROM plans WHERE id = ?`, id) as Row);
    });
  }

  async getPlanMeta(id: string): Promise<PlanMeta | undefined> {
    const r = this.get(`SELECT ${PLAN_META_COLUMNS} FROM plans WHERE id = ?`, id);
    return r ? planMetaOf(r) : undefined;
  }

  async getPlan(id: string): Promise<PlanRecord | undefined> {
    const r = this.get(`SELECT ${PLAN_META_COLUMNS}, doc FROM plans WHERE id = ?`, id);
    return r ? { ...planMetaOf(r), doc: fromJson(r.doc) } : undefined;
  }

  async listPlans(filter: { forecastId?: string; configId?: string } = {}): Promise<PlanMeta[]> {
    const rows = this.db
      .prepare(
        `SELECT ${PLAN_META_COLUMNS} FROM plans
         WHERE (? IS NULL OR forecast_id = ?) AND (? IS NULL OR config_id = ?) ORDER BY created_at DESC, id`,
      )
      .all(
        filter.forecastId ?? null,
        filter.forecastId ?? null,
        filter.configId ?? null,
        filter.configId ?? null,
      ) as Row[];
    return rows.map(planMetaOf);
  }

  async getPlanCosts(planId: string): Promise<readonly PlanCostRow[] | undefined> {
    return this.db.transaction(() => {
      const writeId = this.stmt.planWriteId.get(planId) as string | undefined;
      if (writeId === undefined) {
        this.costs.delete(planId);
        return undefined;
      }
      const cached = this.costs.get(planId, writeId);
      if (cached) return cached;
      const rows = (this.stmt.planCosts.all(planId) as Parameters<typeof costRowOf>[0][]).map(costRowOf);
      return this.costs.set(planId, writeId, rows);
    })();
  }

  async getPlanRequirements(
    planId: string,
    query: RequirementQuery = {},
  ): Promise<PlanRequirementRow[] | undefined> {
    return this.db.transaction(() => {
      if (!this.stmt.planWriteId.get(planId)) return undefined;
      const rows = this.db
        .prepare(
          `SELECT scenario, site, language, week, week_start, required_fte, paid_headcount, detail FROM plan_requirements
           WHERE plan_id = ? AND (? IS NULL OR scenario = ?) AND (? IS NULL OR site = ?) AND (? IS NULL OR language = ?)
           ORDER BY seq`,
        )
        .all(
          planId,
          query.scenario ?? null,
          query.scenario ?? null,
          query.site ?? null,
          query.site ?? null,
          query.language ?? null,
          query.language ?? null,
        ) as Parameters<typeof requirementRowOf>[0][];
      return rows.map(requirementRowOf);
    })();
  }

  async deletePlan(id: string): Promise<boolean> {
    this.costs.delete(id);
    return this.tx(() => this.db.prepare('DELETE FROM plans WHERE id = ?').run(id).changes > 0);
  }

  // ------------------------------------------------------------ jobs

  private jobRow(id: string): Row | undefined {
    return this.stmt.jobById.get(id) as Row | undefined;
  }

  async createJob(input: NewJob): Promise<Job> {
    const { id, maxAttempts } = prepareNewJob(input);
    return this.tx(() => {
      try {
        this.db
          .prepare(
            `INSERT INTO jobs (id, kind, status, params, progress, progress_message, attempts, max_attempts, created_at)
             VALUES (?, ?, 'queued', ?, 0, '', 0, ?, ?)`,
          )
          .run(id, input.kind, toJson(input.params), maxAttempts, this.now());
      } catch (e) {
        if (isConstraint(e, 'UNIQUE'))
          throw new StoreConflictError('job', id, 'exists', 'a job with this id exists');
        throw e;
      }
      return jobOf(this.jobRow(id) as Row);
    });
  }

  async getJob(id: string): Promise<Job | undefined> {
    const r = this.jobRow(id);
    return r ? jobOf(r) : undefined;
  }

  async listJobs(filter: { status?: JobStatus; kind?: JobKind; limit?: number } = {}): Promise<Job[]> {
    const limit = listLimit(filter);
    return (
      this.db
        .prepare(
          `SELECT * FROM jobs WHERE (? IS NULL OR status = ?) AND (? IS NULL OR kind = ?) ORDER BY seq DESC LIMIT ?`,
        )
        .all(
          filter.status ?? null,
          filter.status ?? null,
          filter.kind ?? null,
          filter.kind ?? null,
          limit,
        ) as Row[]
    ).map(jobOf);
  }

  async claimNextJob(
    workerId: string,
    options: { kinds?: readonly JobKind[] } = {},
  ): Promise<Job | undefined> {
    const kinds = claimableKinds(workerId, options);
    if (kinds.length === 0) return undefined;
    return this.tx(() => {
      const next = this.db
        .prepare(
          `SELECT id FROM jobs WHERE status = 'queued' AND kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY seq LIMIT 1`,
        )
        .pluck()
        .get(...kinds) as string | undefined;
      if (next === undefined) return undefined;
      const now = this.now();
      const r = this.db
        .prepare(
          `UPDATE jobs SET status = 'running', attempts = attempts + 1, worker_id = ?, started_at = ?, heartbeat_at = ?,
             progress = 0, progress_message = '' WHERE id = ? AND status = 'queued' RETURNING *`,
        )
        .get(workerId, now, now, next) as Row;
      return jobOf(r);
    });
  }

  /** Runs an UPDATE guarded by `status = 'running' AND worker_id = ?`; explains a miss as not-found or conflict. */
  private updateRunning(id: string, workerId: string, set: string, args: unknown[]): Job {
    return this.tx(() => {
      const r = this.db
        .prepare(`UPDATE jobs SET ${set} WHERE id = ? AND status = 'running' AND worker_id = ? RETURNING *`)
        .get(...args, id, workerId) as Row | undefined;
      if (r) return jobOf(r);
      const cur = this.jobRow(id);
      if (!cur) throw new StoreNotFoundError('job', id);
      throw jobStateConflict(id, workerId, cur);
    });
  }

  async updateJobProgress(id: string, workerId: string, progress: number, message = ''): Promise<Job> {
    checkProgress(progress);
    return this.updateRunning(id, workerId, 'progress = ?, progress_message = ?, heartbeat_at = ?', [
      progress,
      String(message),
      this.now(),
    ]);
  }

  async completeJob(id: string, workerId: string, resultRef: string | null): Promise<Job> {
    const now = this.now();
    return this.updateRunning(
      id,
      workerId,
      `status = 'succeeded', progress = 1, result_ref = ?, error = NULL, heartbeat_at = ?, finished_at = ?`,
      [resultRef, now, now],
    );
  }

  async failJob(
    id: string,
    workerId: string,
    error: string,
    options: { retry?: boolean } = {},
  ): Promise<Job> {
    const now = this.now();
    return this.updateRunning(
      id,
      workerId,
      `status = CASE WHEN ? AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
       worker_id = CASE WHEN ? AND attempts < max_attempts THEN NULL ELSE worker_id END,
       finished_at = CASE WHEN ? AND attempts < max_attempts THEN NULL ELSE ? END,
       error = ?, heartbeat_at = ?`,
      [options.retry ? 1 : 0, options.retry ? 1 : 0, options.retry ? 1 : 0, now, String(error), now],
    );
  }

  async requeueStale(olderThanMs: number): Promise<RequeueResult> {
    checkOlderThan(olderThanMs);
    const now = this.now();
    const cutoff = now - olderThanMs;
    return this.tx(() => {
      const failed = this.db
        .prepare(
          `UPDATE jobs SET status = 'failed', finished_at = ?,
             error = 'worker lost (no heartbeat) after ' || attempts || ' of ' || max_attempts || ' attempts'
           WHERE status = 'running' AND heartbeat_at < ? AND attempts >= max_attempts RETURNING id`,
        )
        .pluck()
        .all(now, cutoff) as string[];
      const requeued = this.db
        .prepare(
          `UPDATE jobs SET status = 'queued', worker_id = NULL, heartbeat_at = NULL,
             error = 'worker lost (no heartbeat) during attempt ' || attempts
           WHERE status = 'running' AND heartbeat_at < ? RETURNING id`,
        )
        .pluck()
        .all(cutoff) as string[];
      return { requeued, failed };
    });
  }

  // ------------------------------------------------------------ keys

  async createKey(input: NewApiKey): Promise<ApiKeyRecord> {
    checkKey(input);
    const id = newId(input.id);
    return this.tx(() => {
      try {
        this.db
          .prepare(
            'INSERT INTO api_keys (id, name, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)',
          )
          .run(id, input.name ?? '', input.role, input.hash, this.now());
      } catch (e) {
        if (isConstraint(e, 'PRIMARYKEY'))
          throw new StoreConflictError('api-key', id, 'exists', 'a key with this id exists');
        if (isConstraint(e, 'UNIQUE'))
          throw new StoreConflictError('api-key', id, 'duplicate', 'a key with this hash exists');
        throw e;
      }
      return keyOf(this.get('SELECT * FROM api_keys WHERE id = ?', id) as Row);
    });
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const r = this.stmt.keyByHash.get(hash) as Row | undefined;
    return r ? keyOf(r) : undefined;
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const r = this.get('SELECT * FROM api_keys WHERE id = ?', id);
    return r ? keyOf(r) : undefined;
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return this.all('SELECT * FROM api_keys ORDER BY created_at, id').map(keyOf);
  }

  async revokeKey(id: string): Promise<ApiKeyRecord> {
    return this.tx(() => {
      const r = this.db
        .prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *')
        .get(this.now(), id) as Row | undefined;
      if (!r) throw new StoreNotFoundError('api-key', id);
      return keyOf(r);
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
