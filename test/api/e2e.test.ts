import { afterAll, beforeAll, describe, it } from 'vitest';
import { walkFlows } from './flow.ts';
import { type Server, sqliteServer } from './helpers.ts';

describe('API end to end, embedded SQLite store, real server on loopback', () => {
  let s: Server;
  beforeAll(async () => {
    s = await sqliteServer();
  });
  afterAll(async () => s?.close());

  it('walks the planner, analyst and finance flows over HTTP', async () => {
    await walkFlows(s);
  });
});
