/**
 * Storage of modcap: one {@link Store} interface, an embedded SQLite adapter (the default, no server) and a
 * PostgreSQL adapter (chosen by `DATABASE_URL`).
 */

import { resolve } from 'node:path';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export { apiKeyHash } from './common.ts';
export {
  type ConflictReason,
  isStoreConflict,
  isStoreNotFound,
  StoreConflictError,
  StoreNotFoundError,
  type StoreResource,
} from './errors.ts';
export { MIGRATIONS, type Migration, SCHEMA_VERSION } from './migrations/index.ts';
export { migratePostgres, openPostgresStore, type PostgresStoreOptions } from './postgres.ts';
export { migrateSqlite, openSqliteStore, SQLITE_FILE, type SqliteStoreOptions } from './sqlite.ts';
export type * from './types.ts';

/** Default data directory of the embedded store when neither `dataDir` nor MODCAP_DATA_DIR is given. */
export const DEFAULT_DATA_DIR = './.modcap-data';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Data directory of the embedded store (default: env MODCAP_DATA_DIR, else `./.modcap-data`). */
  readonly dataDir?: string;
  /** PostgreSQL URL (default: env DATABASE_URL). When set, PostgreSQL is used and `dataDir` is ignored. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema (default `public`). */
  readonly schema?: string;
}

/**
 * Opens the configured store: PostgreSQL when `databaseUrl` or env DATABASE_URL is set, else the embedded
 * SQLite store in `dataDir` (or env MODCAP_DATA_DIR, or `./.modcap-data`). Applies pending migrations.
 * @example const store = await openStore({ dataDir: '/var/lib/modcap' }); // embedded, /var/lib/modcap/modcap.sqlite
 */
export async function openStore(
  options: OpenStoreOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Store> {
  const databaseUrl = options.databaseUrl || env.DATABASE_URL;
  if (databaseUrl) return openPostgresStore({ databaseUrl, schema: options.schema });
  const dataDir = resolve(options.dataDir || env.MODCAP_DATA_DIR || DEFAULT_DATA_DIR);
  return openSqliteStore({ dataDir });
}
