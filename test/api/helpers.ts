/** Helpers of the API tests: a real server on loopback over a real store, keys per role, demo data slices. */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildAppOptions, buildApp } from '../../src/api/app.ts';
import { newApiKey } from '../../src/api/auth.ts';
import type { App } from '../../src/api/context.ts';
import { apiKeyHash } from '../../src/store/common.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Role, Store } from '../../src/store/types.ts';

/** A running server. */
export interface Server {
  readonly app: App;
  readonly url: string;
  readonly store: Store;
  readonly keys: Record<Role, string>;
  /** fetch against the server with a role's key (or none). */
  call(
    role: Role | null,
    method: string,
    path: string,
    init?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** Creates one key per role directly in the store (as `modcap keys create` does). */
export async function makeKeys(store: Store): Promise<Record<Role, string>> {
  const keys = {} as Record<Role, string>;
  for (const role of ['planner', 'analyst', 'finance', 'admin'] as Role[]) {
    keys[role] = newApiKey();
    await store.createKey({ role, name: `${role} test key`, hash: apiKeyHash(keys[role]) });
  }
  return keys;
}

/** Starts the API on 127.0.0.1 with an ephemeral port. `cleanup` runs after the app and store are closed. */
export async function startServer(
  store: Store,
  options: Partial<BuildAppOptions> = {},
  cleanup?: () => void | Promise<void>,
): Promise<Server> {
  const app = await buildApp({ store, runner: { forecastWorkers: 1, pollMs: 100 }, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${addr.port}`;
  const keys = await makeKeys(store);
  return {
    app,
    url,
    store,
    keys,
    call(role, method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (role) headers.authorization = `Bearer ${keys[role]}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        if (typeof init.body === 'string') body = init.body;
        else {
          body = JSON.stringify(init.body);
          headers['content-type'] ??= 'application/json';
        }
      }
      return fetch(`${url}${path}`, { method, headers, body });
    },
    async close() {
      // A connection still sending a response (a client that did not read a large body) would hold
      // app.close() open; as `modcap serve` does on a signal, such connections are cut after a grace period.
      const force = setTimeout(() => app.server.closeAllConnections(), 3_000);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
      await store.close();
      await cleanup?.();
    },
  };
}

/** A server over a fresh SQLite store in a temporary directory (removed on close). */
export async function sqliteServer(options: Partial<BuildAppOptions> = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'modcap-api-'));
  const store = await openSqliteStore({ dataDir: dir });
  return startServer(store, options, () => rmSync(dir, { recursive: true, force: true }));
}

const DEMO = new URL('../../data/demo/', import.meta.url);

/**
 * A slice of data/demo/volumes.csv: the given queues × languages, hours in [fromIso, toIso). Keeps the file's
 * columns (timestamp,queue,language,market,timezone,volume).
 */
export function demoSlice(queues: string[], languages: string[], fromIso: string, toIso: string): string {
  const text = readFileSync(new URL('volumes.csv', DEMO), 'utf8');
  const lines = text.split('\n');
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  const out = [lines[0]];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    const c1 = l.indexOf(',');
    const c2 = l.indexOf(',', c1 + 1);
    const c3 = l.indexOf(',', c2 + 1);
    if (!queues.includes(l.slice(c1 + 1, c2)) || !languages.includes(l.slice(c2 + 1, c3))) continue;
    const t = Date.parse(l.slice(0, c1));
    if (t >= from && t < to) out.push(l);
  }
  return `${out.join('\n')}\n`;
}

/** data/demo/config.json cut down to the given queues, languages and sites (language maps pruned). */
export { demoConfigFor as demoConfig } from './fixtures/seed.ts';

/** The demo events file (all events). */
export function demoEvents(): unknown[] {
  return JSON.parse(readFileSync(new URL('events.json', DEMO), 'utf8'));
}

/** Polls a job until it is done (succeeded or failed). */
export async function pollJob(
  s: Server,
  role: Role,
  jobId: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  const seen: number[] = [];
  for (;;) {
    const r = await s.call(role, 'GET', `/v1/jobs/${jobId}`);
    const j = (await r.json()) as Record<string, unknown>;
    seen.push(j.progress as number);
    if (j.status === 'succeeded' || j.status === 'failed') return { ...j, progressSeen: seen };
    if (Date.now() > until) throw new Error(`job ${jobId} still ${j.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The PostgreSQL server the required PostgreSQL tests use (`DATABASE_URL`, default the local `test` database). */
export const TEST_DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Opens the PostgreSQL store on a schema of its own for test file `file`; when the server cannot be reached the
 * error says that the file requires it and how to start it (these tests fail, never skip).
 */
export async function openRequiredPostgres(schema: string, file: string): Promise<Store> {
  try {
    return await openPostgresStore({ databaseUrl: TEST_DATABASE_URL, schema, maxConnections: 4 });
  } catch (e) {
    throw new Error(
      `PostgreSQL is required for ${file} but is not reachable at ${TEST_DATABASE_URL} ` +
        `(${(e as Error).message}). Start the server (e.g. \`service postgresql start\`) or set DATABASE_URL.`,
    );
  }
}
