/**
 * What a forecast job and a plan job do, for any runner (the in-process runner of `jobs.ts` now, a pg-boss
 * worker later): read the stored inputs, call the library (`forecastMany`, `planCapacity`), store the result
 * in one transaction under the id chosen when the job was queued (so a retried job never stores twice), and
 * report progress. No maths here.
 */

import { z } from 'zod';
import { applyScenario, type CapacityConfig } from '../capacity/config.ts';
import { planJson } from '../capacity/plan/output.ts';
import type { CapacityPlan } from '../capacity/plan/plan.ts';
import type { VolumeBasis } from '../capacity/workload.ts';
import { ModcapError } from '../errors.ts';
import { CANDIDATE_FAMILIES, PRESETS } from '../forecast/candidates.ts';
import type { EventSpec } from '../forecast/events/schema.ts';
import { durationToSteps, parseDuration } from '../forecast/io/index.ts';
import { forecastJson } from '../forecast/output.ts';
import type { SeriesForecast } from '../forecast/pipeline.ts';
import { forecastMany, type SeriesFailure } from '../forecast/runner.ts';
import { TaskPool } from '../parallel/pool.ts';
import { isStoreConflict } from '../store/errors.ts';
import type { ForecastDocument, Job, PlanRequirementRow, Store } from '../store/types.ts';
import {
  datasetSeries,
  loadStoredConfig,
  loadStoredEvents,
  loadStoredForecast,
  sha256Json,
  storedProvenance,
} from './data.ts';

/** Parameters of a forecast job (as stored in the job record). */
export const ForecastJobParams = z.object({
  forecastId: z.string(),
  datasetId: z.string(),
  datasetVersion: z.number().int(),
  horizon: z.string(),
  levels: z.array(z.number()),
  eventsId: z.string().optional(),
  eventsVersion: z.number().int().optional(),
  preset: z.enum(PRESETS).optional(),
  models: z.array(z.enum(CANDIDATE_FAMILIES)).optional(),
  clean: z.boolean().optional(),
});
export type ForecastJobParams = z.infer<typeof ForecastJobParams>;

/** Parameters of a plan job. */
export const PlanJobParams = z.object({
  planId: z.string(),
  forecastId: z.string(),
  configId: z.string(),
  configVersion: z.number().int(),
  scenarios: z.array(z.string()).min(1),
  basis: z.string().optional(),
  weeks: z.number().int().optional(),
  qualityWeight: z.number().optional(),
  seed: z.number().int().optional(),
  simulate: z.boolean().optional(),
});
export type PlanJobParams = z.infer<typeof PlanJobParams>;

/** How a job reports progress (share 0..1 and a message). */
export type ProgressReporter = (progress: number, message: string) => Promise<void> | void;

/** Options of the job work. */
export interface WorkOptions {
  /** Worker threads of `forecastMany` (default: its default, all cores). */
  readonly forecastWorkers?: number;
  /** Called after a plan is stored (the cost cache forgets the plan). */
  readonly onPlanStored?: (planId: string) => void;
}

/** Runs a job of any kind; answers the id of the stored result. */
export async function runJob(
  store: Store,
  job: Job,
  progress: ProgressReporter,
  options: WorkOptions = {},
): Promise<string> {
  if (job.kind === 'forecast')
    return runForecastJob(store, ForecastJobParams.parse(job.params), job.id, progress, options);
  if (job.kind === 'plan')
    return runPlanJob(store, PlanJobParams.parse(job.params), job.id, progress, options);
  throw new ModcapError('BAD_ARGUMENT', `unknown job kind "${String(job.kind)}"`);
}

/** Reads the dataset (and events), forecasts every series, stores the forecast document. */
export async function runForecastJob(
  store: Store,
  p: ForecastJobParams,
  jobId: string,
  progress: ProgressReporter,
  options: WorkOptions = {},
): Promise<string> {
  if (await store.getForecastMeta(p.forecastId)) return p.forecastId; // stored by an earlier attempt
  await progress(0, 'reading the dataset');
  const { meta, series } = await datasetSeries(store, p.datasetId);
  let events: EventSpec[] = [];
  const inputs = [{ path: `dataset:${meta.id}@v${meta.version}`, sha256: meta.sha256 }];
  if (p.eventsId) {
    const e = await loadStoredEvents(store, p.eventsId, p.eventsVersion);
    events = e.events;
    inputs.push({ path: `events:${p.eventsId}@v${e.version}`, sha256: sha256Json(e.doc) });
  }
  const duration = parseDuration(p.horizon);
  const groups = new Map<number, typeof series>();
  for (const s of series) {
    const h = durationToSteps(duration, s.freq);
    groups.set(h, [...(groups.get(h) ?? []), s]);
  }
  const results: SeriesForecast[] = [];
  const failures: SeriesFailure[] = [];
  let before = 0;
  let last = 0;
  for (const [horizon, group] of groups) {
    const run = await forecastMany(
      group,
      { horizon, levels: p.levels, models: p.models, preset: p.preset, events, clean: p.clean ?? true },
      {
        workers: options.forecastWorkers,
        onProgress: (pr) => {
          const now = Date.now();
          if (now - last < 200 && pr.done < pr.total) return;
          last = now;
          void progress(
            (0.95 * (before + pr.done)) / series.length,
            `forecast ${before + pr.done}/${series.length} series${pr.failed ? `, ${pr.failed} failed` : ''}`,
          );
        },
      },
    );
    before += group.length;
    results.push(...run.results);
    failures.push(...run.failures);
  }
  if (results.length === 0)
    throw new ModcapError(
      'MODEL_FIT',
      `no series could be forecast (${failures.length} failed: ${failures[0]?.message ?? ''})`,
    );
  await progress(0.97, 'storing the forecast');
  const doc = forecastJson(results, storedProvenance(inputs, p), failures) as unknown as ForecastDocument;
  try {
    await store.saveForecast({
      id: p.forecastId,
      datasetId: p.datasetId,
      datasetVersion: meta.version,
      jobId,
      params: p,
      doc,
    });
  } catch (e) {
    if (!(isStoreConflict(e) && e.reason === 'exists')) throw e;
  }
  return p.forecastId;
}

/** The configurations to plan: `base` is the configuration as written; other names apply that scenario. */
export function scenarioConfigs(config: CapacityConfig, names: readonly string[]): CapacityConfig[] {
  const list =
    names.length === 1 && names[0] === 'all' ? ['base', ...config.scenarios.map((s) => s.name)] : names;
  return list.map((n) => (n === 'base' ? { ...config, appliedScenario: 'base' } : applyScenario(config, n)));
}

/** Requirement rows (scenario × site × language × week) of computed plans. */
export function requirementRows(plans: readonly CapacityPlan[]): PlanRequirementRow[] {
  const rows: PlanRequirementRow[] = [];
  for (const p of plans)
    for (const s of p.sites)
      for (const w of s.headcount.weeks)
        rows.push({
          scenario: p.scenario,
          site: s.site,
          language: s.language,
          week: w.week,
          weekStart: p.weekLabels[w.week],
          requiredFte: w.required,
          paidHeadcount: w.paidHeadcount,
          detail: {
            allocatedHours: s.allocatedHours[w.week],
            headcountStart: w.headcountStart,
            attritionLoss: w.attritionLoss,
            hiresDecided: w.hiresDecided,
            hiresStarting: w.hiresStarting,
            inTraining: w.inTraining,
            ramping: w.ramping,
            effectiveFte: w.effectiveFte,
            overtimeFte: w.overtimeFte,
            surgeFte: w.surgeFte,
            uncoveredFte: w.uncoveredFte,
            surplusFte: w.surplusFte,
          },
        });
  return rows;
}

/** Plans every scenario of a stored forecast × configuration version; stores the plan in one transaction. */
export async function runPlanJob(
  store: Store,
  p: PlanJobParams,
  jobId: string,
  progress: ProgressReporter,
  options: WorkOptions = {},
): Promise<string> {
  if (await store.getPlanMeta(p.planId)) return p.planId; // stored by an earlier attempt
  await progress(0, 'reading the forecast and the configuration');
  const { forecast, doc: forecastDoc } = await loadStoredForecast(store, p.forecastId);
  const { config, doc: configDoc } = await loadStoredConfig(store, p.configId, p.configVersion);
  const configs = scenarioConfigs(config, p.scenarios);
  const plans: CapacityPlan[] = [];
  // The plans run on a worker thread: a plan takes seconds (the allocation most of it), and the server's own
  // thread keeps answering requests, finance's cost queries among them, meanwhile.
  const pool = new TaskPool(1);
  try {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[i];
      await progress(
        (0.9 * i) / configs.length,
        `planning scenario ${c.appliedScenario ?? 'base'} (${i + 1}/${configs.length})`,
      );
      const planOptions = {
        basis: p.basis as VolumeBasis | undefined,
        weeks: p.weeks,
        qualityWeight: p.qualityWeight,
        seed: p.seed,
        simulate: p.simulate ?? true,
      };
      plans.push(await pool.run('plan', forecast, c, planOptions));
    }
  } finally {
    await pool.close();
  }
  await progress(0.95, 'storing the plan');
  const provenance = storedProvenance(
    [
      { path: `forecast:${p.forecastId}`, sha256: sha256Json(forecastDoc) },
      { path: `config:${p.configId}@v${p.configVersion}`, sha256: sha256Json(configDoc) },
    ],
    p,
  );
  try {
    await store.savePlan({
      id: p.planId,
      forecastId: p.forecastId,
      configId: p.configId,
      configVersion: p.configVersion,
      scenarios: plans.map((x) => x.scenario),
      reportingCurrency: config.reportingCurrency,
      jobId,
      provenance,
      doc: planJson(plans, provenance),
      costs: plans.flatMap((x) => x.costs),
      requirements: requirementRows(plans),
    });
  } catch (e) {
    if (!(isStoreConflict(e) && e.reason === 'exists')) throw e;
  }
  options.onPlanStored?.(p.planId);
  return p.planId;
}
