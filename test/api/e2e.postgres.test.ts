/**
 * The end-to-end flows against PostgreSQL. REQUIRED: fails (never skips) when the server is down.
 * Server: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a fresh schema, dropped after.
 */

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { walkFlows } from './flow.ts';
import {
  TEST_DATABASE_URL as DATABASE_URL,
  openRequiredPostgres,
  type Server,
  startServer,
} from './helpers.ts';

const SCHEMA = `modcap_api_test_${randomBytes(4).toString('hex')}`;

async function dropSchema(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  } finally {
    await pool.end();
  }
}

describe('API end to end, PostgreSQL store, real server on loopback', () => {
  let s: Server;
  beforeAll(async () => {
    const store = await openRequiredPostgres(SCHEMA, 'test/api/e2e.postgres.test.ts');
    s = await startServer(store, {}, dropSchema);
  });
  afterAll(async () => s?.close());

  it('walks the planner, analyst and finance flows over HTTP', async () => {
    await walkFlows(s);
  });
});
