/**
 * A whole capacity plan on the demo forecast: 26 weeks of hourly intervals, every site, real-time queues
 * staffed per hour with Erlang, deferred queues with the backlog model, allocation with HiGHS, headcount,
 * cost, mix and the simulation check. Each run is a fresh child process (so peak memory is the plan's own);
 * the table gives the median over runs and the phases of the median run.
 *
 * Usage: node --import tsx bench/plan.ts [--forecast FILE] [--runs 3] [--all-real-time] [--replicate K] [--workers N]
 *   --forecast: a 26-week hourly demo forecast (default: made once with `modcap forecast --horizon 26w`
 *     into bench/results/.cache/ when missing).
 *   --all-real-time: a stress variant in which every queue is real-time (Erlang A with patience), so every
 *     queue × language × hour is an Erlang staffing search.
 *   --replicate K: every forecast series K times, each copy a market of its own (30 series × 8 × 4,368 hours
 *     is about a million Erlang searches with --all-real-time: the issue's "about a million" case).
 *   --workers N: planCapacity's worker threads (default: all cores from 200,000 real-time hours; 0 = none).
 * Target (issue 4): ≤ 10 s for the demo plan on the 2-core machine; peak memory reported.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const here = dirname(new URL(import.meta.url).pathname);
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    forecast: { type: 'string' },
    runs: { type: 'string', default: '3' },
    'all-real-time': { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
    config: { type: 'string' },
    replicate: { type: 'string', default: '1' },
    workers: { type: 'string' },
  },
});
const replicate = Number(values.replicate);
if (!Number.isInteger(replicate) || replicate < 1) throw new Error('--replicate must be a whole number ≥ 1');

if (values.child) {
  // One measured plan, in this process.
  const { readForecast } = await import('../src/forecast/explain/index.ts');
  const { validateCapacityConfig } = await import('../src/capacity/config.ts');
  const { planCapacity } = await import('../src/capacity/plan/plan.ts');
  const { planSummary } = await import('../src/capacity/plan/output.ts');
  const raw = JSON.parse(readFileSync(values.config as string, 'utf8')) as RawConfig & {
    queues: { sla: unknown }[];
  };
  if (values['all-real-time'])
    for (const q of raw.queues)
      q.sla = { kind: 'real-time', level: 0.8, targetSeconds: 60, patienceSeconds: 300 };
  if (replicate > 1) replicateLanguages(raw, replicate);
  const config = validateCapacityConfig(raw, values.config);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  let forecast = readForecast(values.forecast as string);
  const tRead = performance.now() - t0;
  if (replicate > 1) {
    // K copies of every series, each in a language of its own (en, en-rep1, …), staffed like the original;
    // copy k is scaled by 1 − 0.05k, so no two copies have the same loads.
    const rows = forecast.rows.flatMap((r) =>
      Array.from({ length: replicate }, (_, k) => {
        if (k === 0) return r;
        const f = 1 - 0.05 * k;
        return {
          ...r,
          key: { ...r.key, language: `${r.key.language}-rep${k}` },
          point: r.point * f,
          intervals: r.intervals.map((i) => ({ ...i, lower: i.lower * f, upper: i.upper * f })),
        };
      }),
    );
    forecast = { ...forecast, rows };
  }
  const t1 = performance.now();
  const plan = await planCapacity(
    forecast,
    config,
    values.workers === undefined ? {} : { workers: Number(values.workers) },
  );
  const planMs = performance.now() - t1;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const s = planSummary(plan);
  process.stdout.write(
    `${JSON.stringify({
      readMs: tRead,
      planMs,
      peakMiB: peak / 2 ** 20,
      searches: plan.stats.erlangSearches,
      phases: plan.stats.timingsMs,
      status: s.allocation.status,
      gap: s.allocation.gap,
      totalCost: s.totalCost,
      worstSimGap: s.worstSimulationGapPoints,
      series: plan.workload.length,
      weeks: plan.weeks,
    })}\n`,
  );
  process.exit(0);
}

/** The configuration for --replicate: each language K times, with the sites K times as large. */
interface RawConfig {
  languages: string[];
  scenarios?: unknown;
  queues: {
    ahtSecondsByLanguage?: Record<string, number>;
    automationShareByLanguage?: Record<string, number>;
  }[];
  sites: {
    languages: Record<string, number>;
    currentHeadcount?: Record<string, number>;
    maxHeadcount: number;
    surgeMaxFte?: number;
  }[];
}

function replicateLanguages(raw: RawConfig, k: number): void {
  const copies = <T>(rec: Record<string, T> | undefined) => {
    if (!rec) return rec;
    const out: Record<string, T> = {};
    for (const [l, v] of Object.entries(rec)) {
      out[l] = v;
      for (let i = 1; i < k; i++) out[`${l}-rep${i}`] = v;
    }
    return out;
  };
  raw.languages = Object.keys(copies(Object.fromEntries(raw.languages.map((l: string) => [l, 1]))) ?? {});
  delete raw.scenarios;
  for (const q of raw.queues) {
    q.ahtSecondsByLanguage = copies(q.ahtSecondsByLanguage);
    q.automationShareByLanguage = copies(q.automationShareByLanguage);
  }
  for (const s of raw.sites) {
    s.languages = copies(s.languages) ?? {};
    s.currentHeadcount = copies(s.currentHeadcount);
    s.maxHeadcount *= k;
    if (s.surgeMaxFte !== undefined) s.surgeMaxFte *= k;
  }
}

let forecastPath = values.forecast;
if (!forecastPath) {
  const cache = join(root, 'bench/results/.cache');
  forecastPath = join(cache, 'forecast-26w.json');
  if (!existsSync(forecastPath)) {
    mkdirSync(cache, { recursive: true });
    console.error('making the 26-week demo forecast (once) ...');
    execFileSync(
      'node',
      [
        join(root, 'bin/modcap.mjs'),
        'forecast',
        '--input',
        join(root, 'data/demo/volumes.csv'),
        '--events',
        join(root, 'data/demo/events.json'),
        '--horizon',
        '26w',
        '--out',
        cache,
      ],
      { stdio: 'inherit' },
    );
    execFileSync('mv', [join(cache, 'forecast.json'), forecastPath]);
  }
}

interface Run {
  readMs: number;
  planMs: number;
  peakMiB: number;
  searches: number;
  phases: Record<string, number>;
  status: string;
  gap: number;
  totalCost: number;
  worstSimGap: number;
  series: number;
  weeks: number;
}
const runs: Run[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const args = [
    '--import',
    'tsx',
    join(here, 'plan.ts'),
    '--child',
    '--forecast',
    forecastPath,
    '--config',
    values.config ?? join(root, 'data/demo/config.json'),
  ];
  if (values['all-real-time']) args.push('--all-real-time');
  if (replicate > 1) args.push('--replicate', String(replicate));
  if (values.workers !== undefined) args.push('--workers', values.workers);
  const r = spawnSync('node', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`plan run failed: ${r.stderr}`);
  runs.push(JSON.parse(r.stdout.trim().split('\n').pop() as string) as Run);
  console.error(
    `run ${i + 1}: plan ${(runs[i].planMs / 1000).toFixed(2)} s, peak ${runs[i].peakMiB.toFixed(0)} MiB`,
  );
}
const sorted = [...runs].sort((a, b) => a.planMs - b.planMs);
const med = sorted[Math.floor(sorted.length / 2)];
const variant =
  (values['all-real-time'] ? 'all queues real-time (stress)' : 'demo configuration') +
  (replicate > 1 ? `, every series ×${replicate}` : '') +
  (values.workers !== undefined ? `, workers ${values.workers}` : '');
const lines = [
  `## Whole plan: ${variant}`,
  '',
  `${med.series} queue × language series, ${med.weeks} weeks of hourly intervals, ${runs.length} runs (fresh process each).`,
  '',
  '| measure | median | min | max |',
  '| --- | --- | --- | --- |',
  `| plan time (s), forecast already read | ${(med.planMs / 1000).toFixed(2)} | ${(sorted[0].planMs / 1000).toFixed(2)} | ${(sorted[sorted.length - 1].planMs / 1000).toFixed(2)} |`,
  `| reading the forecast JSON (s) | ${(med.readMs / 1000).toFixed(2)} | | |`,
  `| peak RSS (MiB) | ${med.peakMiB.toFixed(0)} | ${Math.min(...runs.map((r) => r.peakMiB)).toFixed(0)} | ${Math.max(...runs.map((r) => r.peakMiB)).toFixed(0)} |`,
  `| Erlang staffing searches | ${med.searches} | | |`,
  `| allocation status, gap to LP bound | ${med.status}, ${(med.gap * 100).toFixed(3)} % | | |`,
  `| worst simulation gap (points) | ${med.worstSimGap.toFixed(2)} | | |`,
  '',
  `Phases of the median run (ms): ${Object.entries(med.phases)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.`,
  '',
];
const name = `${values['all-real-time'] ? 'plan-stress' : 'plan'}${replicate > 1 ? `-x${replicate}` : ''}${
  values.workers !== undefined ? `-w${values.workers}` : ''
}.md`;
writeFileSync(join(root, 'bench/results', name), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
