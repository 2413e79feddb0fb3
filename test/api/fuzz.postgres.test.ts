/**
 * Bad input, property-based, against the PostgreSQL store (REQUIRED: fails, never skips, when the server is
 * down): 10,500 generated malformed requests through `app.inject` and 300 over real HTTP at every write route;
 * all 4xx, nothing stored (see fuzz-suite.ts). It found that PostgreSQL refuses U+0000 in text and jsonb where
 * SQLite stores it (a 500 before the store turned that into INPUT_INVALID).
 * Server: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a fresh schema, dropped after.
 */

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { fuzzSuite } from './fuzz-suite.ts';
import { TEST_DATABASE_URL as DATABASE_URL, openRequiredPostgres } from './helpers.ts';

const SCHEMA = `modcap_fuzz_${randomBytes(4).toString('hex')}`;
let pool: pg.Pool | undefined;
let fingerprintSql = '';

fuzzSuite(
  {
    label: 'PostgreSQL',
    async open() {
      const store = await openRequiredPostgres(SCHEMA, 'test/api/fuzz.postgres.test.ts');
      pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
      const tables = (
        await pool.query<{ name: string }>(
          'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
          [SCHEMA],
        )
      ).rows.map((r) => r.name);
      // Row count and newest row version per table: any committed insert, update or delete moves one of them.
      fingerprintSql = tables
        .map(
          (t) =>
            `SELECT '${t}' AS t, count(*)::text AS n, coalesce(max(xmin::text::bigint), 0)::text AS x FROM "${SCHEMA}"."${t}"`,
        )
        .join(' UNION ALL ');
      return store;
    },
    async fingerprint() {
      const r = await (pool as pg.Pool).query(fingerprintSql);
      return JSON.stringify(r.rows);
    },
    async close() {
      await pool?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
      await pool?.end();
    },
  },
  10_500,
  300,
);
