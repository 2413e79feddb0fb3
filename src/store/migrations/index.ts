/**
 * Versioned migrations of the store schema, in order. Each is one SQL script per dialect; an adapter applies
 * the ones newer than the highest version in its `schema_migrations` table, all in one transaction, and records
 * each (version, name, applied_at). Applying is idempotent: opening a store twice changes nothing.
 * To change the schema, append a migration with the next version; never edit an applied one.
 */

import { ModcapError } from '../../errors.ts';
import { initial } from './001-initial.ts';

/** One schema step, written for both dialects. */
export interface Migration {
  /** 1, 2, 3… without gaps. */
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

/** All migrations, oldest first. */
export const MIGRATIONS: readonly Migration[] = [initial];

/** Highest schema version this code knows. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * The migrations newer than a database's schema version `current`, oldest first. Throws BAD_ARGUMENT when the
 * database is newer than this code (it must not be written by an older modcap).
 * @example pendingMigrations(0) // => MIGRATIONS
 */
export function pendingMigrations(current: number): Migration[] {
  if (current > SCHEMA_VERSION)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `the database schema is version ${current}, newer than this modcap knows (${SCHEMA_VERSION}); upgrade modcap`,
      { value: current },
    );
  return MIGRATIONS.filter((m) => m.version > current);
}
