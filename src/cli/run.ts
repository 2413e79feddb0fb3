import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseUpload } from '../api/data.ts';
import { requirementRows } from '../api/work.ts';
import { loadCapacityConfig } from '../capacity/config.ts';
import { planFiles, planJson, planSummary } from '../capacity/plan/output.ts';
import { type CapacityPlan, planCapacity } from '../capacity/plan/plan.ts';
import { ModcapError } from '../errors.ts';
import { pooledZeroRuns } from '../forecast/anomalies/index.ts';
import type { Anomaly } from '../forecast/anomalies/types.ts';
import { loadEvents } from '../forecast/events/index.ts';
import { parseForecast } from '../forecast/explain/index.ts';
import { durationToSteps, formatFromPath, parseDuration } from '../forecast/io/index.ts';
import { forecastCsv, forecastJson, provenance } from '../forecast/output.ts';
import type { SeriesForecast } from '../forecast/pipeline.ts';
import { forecastMany } from '../forecast/runner.ts';
import { writePlanReport } from '../report/index.ts';
import { openStore } from '../store/index.ts';
import { anomaliesCsv } from './anomalies.ts';
import { parseOptions } from './args.ts';
import { parsePreset } from './forecast.ts';
import { scenarioConfigs, writeAll } from './plan.ts';
import { progressPrinter } from './progress.ts';

/** Usage of `modcap run`. */
export const RUN_USAGE = `modcap run --input FILE --config FILE [--events FILE] [--out DIR] [--horizon 26w]
           [--scenario NAME[,NAME...]|all] [--tz ZONE] [--preset fast|full] [--workers N]
           [--data-dir DIR] [--no-store]
  The whole path on your own files: read the history, find its anomalies, forecast every series with its
  events, plan capacity for the configuration's sites (every scenario by default), cost it, and write the
  HTML report (out/report.html), the PNG / SVG / Vega-Lite charts (out/charts/), and the CSV / JSON results
  (forecast, anomalies, plan) to --out (default out/). The dataset, forecast and plan are also saved in the
  store (the embedded one in --data-dir / MODCAP_DATA_DIR / ./.modcap-data, or PostgreSQL with DATABASE_URL)
  so that \`modcap serve\` can serve them; --no-store skips that.`;

/** Options of {@link runMainJob}. */
export interface RunOptions {
  readonly input: string;
  readonly config: string;
  readonly events?: string;
  readonly out: string;
  readonly horizon?: string;
  readonly scenarios?: string;
  readonly timeZone?: string;
  readonly preset?: 'fast' | 'full';
  readonly workers?: number;
  readonly dataDir?: string;
  readonly store?: boolean;
}

/** What {@link runMainJob} wrote and how long each step took. */
export interface RunResult {
  readonly report: string;
  readonly files: readonly string[];
  readonly plans: readonly CapacityPlan[];
  readonly stored?: { datasetId: string; forecastId: string; planId: string };
  readonly secondsByStep: Record<string, number>;
}

/**
 * The main job: history → anomalies → forecast with events → capacity plan per scenario → cost → report. All
 * inputs are validated before any work starts; the output files are written together at the end.
 * @throws ModcapError for bad input (file, line, field, value, reason), before anything is written
 */
export async function runMainJob(
  o: RunOptions,
  log: (line: string) => void = console.error,
): Promise<RunResult> {
  const t0 = performance.now();
  const seconds: Record<string, number> = {};
  let lap = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    seconds[name] = (now - lap) / 1000;
    lap = now;
    log(
      `modcap run: ${name} done in ${seconds[name].toFixed(1)} s (${((now - t0) / 1000).toFixed(1)} s in all)`,
    );
  };

  // 1. Every input, validated before any work.
  const horizon = o.horizon ?? '26w';
  const duration = parseDuration(horizon);
  const config = loadCapacityConfig(o.config);
  const configs = scenarioConfigs(config, o.scenarios ?? 'all');
  const events = o.events ? await loadEvents(o.events) : [];
  const upload = await parseUpload(createReadStream(o.input), {
    file: o.input,
    format: formatFromPath(o.input) ?? 'csv',
    timeZone: o.timeZone ?? 'UTC',
  });
  const series = upload.series;
  log(
    `modcap run: read ${series.length} series (${upload.rows.length.toLocaleString('en-US')} rows) from ${o.input}`,
  );
  step('read');

  // 2–3. Anomalies in history (batch detector; a known launch is labelled with its event) and the forecast of
  // every series with its events, history cleaned of those anomalies before fitting: one pass per series, on
  // worker threads.
  const results: SeriesForecast[] = [];
  const failures = [];
  const groups = new Map<number, typeof series>();
  for (const s of series) {
    const h = durationToSteps(duration, s.freq);
    groups.set(h, [...(groups.get(h) ?? []), s]);
  }
  for (const [h, group] of groups) {
    const run = await forecastMany(
      group,
      { horizon: h, levels: [80, 95], preset: o.preset, events, reportAnomalies: true },
      { workers: o.workers, onProgress: progressPrinter('forecast') },
    );
    results.push(...run.results);
    failures.push(...run.failures);
  }
  for (const f of failures) log(`  series ${f.id} failed: ${f.code} ${f.message}`);
  // Outages shared by quiet series show only when their zero runs are tested together.
  const anomalies: Anomaly[] = [
    ...results.flatMap((r) => [...(r.anomalies ?? [])]),
    ...pooledZeroRuns(results.map((r) => r.zeroPool)),
  ].sort((a, b) => (a.seriesId < b.seriesId ? -1 : a.seriesId > b.seriesId ? 1 : a.start - b.start));
  log(`modcap run: ${anomalies.length} anomalies in history`);
  if (results.length === 0) throw new ModcapError('MODEL_FIT', 'no series could be forecast');
  const inputs = [o.input, o.config, ...(o.events ? [o.events] : [])];
  const meta = await provenance(inputs, {
    command: 'run',
    horizon,
    scenarios: configs.map((c) => c.appliedScenario),
  });
  const forecastDoc = forecastJson(results, meta, failures);
  const forecastText = JSON.stringify(forecastDoc);
  step('forecast');

  // 4. Capacity plan per scenario, with costs, mix and the simulation check.
  const stored = parseForecast(forecastText, 'forecast.json');
  const plans: CapacityPlan[] = [];
  for (const c of configs) {
    const plan = await planCapacity(stored, c);
    plans.push(plan);
    const s = planSummary(plan);
    log(
      `modcap run: plan ${s.scenario}: cost ${Math.round(s.totalCost).toLocaleString('en-US')} ${s.currency}, ${s.hires} hires, ` +
        `${Math.round(s.shortfallHours)} h short, worst simulation gap ${s.worstSimulationGapPoints.toFixed(2)} points`,
    );
  }
  step('plan');

  // 5. Files: results first (all or none), then the report and its charts.
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const planDoc = planJson(plans, meta);
  const files: Record<string, string> = {
    'forecast.json': forecastText,
    'forecast.csv': forecastCsv(results),
    'anomalies.csv': anomaliesCsv(anomalies),
    ...planFiles(plans, meta, planDoc),
  };
  writeAll(out, files);
  const report = await writePlanReport({
    plans,
    forecasts: results,
    outDir: out,
    history: series.map((s) => ({ id: s.id, timestamps: s.timestamps, values: s.values })),
    events,
    anomalies,
    provenance: meta,
    onProgress: (m) => log(`  report: ${m}`),
  });
  step('report');

  // 6. The store, so the API can serve the same results.
  let storedIds: RunResult['stored'];
  if (o.store !== false) {
    const store = await openStore({ dataDir: o.dataDir });
    try {
      const dataset = await store.createDataset({
        name: o.input,
        keyColumns: upload.keyColumns,
        timeZone: o.timeZone ?? 'UTC',
        rows: upload.rows,
      });
      const configDoc = await store.createDocument('config', { name: o.config, doc: config });
      const forecast = await store.saveForecast({
        datasetId: dataset.id,
        datasetVersion: dataset.version,
        params: { horizon, levels: [80, 95], preset: o.preset ?? 'fast', command: 'run' },
        doc: forecastDoc as never,
      });
      const plan = await store.savePlan({
        forecastId: forecast.id,
        configId: configDoc.id,
        configVersion: configDoc.version,
        scenarios: plans.map((p) => p.scenario),
        reportingCurrency: config.reportingCurrency,
        provenance: meta,
        doc: planDoc,
        costs: plans.flatMap((p) => p.costs),
        requirements: requirementRows(plans),
      });
      storedIds = { datasetId: dataset.id, forecastId: forecast.id, planId: plan.id };
      log(`modcap run: stored dataset ${dataset.id}, forecast ${forecast.id}, plan ${plan.id}`);
    } finally {
      await store.close();
    }
    step('store');
  }
  writeFileSync(
    join(out, 'run.json'),
    `${JSON.stringify({ provenance: meta, secondsByStep: seconds, stored: storedIds }, null, 1)}\n`,
  );
  return {
    report: report.html,
    files: [...Object.keys(files).map((f) => join(out, f)), ...report.files],
    plans,
    stored: storedIds,
    secondsByStep: seconds,
  };
}

/**
 * `modcap run ...`: {@link runMainJob} from the command line; prints progress and, at the end, the report's path.
 * @example await runCommand(['--input', 'volumes.csv', '--config', 'config.json', '--out', 'out']) // => 0
 */
export async function runCommand(argv: string[]): Promise<number> {
  const values = parseOptions(
    argv,
    {
      input: { type: 'string' },
      config: { type: 'string' },
      events: { type: 'string' },
      out: { type: 'string', default: 'out' },
      horizon: { type: 'string' },
      scenario: { type: 'string' },
      tz: { type: 'string' },
      preset: { type: 'string' },
      workers: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-store': { type: 'boolean', default: false },
    },
    RUN_USAGE,
  );
  const str = (k: string) => values[k] as string | undefined;
  if (!str('input')) throw new ModcapError('BAD_ARGUMENT', `--input FILE is required\n\n${RUN_USAGE}`);
  if (!str('config')) throw new ModcapError('BAD_ARGUMENT', `--config FILE is required\n\n${RUN_USAGE}`);
  const workers = str('workers');
  if (workers !== undefined && !/^\d+$/.test(workers))
    throw new ModcapError('BAD_ARGUMENT', `--workers: "${workers}" is not a whole number`, {
      value: workers,
    });
  const t0 = performance.now();
  const r = await runMainJob({
    input: str('input') as string,
    config: str('config') as string,
    events: str('events'),
    out: str('out') as string,
    horizon: str('horizon'),
    scenarios: str('scenario'),
    timeZone: str('tz'),
    preset: parsePreset(str('preset')),
    workers: workers === undefined ? undefined : Number(workers),
    dataDir: str('data-dir'),
    store: !values['no-store'],
  });
  console.error(`modcap run: finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(r.report);
  return 0;
}
