/** Error answers: row-level upload errors with nothing stored, If-Match conflicts, problem+json shape, no internals. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import { demoConfig, type Server, sqliteServer, startServer } from './helpers.ts';

const CSV = { 'content-type': 'text/csv' };

function expectProblem(p: Record<string, unknown>, status: number, code: string) {
  expect(p.status).toBe(status);
  expect(p.code).toBe(code);
  expect(typeof p.type).toBe('string');
  expect(typeof p.title).toBe('string');
  expect(typeof p.detail).toBe('string');
  expect(JSON.stringify(p)).not.toMatch(/\n\s+at |node_modules|\/work\//);
}

describe('error answers', () => {
  let s: Server;
  beforeAll(async () => {
    s = await sqliteServer({ uploadLimitBytes: 64 * 1024, bodyLimitBytes: 256 * 1024 });
  });
  afterAll(async () => s?.close());

  it('a bad upload is a 400 with every row error, and nothing is stored', async () => {
    const body = [
      'timestamp,queue,language,volume',
      '2025-03-01T00:00:00Z,reviews,ja,4',
      '2025-03-01T01:00:00Z,reviews,ja,-3',
      'not-a-time,reviews,ja,5',
      '2025-03-01T03:00:00Z,reviews,ja,7',
      '2025-03-01T03:00:00Z,reviews,ja,8',
    ].join('\n');
    const r = await s.call('planner', 'POST', '/v1/datasets?name=bad', { body, headers: CSV });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    const p = (await r.json()) as Record<string, unknown> & {
      errors: { line: number; column?: string; value?: unknown; reason: string; file: string }[];
    };
    expectProblem(p, 400, p.code as string);
    const lines = p.errors.map((e) => e.line);
    expect(lines).toContain(3);
    expect(lines).toContain(4);
    const neg = p.errors.find((e) => e.line === 3);
    expect(neg?.column).toBe('volume');
    expect(neg?.value).toBe('-3');
    expect(neg?.file).toBe('upload.csv');
    expect(neg?.reason.length).toBeGreaterThan(0);
    expect(await s.store.listDatasets()).toEqual([]);
  });

  it('a duplicate period and a JSON-lines upload error name their lines too', async () => {
    const dup =
      'timestamp,queue,language,volume\n2025-03-01,reviews,ja,4\n2025-03-02,reviews,ja,4\n2025-03-02,reviews,ja,5\n';
    let r = await s.call('planner', 'POST', '/v1/datasets?name=dup', { body: dup, headers: CSV });
    expect(r.status).toBe(400);
    let p = (await r.json()) as { code: string; errors: { line: number; code: string }[] };
    expect(p.code).toBe('INPUT_DUPLICATE_KEY');
    expect(p.errors[0].line).toBe(4);
    const jsonl =
      '{"timestamp":"2025-03-01","queue":"a","language":"en","volume":1}\n{"timestamp":"2025-03-02","queue":"a"\n';
    r = await s.call('planner', 'POST', '/v1/datasets?name=j', {
      body: jsonl,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(r.status).toBe(400);
    p = (await r.json()) as { code: string; errors: { line: number; code: string }[] };
    expect(p.code).toBe('INPUT_PARSE');
    expect(p.errors[0].line).toBe(2);
    expect(await s.store.listDatasets()).toEqual([]);
  });

  it('uploads past the limit are 413 and wrong media types 415', async () => {
    const big = `timestamp,queue,language,volume\n${'2025-03-01T00:00:00Z,reviews,ja,4\n'.repeat(3000)}`;
    let r = await s.call('planner', 'POST', '/v1/datasets?name=big', { body: big, headers: CSV });
    expect(r.status).toBe(413);
    expectProblem((await r.json()) as Record<string, unknown>, 413, 'PAYLOAD_TOO_LARGE');
    r = await s.call('planner', 'POST', '/v1/datasets?name=x', {
      body: 'a',
      headers: { 'content-type': 'text/plain' },
    });
    expect(r.status).toBe(415);
    r = await s.call('planner', 'POST', '/v1/configs', {
      body: { name: 'x', config: { pad: 'x'.repeat(300_000) } },
    });
    expect(r.status).toBe(413);
    expect(await s.store.listDatasets()).toEqual([]);
  });

  it('body validation names the field', async () => {
    const r = await s.call('planner', 'POST', '/v1/forecasts', {
      body: { datasetId: 'x', horizon: '2w', levels: [150] },
    });
    expect(r.status).toBe(400);
    const p = (await r.json()) as Record<string, unknown> & { errors: { field: string }[] };
    expectProblem(p, 400, 'INPUT_INVALID');
    expect(p.field).toBe('body.levels[0]');
    const bad = await s.call('planner', 'POST', '/v1/forecasts', {
      body: '{"datasetId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expectProblem((await bad.json()) as Record<string, unknown>, 400, 'INPUT_PARSE');
  });

  it('an invalid configuration is a 400 listing each field, and is not stored', async () => {
    const config = demoConfig(['reviews'], ['en'], ['dublin']) as { sites: { shrinkage: number }[] };
    config.sites[0].shrinkage = 7;
    const r = await s.call('planner', 'POST', '/v1/configs', { body: { name: 'bad', config } });
    expect(r.status).toBe(400);
    const p = (await r.json()) as { code: string; errors: { field: string; reason: string }[] };
    expect(p.code).toBe('INPUT_INVALID');
    expect(p.errors.map((e) => e.field)).toContain('sites[0].shrinkage');
    expect(await s.store.listDocuments('config')).toEqual([]);
  });

  it('If-Match: a stale version is a 409, a missing one a 428, the right one writes the next version', async () => {
    const config = demoConfig(['reviews'], ['en'], ['dublin']);
    let r = await s.call('planner', 'POST', '/v1/configs', { body: { name: 'c', config } });
    expect(r.status).toBe(201);
    const id = ((await r.json()) as { id: string }).id;
    r = await s.call('planner', 'PUT', `/v1/configs/${id}`, {
      body: { config },
      headers: { 'if-match': '"1"' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe('"2"');
    r = await s.call('planner', 'PUT', `/v1/configs/${id}`, {
      body: { config },
      headers: { 'if-match': '"1"' },
    });
    expect(r.status).toBe(409);
    const p = (await r.json()) as Record<string, unknown>;
    expectProblem(p, 409, 'STORE_CONFLICT');
    expect(p.reason).toBe('version');
    r = await s.call('planner', 'PUT', `/v1/configs/${id}`, { body: { config } });
    expect(r.status).toBe(428);
    r = await s.call('analyst', 'GET', `/v1/configs/${id}/versions`);
    expect(((await r.json()) as { versions: { version: number }[] }).versions.map((v) => v.version)).toEqual([
      1, 2,
    ]);
    r = await s.call('analyst', 'GET', `/v1/configs/${id}?version=1`);
    expect(r.headers.get('etag')).toBe('"1"');
  });

  it('unknown ids and routes are 404 problems; unknown scenarios and currencies 400', async () => {
    let r = await s.call('finance', 'GET', '/v1/plans/nope/costs');
    expectProblem((await r.json()) as Record<string, unknown>, 404, 'NOT_FOUND');
    r = await s.call('finance', 'GET', '/v1/nothing-here');
    expect(r.status).toBe(404);
    r = await s.call('planner', 'POST', '/v1/forecasts', { body: { datasetId: 'nope', horizon: '2w' } });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { field: string }).field).toBe('body.datasetId');
  });

  it('serves the OpenAPI document and the interactive page', async () => {
    let r = await fetch(`${s.url}/openapi.json`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { description?: string }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/v1/plans/{id}/costs');
    expect(doc.paths['/v1/plans/{id}/costs'].get.description).toContain('Roles: planner, analyst, finance');
    r = await fetch(`${s.url}/docs/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('swagger');
    r = await fetch(`${s.url}/docs/static/swagger-ui.css`);
    expect(r.status).toBe(200); // served from the package: works offline
    expect((await r.text()).length).toBeGreaterThan(1000);
  });
});

describe('failures inside the server', () => {
  it('a store failure is a 500 problem without message, path or stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-api-'));
    const real = await openSqliteStore({ dataDir: dir });
    const broken: Store = Object.create(real, {
      listDatasets: {
        value: async () => {
          throw new Error('disk on fire at /var/lib/secret/modcap.sqlite');
        },
      },
    });
    const s = await startServer(broken, {}, () => rmSync(dir, { recursive: true, force: true }));
    try {
      const r = await s.call('planner', 'GET', '/v1/datasets');
      expect(r.status).toBe(500);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      const text = await r.text();
      expect(text).not.toContain('disk on fire');
      expect(text).not.toContain('/var/lib');
      expect(text).not.toMatch(/\bat \S+ \(/);
      const p = JSON.parse(text);
      expectProblem(p, 500, 'INTERNAL');
      expect(p.reference).toBeTruthy();
    } finally {
      await s.close();
    }
  });

  it('rate limiting answers 429 problem+json per key', async () => {
    const s = await sqliteServer({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await s.call('finance', 'GET', '/v1/plans')).status);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const r = await s.call('finance', 'GET', '/v1/plans');
      expectProblem((await r.json()) as Record<string, unknown>, 429, 'RATE_LIMITED');
      // another key has its own budget
      expect((await s.call('planner', 'GET', '/v1/plans')).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('a job that fails is marked failed with a clear error', async () => {
    const s = await sqliteServer();
    try {
      let r = await s.call('planner', 'POST', '/v1/datasets?name=tiny', {
        body: 'timestamp,queue,language,volume\n2025-03-01,reviews,ja,4\n2025-03-02,reviews,ja,5\n',
        headers: CSV,
      });
      const id = ((await r.json()) as { id: string }).id;
      r = await s.call('planner', 'POST', '/v1/forecasts', { body: { datasetId: id, horizon: '5h' } });
      expect(r.status).toBe(202);
      const job = (await r.json()) as { jobId: string };
      const { pollJob } = await import('./helpers.ts');
      const done = await pollJob(s, 'planner', job.jobId);
      expect(done.status).toBe('failed');
      expect(String(done.error)).toMatch(/^BAD_ARGUMENT: /);
    } finally {
      await s.close();
    }
  });
});
