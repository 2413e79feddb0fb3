/**
 * Load on the HTTP API (issue 5): `autocannon` against the real server (`modcap serve`, its own child
 * process) on loopback, for the finance cost query (`GET /v1/plans/{id}/costs?groupBy=site,month&currency=EUR`)
 * and for reading a plan (`GET /v1/plans/{id}`), with the embedded store and with PostgreSQL. The plan is
 * made through the API first: 6 weeks of demo history (reviews, comments × en, de), a 4-week seasonal-naive
 * forecast, the demo configuration cut to dublin + manila, two scenarios (base, automation-plus-10), a real
 * `planCapacity` in the server's job runner. Each measurement: `--connections` keep-alive connections for
 * `--duration` seconds after a 3 s warm-up, `--runs` times; the table gives medians of req/s, p50 and p99,
 * and the 1-minute load average before each run (the machine is shared; re-run when it was high).
 *
 * Usage: node --import tsx bench/api-load.ts [--runs 3] [--duration 10] [--connections 32]
 *          [--stores sqlite,postgres] [--out bench/results/api-load.md]
 *   PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), a fresh schema, dropped after.
 * Target: ≥ 3,000 cost queries/s at p99 ≤ 50 ms on the 2-core machine.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { newApiKey } from '../src/api/auth.ts';
import { apiKeyHash, openStore } from '../src/store/index.ts';
import { type Child, repoPath, startChild, stopChild } from '../test/api/fixtures/children.ts';
import { fetchCall, queuePlan, seedForecast, waitJob } from '../test/api/fixtures/seed.ts';

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    out: { type: 'string', default: 'bench/results/api-load.md' },
  },
});
const RUNS = Number(values.runs);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Row {
  store: string;
  query: string;
  runs: { rps: number; p50: number; p99: number; load: number }[];
}

async function measure(store: 'sqlite' | 'postgres'): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'modcap-load-'));
  const schema = `modcap_load_${process.pid}`;
  const env: Record<string, string> = store === 'postgres' ? { DATABASE_URL } : { DATABASE_URL: '' };
  const s = await openStore(
    store === 'postgres' ? { databaseUrl: DATABASE_URL, schema } : { dataDir: dir },
    env,
  );
  const keys = { planner: newApiKey(), finance: newApiKey() };
  await s.createKey({ role: 'planner', name: 'bench', hash: apiKeyHash(keys.planner) });
  await s.createKey({ role: 'finance', name: 'bench', hash: apiKeyHash(keys.finance) });
  await s.close();

  let server: Child | undefined;
  try {
    server = startChild(
      repoPath('bin/modcap.mjs'),
      [
        'serve',
        '--port',
        '0',
        '--rate-limit',
        '0',
        '--data-dir',
        dir,
        ...(store === 'postgres' ? ['--schema', schema] : []),
      ],
      env,
    );
    const url = await server.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 60_000);
    const call = fetchCall(url, keys.planner);
    const seeded = await seedForecast(call);
    const plan = await queuePlan(call, seeded);
    const done = await waitJob(call, plan.jobId, 300_000);
    if (done.status !== 'succeeded') throw new Error(`plan job: ${JSON.stringify(done)}`);
    const costs = await fetchCall(url, keys.finance)(
      'GET',
      `/v1/plans/${plan.planId}/costs?groupBy=site,month&currency=EUR`,
    );
    if (costs.status !== 200) throw new Error(`cost query: ${costs.status} ${JSON.stringify(costs.body)}`);
    console.error(`${store}: plan ${plan.planId} with ${JSON.stringify(costs.body).length} bytes of costs`);

    const queries = [
      { query: 'costs', path: `/v1/plans/${plan.planId}/costs?groupBy=site,month&currency=EUR` },
      { query: 'plan', path: `/v1/plans/${plan.planId}` },
    ];
    const rows: Row[] = [];
    for (const q of queries) {
      const opts = {
        url: `${url}${q.path}`,
        connections: CONNECTIONS,
        headers: { authorization: `Bearer ${keys.finance}` },
      };
      await autocannon({ ...opts, duration: 3 }); // warm-up
      const row: Row = { store, query: q.query, runs: [] };
      for (let i = 0; i < RUNS; i++) {
        const load = loadavg()[0];
        const r = await autocannon({ ...opts, duration: DURATION });
        if (r.non2xx || r.errors || r.timeouts)
          throw new Error(
            `${store} ${q.query}: ${r.non2xx} non-2xx (by status: ${JSON.stringify((r as { statusCodeStats?: unknown }).statusCodeStats)}), ${r.errors} errors, ${r.timeouts} timeouts`,
          );
        row.runs.push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, load });
        console.error(
          `${store} ${q.query} run ${i + 1}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (load ${load.toFixed(2)})`,
        );
      }
      rows.push(row);
    }
    return rows;
  } finally {
    if (server) await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
    if (store === 'postgres') {
      const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`);
      await pool.end();
    }
  }
}

const all: Row[] = [];
for (const st of String(values.stores).split(',') as ('sqlite' | 'postgres')[])
  all.push(...(await measure(st)));

const name = { costs: 'cost query (site × month, EUR)', plan: 'read a plan' } as Record<string, string>;
const lines = [
  '# API load (autocannon, real server on loopback)',
  '',
  `Command: \`node --import tsx bench/api-load.ts --runs ${RUNS} --duration ${DURATION} --connections ${CONNECTIONS}\``,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; the server is one \`modcap serve\` ` +
    'process, autocannon runs in the bench process on the same machine. Medians over the runs; load = 1-minute ' +
    'load average before each run (the machine is shared with other work).',
  '',
  '| store | request | req/s | p50 ms | p99 ms | runs (req/s) | load avg |',
  '|---|---|---:|---:|---:|---|---|',
  ...all.map(
    (r) =>
      `| ${r.store} | ${name[r.query]} | ${Math.round(median(r.runs.map((x) => x.rps)))} | ${median(r.runs.map((x) => x.p50))} | ` +
      `${median(r.runs.map((x) => x.p99))} | ${r.runs.map((x) => Math.round(x.rps)).join(', ')} | ${r.runs.map((x) => x.load.toFixed(2)).join(', ')} |`,
  ),
  '',
  'Target: ≥ 3,000 cost queries/s at p99 ≤ 50 ms. ' +
    all
      .filter((r) => r.query === 'costs')
      .map((r) => {
        const rps = median(r.runs.map((x) => x.rps));
        const p99 = median(r.runs.map((x) => x.p99));
        return `${r.store}: ${Math.round(rps)} req/s at p99 ${p99} ms — ${rps >= 3000 && p99 <= 50 ? 'met' : 'NOT met'}`;
      })
      .join('; ') +
    '.',
  '',
];
writeFileSync(values.out as string, lines.join('\n'));
console.log(lines.join('\n'));
