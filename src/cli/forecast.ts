import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModcapError } from '../errors.ts';
import { CANDIDATE_FAMILIES, PRESETS, type Preset } from '../forecast/candidates.ts';
import { loadEvents } from '../forecast/events/index.ts';
import { durationToSteps, parseDuration, readVolumes } from '../forecast/io/index.ts';
import { forecastCsv, forecastJson, provenance } from '../forecast/output.ts';
import type { SeriesForecast } from '../forecast/pipeline.ts';
import { forecastMany } from '../forecast/runner.ts';
import { progressPrinter } from './progress.ts';

/** Everything `modcap forecast` needs, already parsed. */
export interface ForecastJob {
  readonly input: string;
  readonly events?: string;
  readonly horizon: string;
  readonly levels: number[];
  readonly out: string;
  readonly timeZone?: string;
  readonly models?: string[];
  readonly preset?: Preset;
  readonly workers?: number;
  /** Clean anomalies from history before fitting (default true). */
  readonly clean?: boolean;
}

/** Reads volumes, forecasts every series, writes forecast.csv and forecast.json to `out`. */
export async function runForecastJob(
  job: ForecastJob,
): Promise<{ results: SeriesForecast[]; files: string[] }> {
  const duration = parseDuration(job.horizon);
  const t0 = performance.now();
  // validate every input before any work starts
  const events = job.events ? await loadEvents(job.events) : [];
  const series = await readVolumes(job.input, { timeZone: job.timeZone });
  console.error(
    `read ${series.length} series from ${job.input} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const groups = new Map<number, typeof series>();
  for (const s of series) {
    const h = durationToSteps(duration, s.freq);
    groups.set(h, [...(groups.get(h) ?? []), s]);
  }
  const results: SeriesForecast[] = [];
  const failures = [];
  for (const [horizon, group] of groups) {
    const request = {
      horizon,
      levels: job.levels,
      models: job.models,
      preset: job.preset,
      events,
      clean: job.clean ?? true,
    };
    const run = await forecastMany(group, request, {
      workers: job.workers,
      onProgress: progressPrinter('forecast'),
    });
    results.push(...run.results);
    failures.push(...run.failures);
  }
  for (const f of failures) console.error(`  series ${f.id} failed: ${f.code} ${f.message}`);
  mkdirSync(job.out, { recursive: true });
  const meta = await provenance([job.input, ...(job.events ? [job.events] : [])], {
    horizon: job.horizon,
    levels: job.levels,
    models: job.models ?? `preset ${job.preset ?? 'fast'}`,
    clean: job.clean ?? true,
  });
  const csvPath = join(job.out, 'forecast.csv');
  const jsonPath = join(job.out, 'forecast.json');
  writeFileSync(csvPath, forecastCsv(results));
  writeFileSync(jsonPath, JSON.stringify(forecastJson(results, meta, failures)));
  return { results, files: [csvPath, jsonPath] };
}

/** Parses `--levels 80,95`. @throws ModcapError BAD_ARGUMENT for a level outside (0, 100) */
export function parseLevels(s: string | undefined): number[] {
  if (!s) return [80, 95];
  const levels = s.split(',').map((x) => Number(x.trim()));
  for (const l of levels) {
    if (!(l > 0 && l < 100)) {
      throw new ModcapError(
        'BAD_ARGUMENT',
        `--levels: ${JSON.stringify(s)} must be percentages in (0, 100), e.g. 80,95`,
      );
    }
  }
  return levels;
}

/** Parses `--models snaive,ar`. @throws ModcapError BAD_ARGUMENT naming an unknown family */
export function parseModels(s: string | undefined): string[] | undefined {
  if (!s) return undefined;
  const names = s.split(',').map((x) => x.trim());
  for (const n of names) {
    if (!(CANDIDATE_FAMILIES as readonly string[]).includes(n)) {
      throw new ModcapError(
        'BAD_ARGUMENT',
        `--models: unknown model family "${n}"; use ${CANDIDATE_FAMILIES.join(', ')}`,
      );
    }
  }
  return names;
}

/** Parses `--preset fast|full`. @throws ModcapError BAD_ARGUMENT for another value */
export function parsePreset(s: string | undefined): Preset | undefined {
  if (s === undefined) return undefined;
  if (!(PRESETS as readonly string[]).includes(s)) {
    throw new ModcapError('BAD_ARGUMENT', `--preset: "${s}" is not one of ${PRESETS.join(', ')}`);
  }
  return s as Preset;
}

/** `modcap forecast ...` */
export async function forecastCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      events: { type: 'string' },
      horizon: { type: 'string' },
      levels: { type: 'string' },
      out: { type: 'string', default: 'out' },
      tz: { type: 'string' },
      models: { type: 'string' },
      preset: { type: 'string' },
      workers: { type: 'string' },
      'no-clean': { type: 'boolean', default: false },
    },
  });
  if (!values.input) throw new ModcapError('BAD_ARGUMENT', '--input FILE is required');
  if (!values.horizon) throw new ModcapError('BAD_ARGUMENT', '--horizon is required (e.g. 48h, 14d, 8w)');
  const { files } = await runForecastJob({
    input: values.input,
    events: values.events,
    horizon: values.horizon,
    levels: parseLevels(values.levels),
    out: resolve(values.out),
    timeZone: values.tz,
    models: parseModels(values.models),
    preset: parsePreset(values.preset),
    workers: values.workers === undefined ? undefined : Number(values.workers),
    clean: !values['no-clean'],
  });
  for (const f of files) console.log(f);
  return 0;
}
