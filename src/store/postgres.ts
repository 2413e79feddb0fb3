/**
 * The PostgreSQL store, for shared deployments (`DATABASE_URL`). One `pg` Pool; every write is one transaction
 * on one pooled client (READ COMMITTED): version checks are a guarded `UPDATE … WHERE version = $n`, row locks
 * (`SELECT … FOR UPDATE`) serialize appends to one dataset, and `claimNextJob` takes the oldest queued job with
 * `FOR UPDATE SKIP LOCKED`, so any number of workers on any number of machines never claim the same job.
 * All tables live in one schema (option `schema`, default `public`), set as the connections' `search_path`.
 */

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ModcapError } from '../errors.ts';
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
  chunks,
  claimableKinds,
  columnsOf,
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

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  readonly databaseUrl: string;
  /** Schema of the tables (created if missing), a plain identifier; default `public`. */
  readonly schema?: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
  /** Clock, epoch ms (default `Date.now`). */
  readonly now?: () => number;
}

// biome-ignore lint/suspicious/noExplicitAny: database rows are untyped records
type Row = Record<string, any>;
type Q = pg.Pool | pg.PoolClient;

/** Rows per INSERT … SELECT FROM unnest(…) statement. */
const BATCH = 20_000;

/** BIGINT (oid 20) as a JS number (epoch ms and counts stay far below 2^53); the rest as pg parses them. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const pgCode = (e: unknown): string | undefined => (e as { code?: string })?.code;
const pgConstraint = (e: unknown): string | undefined => (e as { constraint?: string })?.constraint;

/** Throws BAD_ARGUMENT unless `schema` is a plain lowercase identifier. */
function checkSchema(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new ModcapError('BAD_ARGUMENT', 'schema must be a lowercase identifier (letters, digits, _)', {
      column: 'schema',
      value: schema,
    });
}

/**
 * Opens the PostgreSQL store: checks the connection and applies pending migrations (one transaction, under an
 * advisory lock, so several processes opening at once migrate once). Fails with a clear error when the
 * server cannot be reached.
 * @example const store = await openPostgresStore({ databaseUrl: process.env.DATABASE_URL! });
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public';
  checkSchema(schema);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${schema}`,
    types,
  });
  // An idle client losing its connection (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    await migratePostgres(pool, schema, (options.now ?? Date.now)());
  } catch (e) {
    await pool.end();
    if (
      pgCode(e) === 'ECONNREFUSED' ||
      pgCode(e) === 'ENOTFOUND' ||
      pgCode(e) === '3D000' ||
      pgCode(e) === '28000'
    )
      throw new ModcapError(
        'BAD_ARGUMENT',
        `cannot reach PostgreSQL at ${redact(options.databaseUrl)}: ${(e as Error).message}`,
        { column: 'DATABASE_URL' },
      );
    throw e;
  }
  return refusingNul(new PostgresStore(pool, options.now ?? Date.now));
}

/**
 * PostgreSQL cannot hold U+0000 (NUL) in text or jsonb; a value carrying one fails with 22021 or 22P05. That is
 * the caller's bad input, not a server fault: every store method's such failure becomes INPUT_INVALID (the
 * write's transaction has rolled back, so nothing was stored). The embedded store takes NUL as any character.
 */
function refusingNul(store: Store): Store {
  const translate = (e: unknown): unknown =>
    pgCode(e) === '22021' || pgCode(e) === '22P05'
      ? new ModcapError(
          'INPUT_INVALID',
          'text contains U+0000 (NUL), which the PostgreSQL store cannot hold',
          {
            field: 'text',
          },
        )
      : e;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const out = v.apply(target, args);
        return out instanceof Promise
          ? out.catch((e: unknown) => {
              throw translate(e);
            })
          : out;
      };
    },
  });
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** Applies the migrations newer than the schema's version, in one transaction under an advisory lock. */
export async function migratePostgres(
  pool: pg.Pool,
  schema: string,
  now: number = Date.now(),
): Promise<number[]> {
  checkSchema(schema);
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`modcap-migrate:${schema}`]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await c.query(`SET LOCAL search_path TO "${schema}"`);
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const current = Number(
      (await c.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')).rows[0].v,
    );
    const applied: number[] = [];
    for (const m of pendingMigrations(current)) {
      await c.query(m.postgres);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        now,
      ]);
      applied.push(m.version);
    }
    await c.query('COMMIT');
    return applied;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly costs = new CostCache();

  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  /** Runs `fn` in one transaction on one client; rolls back on any error. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch((err: Error) => {
        broken = err;
      });
      throw e;
    } finally {
      c.release(broken);
    }
  }

  private async one(q: Q, text: string, values: unknown[] = []): Promise<Row | undefined> {
    return (await q.query(text, values)).rows[0];
  }

  private async all(q: Q, text: string, values: unknown[] = []): Promise<Row[]> {
    return (await q.query(text, values)).rows;
  }

  // ------------------------------------------------------------ datasets

  private async insertBatch(
    c: pg.PoolClient,
    ds: Row,
    rows: readonly VolumeRow[],
    seriesKeys: string[],
    batchSha: string,
    bump: number,
  ): Promise<void> {
    const id = ds.id as string;
    let first = ds.first_ts as number | null;
    let last = ds.last_ts as number | null;
    for (const [s, e] of chunks(rows.length, BATCH)) {
      const ts = new Array<number>(e - s);
      const vol = new Array<number>(e - s);
      for (let i = s; i < e; i++) {
        const t = rows[i].timestampMs;
        ts[i - s] = t;
        vol[i - s] = rows[i].volume;
        if (first === null || t < first) first = t;
        if (last === null || t > last) last = t;
      }
      try {
        await c.query(
          `INSERT INTO volume_rows (dataset_id, series_key, ts, volume)
           SELECT $1, k, t, v FROM unnest($2::text[], $3::bigint[], $4::float8[]) AS u(k, t, v)`,
          [id, seriesKeys.slice(s, e), ts, vol],
        );
      } catch (err) {
        if (pgCode(err) === '23505')
          throw new StoreConflictError(
            'volume-row',
            id,
            'duplicate',
            `a (series, timestamp) already exists or appears twice in the batch; nothing was stored (${(err as { detail?: string }).detail ?? ''})`,
            { detail: (err as { detail?: string }).detail },
          );
        throw err;
      }
    }
    await c.query(
      `INSERT INTO dataset_series (dataset_id, series_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [id, [...new Set(seriesKeys)]],
    );
    await c.query(
      `UPDATE datasets SET row_count = row_count + $1,
         series_count = (SELECT count(*) FROM dataset_series WHERE dataset_id = $7),
         first_ts = $2, last_ts = $3, sha256 = $4, version = version + $5, updated_at = $6 WHERE id = $7`,
      [rows.length, first, last, chainSha256(ds.sha256, batchSha), bump, this.now(), id],
    );
  }

  async createDataset(input: NewDataset): Promise<DatasetMeta> {
    const { id, seriesKeys, batchSha256 } = prepareNewDataset(input);
    return this.tx(async (c) => {
      const now = this.now();
      let ds: Row | undefined;
      try {
        ds = await this.one(
          c,
          `INSERT INTO datasets (id, name, key_columns, time_zone, row_count, series_count, first_ts, last_ts, sha256, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 0, 0, NULL, NULL, '', 1, $5, $5) RETURNING *`,
          [id, input.name, JSON.stringify(input.keyColumns), input.timeZone, now],
        );
      } catch (e) {
        if (pgCode(e) === '23505')
          throw new StoreConflictError('dataset', id, 'exists', 'a dataset with this id exists');
        throw e;
      }
      await this.insertBatch(c, ds as Row, input.rows, seriesKeys, batchSha256, 0);
      return datasetOf((await this.one(c, 'SELECT * FROM datasets WHERE id = $1', [id])) as Row);
    });
  }

  async getDataset(id: string): Promise<DatasetMeta | undefined> {
    const r = await this.one(this.pool, 'SELECT * FROM datasets WHERE id = $1', [id]);
    return r ? datasetOf(r) : undefined;
  }

  async listDatasets(): Promise<DatasetMeta[]> {
    return (await this.all(this.pool, 'SELECT * FROM datasets ORDER BY created_at DESC, id')).map(datasetOf);
  }

  async getDatasetRows(id: string, query: DatasetRowQuery = {}): Promise<VolumeRow[] | undefined> {
    // REPEATABLE READ so the existence check and the rows come from one snapshot.
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const ds = await this.one(c, 'SELECT key_columns FROM datasets WHERE id = $1', [id]);
      if (!ds) return undefined;
      const where = ['dataset_id = $1'];
      const args: unknown[] = [id];
      if (query.key) {
        args.push(seriesKeyOf(fromJson(ds.key_columns) as string[], query.key));
        where.push(`series_key = $${args.length}`);
      }
      if (query.fromMs !== undefined) {
        args.push(query.fromMs);
        where.push(`ts >= $${args.length}`);
      }
      if (query.toMs !== undefined) {
        args.push(query.toMs);
        where.push(`ts < $${args.length}`);
      }
      const res = await c.query({
        text: `SELECT series_key, ts, volume FROM volume_rows WHERE ${where.join(' AND ')} ORDER BY series_key COLLATE "C", ts`,
        values: args,
        rowMode: 'array',
      });
      return volumeRowsOf(res.rows as [string, number, number][]);
    } finally {
      await c.query('COMMIT').catch(() => {});
      c.release();
    }
  }

  async appendRows(
    id: string,
    rows: readonly VolumeRow[],
    options: Partial<IfVersion> = {},
  ): Promise<DatasetMeta> {
    checkOptionalVersion(options);
    const before = await this.one(this.pool, 'SELECT key_columns FROM datasets WHERE id = $1', [id]);
    if (!before) throw new StoreNotFoundError('dataset', id);
    const { seriesKeys, batchSha256 } = prepareVolumeRows(fromJson(before.key_columns) as string[], rows);
    return this.tx(async (c) => {
      const ds = await this.one(c, 'SELECT * FROM datasets WHERE id = $1 FOR UPDATE', [id]);
      if (!ds) throw new StoreNotFoundError('dataset', id);
      if (options.ifVersion !== undefined && ds.version !== options.ifVersion)
        throw versionConflict('dataset', id, options.ifVersion, ds.version);
      if (rows.length > 0) await this.insertBatch(c, ds, rows, seriesKeys, batchSha256, 1);
      return datasetOf((await this.one(c, 'SELECT * FROM datasets WHERE id = $1', [id])) as Row);
    });
  }

  async renameDataset(id: string, name: string, options: IfVersion): Promise<DatasetMeta> {
    checkName(name);
    checkVersion(options?.ifVersion);
    return this.tx(async (c) => {
      const r = await this.one(
        c,
        'UPDATE datasets SET name = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4 RETURNING *',
        [name, this.now(), id, options.ifVersion],
      );
      if (r) return datasetOf(r);
      const ds = await this.one(c, 'SELECT version FROM datasets WHERE id = $1', [id]);
      if (!ds) throw new StoreNotFoundError('dataset', id);
      throw versionConflict('dataset', id, options.ifVersion, ds.version);
    });
  }

  async deleteDataset(id: string): Promise<boolean> {
    return this.tx(
      async (c) => ((await c.query('DELETE FROM datasets WHERE id = $1', [id])).rowCount ?? 0) > 0,
    );
  }

  // ------------------------------------------------------------ documents

  private async documentRow(
    q: Q,
    kind: DocumentKind,
    id: string,
    version?: number,
  ): Promise<Row | undefined> {
    return this.one(
      q,
      `SELECT d.kind, d.id, v.name, v.version, v.doc, d.created_at, v.created_at AS updated_at
       FROM documents d JOIN document_versions v ON v.kind = d.kind AND v.id = d.id AND v.version = coalesce($1::int, d.version)
       WHERE d.kind = $2 AND d.id = $3`,
      [version ?? null, kind, id],
    );
  }

  async createDocument<T>(
    kind: DocumentKind,
    input: { id?: string; name: string; doc: T },
  ): Promise<StoredDocument<T>> {
    const { id, doc } = prepareNewDocument(kind, input);
    return this.tx(async (c) => {
      const now = this.now();
      try {
        await c.query(
          'INSERT INTO documents (kind, id, name, version, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $4)',
          [kind, id, input.name, now],
        );
      } catch (e) {
        if (pgCode(e) === '23505')
          throw new StoreConflictError('document', id, 'exists', `a ${kind} document with this id exists`);
        throw e;
      }
      await c.query(
        'INSERT INTO document_versions (kind, id, version, name, doc, created_at) VALUES ($1, $2, 1, $3, $4, $5)',
        [kind, id, input.name, doc, now],
      );
      return documentOf<T>((await this.documentRow(c, kind, id)) as Row);
    });
  }

  async getDocument<T = unknown>(
    kind: DocumentKind,
    id: string,
    version?: number,
  ): Promise<StoredDocument<T> | undefined> {
    checkDocumentKind(kind);
    const r = await this.documentRow(this.pool, kind, id, version);
    return r ? documentOf<T>(r) : undefined;
  }

  async listDocuments(kind: DocumentKind): Promise<DocumentMeta[]> {
    checkDocumentKind(kind);
    return (
      await this.all(
        this.pool,
        'SELECT kind, id, name, version, created_at, updated_at FROM documents WHERE kind = $1 ORDER BY name COLLATE "C", id COLLATE "C"',
        [kind],
      )
    ).map(documentMetaOf);
  }

  async listDocumentVersions(kind: DocumentKind, id: string): Promise<DocumentMeta[] | undefined> {
    checkDocumentKind(kind);
    const rows = await this.all(
      this.pool,
      `SELECT v.kind, v.id, v.name, v.version, d.created_at, v.created_at AS updated_at
       FROM document_versions v JOIN documents d ON d.kind = v.kind AND d.id = v.id
       WHERE v.kind = $1 AND v.id = $2 ORDER BY v.version`,
      [kind, id],
    );
    return rows.length > 0 ? rows.map(documentMetaOf) : undefined;
  }

  async updateDocument<T>(
    kind: DocumentKind,
    id: string,
    input: { name?: string; doc: T },
    options: IfVersion,
  ): Promise<StoredDocument<T>> {
    const doc = prepareDocumentUpdate(kind, input, options);
    return this.tx(async (c) => {
      const now = this.now();
      const r = await this.one(
        c,
        `UPDATE documents SET version = version + 1, name = coalesce($1, name), updated_at = $2
         WHERE kind = $3 AND id = $4 AND version = $5 RETURNING name, version`,
        [input.name ?? null, now, kind, id, options.ifVersion],
      );
      if (!r) {
        const cur = await this.one(c, 'SELECT version FROM documents WHERE kind = $1 AND id = $2', [
          kind,
          id,
        ]);
        if (!cur) throw new StoreNotFoundError('document', id, `no ${kind} document with this id`);
        throw versionConflict('document', id, options.ifVersion, cur.version);
      }
      await c.query(
        'INSERT INTO document_versions (kind, id, version, name, doc, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [kind, id, r.version, r.name, doc, now],
      );
      return documentOf<T>((await this.documentRow(c, kind, id)) as Row);
    });
  }

  async deleteDocument(kind: DocumentKind, id: string, options: Partial<IfVersion> = {}): Promise<boolean> {
    checkDocumentKind(kind);
    checkOptionalVersion(options);
    return this.tx(async (c) => {
      const cur = await this.one(c, 'SELECT version FROM documents WHERE kind = $1 AND id = $2 FOR UPDATE', [
        kind,
        id,
      ]);
      if (!cur) return false;
      if (options.ifVersion !== undefined && cur.version !== options.ifVersion)
        throw versionConflict('document', id, options.ifVersion, cur.version);
      await c.query('DELETE FROM documents WHERE kind = $1 AND id = $2', [kind, id]);
      return true;
    });
  }

  // ------------------------------------------------------------ forecasts

  async saveForecast(input: NewForecast): Promise<ForecastMeta> {
    const id = newId(input.id);
    checkForecastDoc(input.doc);
    const head = toJson(forecastHead(input.doc));
    const s = input.doc.series;
    return this.tx(async (c) => {
      let meta: Row | undefined;
      try {
        meta = await this.one(
          c,
          `INSERT INTO forecasts (id, dataset_id, dataset_version, job_id, params, head, series_count, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${FORECAST_META_COLUMNS}`,
          forecastValues(id, input, head, this.now()),
        );
      } catch (e) {
        if (pgCode(e) === '23505')
          throw new StoreConflictError('forecast', id, 'exists', 'a forecast with this id exists');
        throw e;
      }
      for (const [a, b] of chunks(s.length, 2_000)) {
        try {
          await c.query(
            `INSERT INTO forecast_series (forecast_id, seq, series_id, series_key, model, doc)
             SELECT $1, q, i, k::json, m, d::json FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(q, i, k, m, d)`,
            [id, ...columnsOf(s, a, b, forecastSeriesValues)],
          );
        } catch (e) {
          if (pgCode(e) === '23505')
            throw new StoreConflictError('forecast', id, 'duplicate', 'a series id appears twice', {
              detail: (e as { detail?: string }).detail,
            });
          throw e;
        }
      }
      return forecastMetaOf(meta as Row);
    });
  }

  async getForecastMeta(id: string): Promise<ForecastMeta | undefined> {
    const r = await this.one(this.pool, `SELECT ${FORECAST_META_COLUMNS} FROM forecasts WHERE id = $1`, [id]);
    return r ? forecastMetaOf(r) : undefined;
  }

  async getForecast(id: string): Promise<ForecastRecord | undefined> {
    // One query, so the head and the series come from the same snapshot.
    const rows = await this.all(
      this.pool,
      `SELECT f.id, f.dataset_id, f.dataset_version, f.job_id, f.params, f.series_count, f.created_at, f.head, s.doc
       FROM forecasts f LEFT JOIN forecast_series s ON s.forecast_id = f.id WHERE f.id = $1 ORDER BY s.seq`,
      [id],
    );
    if (rows.length === 0) return undefined;
    const series = rows.filter((r) => r.doc !== null).map((r) => fromJson(r.doc) as ForecastSeriesDocument);
    return forecastRecordOf(rows[0], series);
  }

  async listForecasts(filter: { datasetId?: string } = {}): Promise<ForecastMeta[]> {
    return (
      await this.all(
        this.pool,
        `SELECT ${FORECAST_META_COLUMNS} FROM forecasts WHERE ($1::text IS NULL OR dataset_id = $1) ORDER BY created_at DESC, id`,
        [filter.datasetId ?? null],
      )
    ).map(forecastMetaOf);
  }

  async listForecastSeries(id: string): Promise<ForecastSeriesSummary[] | undefined> {
    const rows = await this.all(
      this.pool,
      `SELECT s.series_id, s.series_key, s.model FROM forecasts f LEFT JOIN forecast_series s ON s.forecast_id = f.id
       WHERE f.id = $1 ORDER BY s.seq`,
      [id],
    );
    if (rows.length === 0) return undefined;
    return rows.filter((r) => r.series_id !== null).map(seriesSummaryOf);
  }

  async getForecastSeries(id: string, seriesId: string): Promise<ForecastSeriesDocument | undefined> {
    const r = await this.one(
      this.pool,
      'SELECT doc FROM forecast_series WHERE forecast_id = $1 AND series_id = $2',
      [id, seriesId],
    );
    return r ? (fromJson(r.doc) as ForecastSeriesDocument) : undefined;
  }

  async deleteForecast(id: string): Promise<boolean> {
    return this.tx(
      async (c) => ((await c.query('DELETE FROM forecasts WHERE id = $1', [id])).rowCount ?? 0) > 0,
    );
  }

  // ------------------------------------------------------------ results

  async saveResult<T>(kind: ResultKind, input: NewResult<T>): Promise<StoredResult<T>> {
    checkResultKind(kind);
    const id = newId(input.id);
    try {
      const r = await this.one(
        this.pool,
        `INSERT INTO results (kind, id, dataset_id, forecast_id, job_id, params, doc, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        resultValues(kind, id, input, toJson(input.doc), this.now()),
      );
      return resultOf<T>(r as Row);
    } catch (e) {
      if (pgCode(e) === '23505')
        throw new StoreConflictError('result', id, 'exists', `a ${kind} result with this id exists`);
      throw e;
    }
  }

  async getResult<T = unknown>(kind: ResultKind, id: string): Promise<StoredResult<T> | undefined> {
    checkResultKind(kind);
    const r = await this.one(this.pool, 'SELECT * FROM results WHERE kind = $1 AND id = $2', [kind, id]);
    return r ? resultOf<T>(r) : undefined;
  }

  async listResults(
    kind: ResultKind,
    filter: { datasetId?: string; forecastId?: string } = {},
  ): Promise<Omit<StoredResult, 'doc'>[]> {
    checkResultKind(kind);
    return (
      await this.all(
        this.pool,
        `SELECT kind, id, dataset_id, forecast_id, job_id, params, created_at FROM results
         WHERE kind = $1 AND ($2::text IS NULL OR dataset_id = $2) AND ($3::text IS NULL OR forecast_id = $3)
         ORDER BY created_at DESC, id`,
        [kind, filter.datasetId ?? null, filter.forecastId ?? null],
      )
    ).map(resultMetaOf);
  }

  // ------------------------------------------------------------ plans

  async savePlan(input: NewPlan, options: { replace?: boolean } = {}): Promise<PlanMeta> {
    const id = newId(input.id);
    checkPlan(input);
    return this.tx(async (c) => {
      const prev = await this.one(c, 'SELECT revision FROM plans WHERE id = $1 FOR UPDATE', [id]);
      if (prev && !options.replace) throw planExistsConflict(id);
      if (prev) await c.query('DELETE FROM plans WHERE id = $1', [id]);
      let meta: Row | undefined;
      try {
        meta = await this.one(
          c,
          `INSERT INTO plans (id, forecast_id, config_id, config_version, scenarios, reporting_currency, job_id, provenance, doc,
             cost_count, requirement_count, revision, write_id, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${PLAN_META_COLUMNS}`,
          [
            id,
            input.forecastId,
            input.configId,
            input.configVersion,
            toJson(input.scenarios),
            input.reportingCurrency,
            input.jobId ?? null,
            toJson(input.provenance),
            toJson(input.doc),
            input.costs.length,
            input.requirements.length,
            (prev?.revision ?? 0) + 1,
            randomUUID(),
            this.now(),
          ],
        );
      } catch (e) {
        if (pgCode(e) === '23505' && pgConstraint(e) === 'plans_pkey')
          throw new StoreConflictError('plan', id, 'exists', 'a plan with this id was written concurrently');
        throw e;
      }
      for (const [a, b] of chunks(input.costs.length, BATCH)) {
        await c.query(
          `INSERT INTO plan_costs (plan_id, seq, scenario, site, language, month, component, currency, cost, cost_reporting)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[])`,
          [id, ...columnsOf(input.costs, a, b, costValues)],
        );
      }
      for (const [a, b] of chunks(input.requirements.length, BATCH)) {
        await c.query(
          `INSERT INTO plan_requirements (plan_id, seq, scenario, site, language, week, week_start, required_fte, paid_headcount, detail)
           SELECT $1, q, s, si, l, w, ws, r, h, d::json
           FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::float8[], $9::float8[], $10::text[])
             AS u(q, s, si, l, w, ws, r, h, d)`,
          [id, ...columnsOf(input.requirements, a, b, requirementValues)],
        );
      }
      this.costs.delete(id);
      return planMetaOf(meta as Row);
    });
  }

  async getPlanMeta(id: string): Promise<PlanMeta | undefined> {
    const r = await this.one(this.pool, `SELECT ${PLAN_META_COLUMNS} FROM plans WHERE id = $1`, [id]);
    return r ? planMetaOf(r) : undefined;
  }

  async getPlan(id: string): Promise<PlanRecord | undefined> {
    const r = await this.one(this.pool, `SELECT ${PLAN_META_COLUMNS}, doc FROM plans WHERE id = $1`, [id]);
    return r ? { ...planMetaOf(r), doc: fromJson(r.doc) } : undefined;
  }

  async listPlans(filter: { forecastId?: string; configId?: string } = {}): Promise<PlanMeta[]> {
    return (
      await this.all(
        this.pool,
        `SELECT ${PLAN_META_COLUMNS} FROM plans
         WHERE ($1::text IS NULL OR forecast_id = $1) AND ($2::text IS NULL OR config_id = $2) ORDER BY created_at DESC, id`,
        [filter.forecastId ?? null, filter.configId ?? null],
      )
    ).map(planMetaOf);
  }

  async getPlanCosts(planId: string): Promise<readonly PlanCostRow[] | undefined> {
    const head = await this.pool.query({
      name: 'modcap_plan_write_id',
      text: 'SELECT write_id FROM plans WHERE id = $1',
      values: [planId],
    });
    const writeId = head.rows[0]?.write_id as string | undefined;
    if (writeId === undefined) {
      this.costs.delete(planId);
      return undefined;
    }
    const cached = this.costs.get(planId, writeId);
    if (cached) return cached;
    // The rows of exactly this write: join on write_id, so a replace in between yields no rows and a re-read.
    const res = await this.pool.query(
      `SELECT c.scenario, c.site, c.language, c.month, c.component, c.currency, c.cost, c.cost_reporting
       FROM plan_costs c JOIN plans p ON p.id = c.plan_id WHERE c.plan_id = $1 AND p.write_id = $2 ORDER BY c.seq`,
      [planId, writeId],
    );
    if (res.rows.length === 0) {
      const now = await this.one(this.pool, 'SELECT write_id, cost_count FROM plans WHERE id = $1', [planId]);
      if (!now) return undefined;
      if (now.write_id !== writeId) return this.getPlanCosts(planId);
    }
    return this.costs.set(planId, writeId, (res.rows as Parameters<typeof costRowOf>[0][]).map(costRowOf));
  }

  async getPlanRequirements(
    planId: string,
    query: RequirementQuery = {},
  ): Promise<PlanRequirementRow[] | undefined> {
    const rows = await this.all(
      this.pool,
      `SELECT r.scenario, r.site, r.language, r.week, r.week_start, r.required_fte, r.paid_headcount, r.detail, p.id AS pid
       FROM plans p LEFT JOIN plan_requirements r ON r.plan_id = p.id
         AND ($2::text IS NULL OR r.scenario = $2) AND ($3::text IS NULL OR r.site = $3) AND ($4::text IS NULL OR r.language = $4)
       WHERE p.id = $1 ORDER BY r.seq`,
      [planId, query.scenario ?? null, query.site ?? null, query.language ?? null],
    );
    if (rows.length === 0) return undefined;
    return rows
      .filter((r) => r.scenario !== null)
      .map((r) => requirementRowOf(r as Parameters<typeof requirementRowOf>[0]));
  }

  async deletePlan(id: string): Promise<boolean> {
    this.costs.delete(id);
    return this.tx(async (c) => ((await c.query('DELETE FROM plans WHERE id = $1', [id])).rowCount ?? 0) > 0);
  }

  // ------------------------------------------------------------ jobs

  async createJob(input: NewJob): Promise<Job> {
    const { id, maxAttempts } = prepareNewJob(input);
    try {
      const r = await this.one(
        this.pool,
        `INSERT INTO jobs (id, kind, status, params, progress, progress_message, attempts, max_attempts, created_at)
         VALUES ($1, $2, 'queued', $3, 0, '', 0, $4, $5) RETURNING *`,
        [id, input.kind, toJson(input.params), maxAttempts, this.now()],
      );
      return jobOf(r as Row);
    } catch (e) {
      if (pgCode(e) === '23505')
        throw new StoreConflictError('job', id, 'exists', 'a job with this id exists');
      throw e;
    }
  }

  async getJob(id: string): Promise<Job | undefined> {
    const r = await this.one(this.pool, 'SELECT * FROM jobs WHERE id = $1', [id]);
    return r ? jobOf(r) : undefined;
  }

  async listJobs(filter: { status?: JobStatus; kind?: JobKind; limit?: number } = {}): Promise<Job[]> {
    const limit = listLimit(filter);
    return (
      await this.all(
        this.pool,
        `SELECT * FROM jobs WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2) ORDER BY seq DESC LIMIT $3`,
        [filter.status ?? null, filter.kind ?? null, limit],
      )
    ).map(jobOf);
  }

  async claimNextJob(
    workerId: string,
    options: { kinds?: readonly JobKind[] } = {},
  ): Promise<Job | undefined> {
    const kinds = claimableKinds(workerId, options);
    if (kinds.length === 0) return undefined;
    const now = this.now();
    // One statement, its own transaction: the sub-select locks the oldest queued row and skips rows other
    // claimers hold, so two claimers never take the same job and never wait for each other.
    const r = await this.one(
      this.pool,
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, worker_id = $1, started_at = $2, heartbeat_at = $2,
         progress = 0, progress_message = ''
       WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND kind = ANY($3::text[])
                   ORDER BY seq FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING *`,
      [workerId, now, [...kinds]],
    );
    return r ? jobOf(r) : undefined;
  }

  private async updateRunning(id: string, workerId: string, set: string, args: unknown[]): Promise<Job> {
    const n = args.length;
    const r = await this.one(
      this.pool,
      `UPDATE jobs SET ${set} WHERE id = $${n + 1} AND status = 'running' AND worker_id = $${n + 2} RETURNING *`,
      [...args, id, workerId],
    );
    if (r) return jobOf(r);
    const cur = await this.one(this.pool, 'SELECT status, worker_id FROM jobs WHERE id = $1', [id]);
    if (!cur) throw new StoreNotFoundError('job', id);
    throw jobStateConflict(id, workerId, cur);
  }

  async updateJobProgress(id: string, workerId: string, progress: number, message = ''): Promise<Job> {
    checkProgress(progress);
    return this.updateRunning(id, workerId, 'progress = $1, progress_message = $2, heartbeat_at = $3', [
      progress,
      String(message),
      this.now(),
    ]);
  }

  async completeJob(id: string, workerId: string, resultRef: string | null): Promise<Job> {
    return this.updateRunning(
      id,
      workerId,
      `status = 'succeeded', progress = 1, result_ref = $1, error = NULL, heartbeat_at = $2, finished_at = $2`,
      [resultRef, this.now()],
    );
  }

  async failJob(
    id: string,
    workerId: string,
    error: string,
    options: { retry?: boolean } = {},
  ): Promise<Job> {
    return this.updateRunning(
      id,
      workerId,
      `status = CASE WHEN $1::boolean AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
       worker_id = CASE WHEN $1::boolean AND attempts < max_attempts THEN NULL ELSE worker_id END,
       finished_at = CASE WHEN $1::boolean AND attempts < max_attempts THEN NULL ELSE $2::bigint END,
       error = $3, heartbeat_at = $2`,
      [options.retry === true, this.now(), String(error)],
    );
  }

  async requeueStale(olderThanMs: number): Promise<RequeueResult> {
    checkOlderThan(olderThanMs);
    const now = this.now();
    const cutoff = now - olderThanMs;
    return this.tx(async (c) => {
      const failed = await this.all(
        c,
        `UPDATE jobs SET status = 'failed', finished_at = $1,
           error = 'worker lost (no heartbeat) after ' || attempts || ' of ' || max_attempts || ' attempts'
         WHERE status = 'running' AND heartbeat_at < $2 AND attempts >= max_attempts RETURNING id`,
        [now, cutoff],
      );
      const requeued = await this.all(
        c,
        `UPDATE jobs SET status = 'queued', worker_id = NULL, heartbeat_at = NULL,
           error = 'worker lost (no heartbeat) during attempt ' || attempts
         WHERE status = 'running' AND heartbeat_at < $1 RETURNING id`,
        [cutoff],
      );
      return { requeued: requeued.map((r) => r.id), failed: failed.map((r) => r.id) };
    });
  }

  // ------------------------------------------------------------ keys

  async createKey(input: NewApiKey): Promise<ApiKeyRecord> {
    checkKey(input);
    const id = newId(input.id);
    try {
      const r = await this.one(
        this.pool,
        'INSERT INTO api_keys (id, name, role, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, NULL) RETURNING *',
        [id, input.name ?? '', input.role, input.hash, this.now()],
      );
      return keyOf(r as Row);
    } catch (e) {
      if (pgCode(e) === '23505' && pgConstraint(e) === 'api_keys_pkey')
        throw new StoreConflictError('api-key', id, 'exists', 'a key with this id exists');
      if (pgCode(e) === '23505')
        throw new StoreConflictError('api-key', id, 'duplicate', 'a key with this hash exists');
      throw e;
    }
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const res = await this.pool.query({
      name: 'modcap_key_by_hash',
      text: 'SELECT * FROM api_keys WHERE hash = $1 AND revoked_at IS NULL',
      values: [hash],
    });
    return res.rows[0] ? keyOf(res.rows[0]) : undefined;
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.one(this.pool, 'SELECT * FROM api_keys WHERE id = $1', [id]);
    return r ? keyOf(r) : undefined;
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (await this.all(this.pool, 'SELECT * FROM api_keys ORDER BY created_at, id')).map(keyOf);
  }

  async revokeKey(id: string): Promise<ApiKeyRecord> {
    const r = await this.one(
      this.pool,
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING *',
      [this.now(), id],
    );
    if (!r) throw new StoreNotFoundError('api-key', id);
    return keyOf(r);
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
