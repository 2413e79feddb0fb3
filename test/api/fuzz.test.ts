/**
 * Bad input, property-based, against the embedded (SQLite) store: 10,500 generated malformed requests through
 * `app.inject` and 300 over real HTTP at every write route; all 4xx, nothing stored (see fuzz-suite.ts).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, SQLITE_FILE } from '../../src/store/sqlite.ts';
import { fuzzSuite } from './fuzz-suite.ts';

let dir = '';
let raw: Database.Database | undefined;
let tables: string[] = [];

fuzzSuite(
  {
    label: 'SQLite',
    async open() {
      dir = mkdtempSync(join(tmpdir(), 'modcap-fuzz-'));
      const store = await openSqliteStore({ dataDir: dir });
      raw = new Database(join(dir, SQLITE_FILE), { readonly: true });
      tables = (
        raw
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
          .all() as { name: string }[]
      ).map((t) => t.name);
      return store;
    },
    async fingerprint() {
      const db = raw as Database.Database;
      const counts = tables.map(
        (t) => (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n,
      );
      return JSON.stringify([counts, db.pragma('data_version', { simple: true })]);
    },
    async close() {
      raw?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  },
  10_500,
  300,
);
