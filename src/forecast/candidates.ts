import { ar } from './models/ar.ts';
import { croston, isIntermittent } from './models/croston.ts';
import { ets } from './models/ets.ts';
import { mstl } from './models/mstl.ts';
import { regression } from './models/regression.ts';
import { snaive } from './models/snaive.ts';
import { theta } from './models/theta.ts';
import { tsb } from './models/tsb.ts';
import type { Frequency, Model } from './types.ts';

/**
 * Seasonal periods, in steps, that a grid of this frequency carries: hourly → day, week and year;
 * daily → week and year; weekly → year.
 * @example periodsFor('hour') // => [24, 168, 8766]
 */
export function periodsFor(freq: Frequency): number[] {
  switch (freq) {
    case 'hour':
      return [24, 168, 8766];
    case 'day':
      return [7, 365.25];
    case 'week':
      return [365.25 / 7];
  }
}

/** Steps in a year, per grid. */
export const YEAR_STEPS: Readonly<Record<Frequency, number>> = { hour: 8766, day: 365.25, week: 365.25 / 7 };

/**
 * Periods that fit at least 1.9 times in n points (a shorter series cannot show the season; 1.9 lets
 * two years of data less a few days keep the yearly cycle).
 * @example usablePeriods([24, 168, 8766], 1344) // => [24, 168]
 */
export function usablePeriods(periods: readonly number[], n: number): number[] {
  return periods.filter((m) => m > 1 && 1.9 * m <= n);
}

/** Names of the model families the automatic choice can use (`--models` takes these). */
export const CANDIDATE_FAMILIES = [
  'snaive',
  'ar',
  'ets',
  'mstl',
  'theta',
  'regression',
  'croston',
  'tsb',
] as const;

/** Candidate presets: `fast` (default) keeps the models that earn their cost; `full` tries every family. */
export const PRESETS = ['fast', 'full'] as const;
export type Preset = (typeof PRESETS)[number];

/** What the candidate set may depend on: the series' shape and what is known about it, never its identity. */
export interface CandidateContext {
  /** Seasonal periods the grid and length allow. */
  readonly periods: readonly number[];
  /** The grid, to tell a yearly cycle among the periods. */
  readonly freq?: Frequency;
  /** Restrict to these families (see {@link CANDIDATE_FAMILIES}); overrides the preset. */
  readonly only?: readonly string[];
  /** Default `fast`. */
  readonly preset?: Preset;
  /** True when the series has event or holiday regressors over its history. */
  readonly hasRegressors?: boolean;
}

/**
 * The candidate set for a series.
 * - `fast` (default): every seasonal naive, the seasonal AR, Theta and MSTL on log1p counts (its trend
 *   by damped Holt, ETS(A,Ad,N)); the regression on trend, Fourier seasonality, events and holidays when
 *   the series has event or holiday regressors or a yearly cycle in its periods; Croston (SBA) and TSB
 *   for intermittent counts (Syntetos–Boylan: ADI ≥ 1.32).
 * - `full`: all of those plus ETS chosen by AICc, and the regression always. It costs about three times
 *   as much for a small gain (bench/README.md).
 */
export function defaultCandidates(y: readonly number[], context: CandidateContext): Model[] {
  const { periods, only } = context;
  const full = context.preset === 'full';
  const year = context.freq ? YEAR_STEPS[context.freq] : Number.POSITIVE_INFINITY;
  const yearly = periods.some((m) => Math.abs(m - year) < 1);
  const out: Model[] = [];
  const want = (name: string, inPreset: boolean) => (only ? only.includes(name) : inPreset);
  if (want('snaive', true)) {
    for (const m of periods) out.push(snaive([m]));
    if (periods.length === 0) out.push(snaive([1]));
  }
  if (want('ar', true)) out.push(ar());
  if (want('theta', true)) out.push(theta({ period: periods.length ? Math.round(periods[0]) : undefined }));
  if (want('regression', full || context.hasRegressors === true || yearly)) out.push(regression());
  if (want('ets', full)) out.push(ets({ search: 'fast' }));
  if (want('mstl', true) && periods.length) out.push(mstl({ periods, transform: 'log1p' }));
  const intermittent = isIntermittent(y);
  if (want('croston', intermittent)) out.push(croston({ variant: 'sba' }));
  if (want('tsb', intermittent)) out.push(tsb());
  return out;
}
