import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyScenario, type CapacityConfig, loadCapacityConfig } from '../capacity/config.ts';
import { planFiles, planSummary } from '../capacity/plan/output.ts';
import { type CapacityPlan, planCapacity } from '../capacity/plan/plan.ts';
import type { VolumeBasis } from '../capacity/workload.ts';
import { ModcapError } from '../errors.ts';
import { readForecast } from '../forecast/explain/index.ts';
import { provenance } from '../forecast/output.ts';
import { parseOptions } from './args.ts';

/** Usage of `modcap plan`. */
export const PLAN_USAGE = `modcap plan --forecast FILE --config FILE [--scenario NAME[,NAME...]|all] [--out DIR]
            [--basis mean|point|upper_L] [--weeks N] [--quality-weight X] [--seed N] [--no-simulate]
  Turns a stored forecast (forecast.csv / forecast.json from modcap forecast) into a capacity plan for the
  sites and queues of a configuration (JSON or YAML): Erlang staffing per hour for real-time queues,
  backlog-aware staffing for deferred ones, allocation to sites (HiGHS), headcount with attrition, hiring,
  overtime and vendor surge, costs per site × language × month, the moderation mix, and a simulation check.
  --scenario base (default) plans the configuration as written; names apply its scenarios (each planned
  on its own, side by side); all plans base and every scenario. --basis: which forecast number to plan on
  (default mean). Writes plan.json, requirements.csv, hiring.csv, costs.csv, scenarios.csv, intervals.csv,
  backlog.csv, shortfalls.csv and mix.csv to --out (default out/), all or none.`;

/**
 * `modcap plan ...`: validates every input first (forecast, configuration, scenario names, options), plans
 * each scenario, then writes all files (to temporary names, renamed at the end: no half-written plan).
 * @throws ModcapError BAD_ARGUMENT (options, unknown scenario) and every input error of the readers
 * @example await planCommand(['--forecast', 'out/forecast.json', '--config', 'data/demo/config.json']) // => 0
 */
export async function planCommand(argv: string[]): Promise<number> {
  const values = parseOptions(
    argv,
    {
      forecast: { type: 'string' },
      config: { type: 'string' },
      scenario: { type: 'string' },
      out: { type: 'string', default: 'out' },
      basis: { type: 'string' },
      weeks: { type: 'string' },
      'quality-weight': { type: 'string' },
      seed: { type: 'string' },
      'no-simulate': { type: 'boolean', default: false },
    },
    PLAN_USAGE,
  );
  const str = (k: string) => values[k] as string | undefined;
  const forecastPath = str('forecast');
  const configPath = str('config');
  if (!forecastPath) throw new ModcapError('BAD_ARGUMENT', `--forecast FILE is required\n\n${PLAN_USAGE}`);
  if (!configPath) throw new ModcapError('BAD_ARGUMENT', `--config FILE is required\n\n${PLAN_USAGE}`);
  const basis = parseBasis(str('basis'));
  const weeks = optionalNumber(
    str('weeks'),
    '--weeks',
    (n) => Number.isInteger(n) && n >= 1,
    'a whole number ≥ 1',
  );
  const qualityWeight = optionalNumber(
    str('quality-weight'),
    '--quality-weight',
    (n) => n >= 0,
    'a number ≥ 0',
  );
  const seed = optionalNumber(str('seed'), '--seed', Number.isInteger, 'a whole number');

  const config = loadCapacityConfig(configPath);
  const forecast = readForecast(forecastPath);
  const configs = scenarioConfigs(config, str('scenario'));
  const started = performance.now();

  const plans: CapacityPlan[] = [];
  for (const c of configs) {
    const t = performance.now();
    const plan = await planCapacity(forecast, c, {
      basis,
      weeks,
      qualityWeight,
      seed,
      simulate: !values['no-simulate'],
    });
    plans.push(plan);
    const s = planSummary(plan);
    console.error(
      `modcap plan: ${s.scenario}: ${s.weeks} weeks from ${s.from}, cost ${Math.round(s.totalCost).toLocaleString('en-US')} ${s.currency}, ` +
        `${s.hires} hires, ${round(s.shortfallHours)} h short, allocation ${s.allocation.status} (gap ${(s.allocation.gap * 100).toFixed(2)} %), ` +
        `${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    for (const w of plan.warnings) console.error(`  note: ${w}`);
  }

  const meta = await provenance([forecastPath, configPath], {
    command: 'plan',
    scenarios: plans.map((p) => p.scenario),
    basis: basis ?? 'mean',
    weeks: plans[0]?.weeks,
    qualityWeight: qualityWeight ?? 0,
    seed: seed ?? 1,
    simulate: !values['no-simulate'],
    forecastProvenance: forecastProvenance(forecastPath),
  });
  const out = resolve(str('out') as string);
  writeAll(out, planFiles(plans, meta));
  console.error(`modcap plan: wrote ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** The configurations to plan: `base` is the file as written; names apply that scenario; `all` is base + every one. */
export function scenarioConfigs(config: CapacityConfig, option: string | undefined): CapacityConfig[] {
  const names =
    option === undefined
      ? ['base']
      : option.trim() === 'all'
        ? ['base', ...config.scenarios.map((s) => s.name)]
        : option
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
  if (names.length === 0)
    throw new ModcapError('BAD_ARGUMENT', '--scenario: no scenario named', { value: option });
  return names.map((n) => (n === 'base' ? { ...config, appliedScenario: 'base' } : applyScenario(config, n)));
}

function parseBasis(text: string | undefined): VolumeBasis | undefined {
  if (text === undefined) return undefined;
  if (text === 'mean' || text === 'point') return text;
  if (/^upper_\d+(\.\d+)?$/.test(text)) return text as VolumeBasis;
  throw new ModcapError('BAD_ARGUMENT', `--basis: "${text}" is not mean, point or upper_L (e.g. upper_80)`, {
    value: text,
  });
}

function optionalNumber(text: string | undefined, option: string, ok: (n: number) => boolean, what: string) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !ok(n))
    throw new ModcapError('BAD_ARGUMENT', `${option}: "${text}" is not ${what}`, { value: text });
  return n;
}

/** The provenance block of a forecast JSON (models, inputs), when the forecast is one. */
function forecastProvenance(path: string): unknown {
  if (!path.toLowerCase().endsWith('.json')) return undefined;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { provenance?: unknown }).provenance;
  } catch {
    return undefined;
  }
}

/** Writes every file under temporary names first, then renames them: a failure leaves no partial plan. */
export function writeAll(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const tmp = `.plan-${process.pid}-${Date.now()}`;
  const written: string[] = [];
  try {
    for (const [name, text] of Object.entries(files)) {
      const p = join(dir, `${tmp}-${name}`);
      writeFileSync(p, text);
      written.push(p);
    }
  } catch (e) {
    for (const p of written) rmSync(p, { force: true });
    throw e;
  }
  for (const name of Object.keys(files)) renameSync(join(dir, `${tmp}-${name}`), join(dir, name));
}
