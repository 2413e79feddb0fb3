/** The role matrix: every route of the route table answers 401 without a key and 403 for each role it does not allow. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, ROUTE_TABLE } from '../../src/api/routes.ts';
import { type Server, sqliteServer } from './helpers.ts';

const pathOf = (url: string) => url.replace(/:[A-Za-z]+/g, 'nope');

describe('role matrix over every /v1 route', () => {
  let s: Server;
  beforeAll(async () => {
    s = await sqliteServer();
  });
  afterAll(async () => s?.close());

  it('the table lists every registered /v1 route and nothing else', () => {
    const routes = s.app.printRoutes({ commonPrefix: false });
    for (const r of ROUTE_TABLE)
      expect(s.app.hasRoute({ method: r.method, url: r.url }), `${r.method} ${r.url}`).toBe(true);
    expect(routes).toContain('v1');
    expect(ROUTE_TABLE.length).toBeGreaterThanOrEqual(35);
  });

  for (const r of ROUTE_TABLE) {
    it(`${r.method} ${r.url}: 401 without a key, 401 with a wrong key, 403 for ${ROLES.filter((x) => !r.roles.includes(x)).join(', ') || 'no role'}`, async () => {
      const body = r.method === 'POST' || r.method === 'PUT' ? {} : undefined;
      let res = await s.call(null, r.method, pathOf(r.url), { body });
      expect(res.status).toBe(401);
      const p = (await res.json()) as { code: string; status: number; type: string };
      expect(p.code).toBe('UNAUTHORIZED');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      res = await fetch(`${s.url}${pathOf(r.url)}`, {
        method: r.method,
        headers: { 'x-api-key': 'mck_wrong' },
      });
      expect(res.status).toBe(401);
      for (const role of ROLES) {
        res = await s.call(role, r.method, pathOf(r.url), { body });
        if (r.roles.includes(role)) {
          expect(res.status, `${role}`).not.toBe(403);
          expect(res.status, `${role}`).toBeLessThan(500);
        } else {
          expect(res.status, `${role}`).toBe(403);
          expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
        }
      }
    });
  }

  it('a revoked key answers 401', async () => {
    let res = await s.call('admin', 'POST', '/v1/keys', { body: { role: 'finance', name: 'temp' } });
    expect(res.status).toBe(201);
    const k = (await res.json()) as { id: string; key: string };
    res = await fetch(`${s.url}/v1/plans`, { headers: { authorization: `Bearer ${k.key}` } });
    expect(res.status).toBe(200);
    res = await s.call('admin', 'DELETE', `/v1/keys/${k.id}`);
    expect(res.status).toBe(200);
    res = await fetch(`${s.url}/v1/plans`, { headers: { authorization: `Bearer ${k.key}` } });
    expect(res.status).toBe(401);
    // the key itself is never stored, only its hash
    const listed = await s.store.listKeys();
    expect(JSON.stringify(listed)).not.toContain(k.key);
  });
});
