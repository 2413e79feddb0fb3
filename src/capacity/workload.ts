/**
 * Workload: forecast volume × human share × (1 + QA rate + rework rate) × AHT, per queue × language × hour,
 * with the configuration's volume adjustments and launches (from scenarios) applied.
 */

import { ModcapError } from '../errors.ts';
import type { StoredForecast, StoredInterval } from '../forecast/explain/types.ts';
import { DAY_MS, HOUR_MS } from '../forecast/io/calendar.ts';
import type { CapacityConfig, Queue } from './config.ts';

/**
 * Which number of the forecast distribution to plan on:
 * - `mean` (default): the mean of the predictive distribution, integrated from the stored quantiles (point =
 *   median, interval bounds = the tail quantiles). Erlang formulas and hour budgets need mean rates; a
 *   right-skewed (log-scale) forecast has its mean above its median.
 * - `point`: the stored point forecast as it is.
 * - `upper_L`: the upper bound of the L % interval (a cautious plan).
 */
export type VolumeBasis = 'mean' | 'point' | `upper_${number}`;

/** The workload of one queue × language on the plan's hourly grid. */
export interface Workload {
  readonly queue: string;
  readonly language: string;
  /** Markets (or other key values) summed into this workload. */
  readonly markets: readonly string[];
  /** Forecast items per hour on the chosen basis, after scenario adjustments. */
  readonly volume: Float64Array;
  /** Items per hour that reach humans: volume × human share × (1 + QA + rework). */
  readonly humanItems: Float64Array;
  /** Items per hour sent to the LLM reviewer. */
  readonly llmItems: Float64Array;
  /** Human handling hours per hour: humanItems × AHT / 3600. */
  readonly workloadHours: Float64Array;
  readonly ahtSeconds: number;
  readonly humanShare: number;
  readonly automationShare: number;
  readonly llmShare: number;
}

/** The forecast turned into workload, with what was left out. */
export interface WorkloadSet {
  /** Start of the hourly grid (epoch ms, UTC). */
  readonly startMs: number;
  readonly hours: number;
  readonly basis: VolumeBasis;
  readonly items: readonly Workload[];
  /** Plain-language notes: forecast queues missing from the configuration, and the reverse. */
  readonly warnings: readonly string[];
}

/**
 * The mean of a distribution known by its median and symmetric interval bounds: ∫₀¹ Q(p) dp with Q linear
 * between the known quantiles and, below the lowest and above the highest, extended linearly with the slope of
 * the nearest segment up to p = 0.001 / 0.999 (the mass beyond is given those end values). Equals the median
 * for a symmetric distribution; exceeds it for a right-skewed one.
 * @example meanFromQuantiles(100, [{ level: 80, lower: 80, upper: 130 }]) // => 104.1 (about)
 */
export function meanFromQuantiles(point: number, intervals: readonly StoredInterval[]): number {
  if (intervals.length === 0) return point;
  const knots: [number, number][] = [[0.5, point]];
  for (const iv of intervals) {
    const tail = (1 - iv.level / 100) / 2;
    knots.push([tail, Math.min(iv.lower, point)], [1 - tail, Math.max(iv.upper, point)]);
  }
  knots.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Enforce monotone quantiles (nested intervals written with rounding may cross slightly).
  for (let i = 1; i < knots.length; i++) if (knots[i][1] < knots[i - 1][1]) knots[i][1] = knots[i - 1][1];
  const lo = 0.001;
  const hi = 0.999;
  const [p0, q0] = knots[0];
  const [p1, q1] = knots[1];
  const slopeLo = p1 > p0 ? (q1 - q0) / (p1 - p0) : 0;
  const [pn, qn] = knots[knots.length - 1];
  const [pm, qm] = knots[knots.length - 2];
  const slopeHi = pn > pm ? (qn - qm) / (pn - pm) : 0;
  const qLo = Math.max(0, q0 - slopeLo * (p0 - lo));
  const qHi = qn + slopeHi * (hi - pn);
  const pts: [number, number][] = [[lo, qLo], ...knots, [hi, qHi]];
  let area = lo * qLo + (1 - hi) * qHi;
  for (let i = 1; i < pts.length; i++)
    area += ((pts[i][0] - pts[i - 1][0]) * (pts[i][1] + pts[i - 1][1])) / 2;
  return Math.max(0, area);
}

function pick(basis: VolumeBasis, point: number, intervals: readonly StoredInterval[], file: string): number {
  if (basis === 'point') return point;
  if (basis === 'mean') return meanFromQuantiles(point, intervals);
  const level = Number(basis.slice('upper_'.length));
  const iv = intervals.find((i) => i.level === level);
  if (!iv)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `volume basis ${basis}: the forecast has no ${level} % interval (levels: ${intervals.map((i) => i.level).join(', ') || 'none'})`,
      { file, field: 'basis', value: basis },
    );
  return iv.upper;
}

/** Human share, AHT and LLM share of a queue for one language (per-language overrides first). */
export function queueShares(q: Queue, language: string) {
  const automationShare = q.automationShareByLanguage?.[language] ?? q.automationShare;
  const llmShare = q.llmShare;
  const humanShare = Math.max(0, 1 - automationShare - llmShare);
  const ahtSeconds = q.ahtSecondsByLanguage?.[language] ?? q.ahtSeconds;
  return { automationShare, llmShare, humanShare, ahtSeconds };
}

/**
 * Turns a stored forecast into hourly workload per queue × language for the configuration (scenario already
 * applied with `applyScenario`). Series are matched by their `queue` and `language` key columns; other keys
 * (market, ...) are summed. Volume adjustments multiply matching series; launches add `uplift` × volume from
 * their start, ramping linearly over `rampDays`. The forecast must be hourly and every series must cover one
 * common grid.
 * @throws ModcapError INPUT_MISSING_COLUMN (no queue / language key), INPUT_IRREGULAR_GRID (not hourly, or
 *   series on different grids), INPUT_EMPTY, BAD_ARGUMENT (a volume basis the forecast cannot give)
 * @example buildWorkload(readForecast('out/forecast.csv'), config).items[0].workloadHours.length // => 4368
 */
export function buildWorkload(
  forecast: StoredForecast,
  config: CapacityConfig,
  options: { basis?: VolumeBasis } = {},
): WorkloadSet {
  const basis = options.basis ?? 'mean';
  const file = forecast.file;
  for (const k of ['queue', 'language'])
    if (!forecast.keys.includes(k))
      throw new ModcapError('INPUT_MISSING_COLUMN', `the forecast has no "${k}" key column`, {
        file,
        column: k,
        reason: 'capacity planning needs queue and language keys',
      });
  if (forecast.rows.length === 0) throw new ModcapError('INPUT_EMPTY', 'the forecast has no rows', { file });

  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const r of forecast.rows) {
    if (r.timestamp < startMs) startMs = r.timestamp;
    if (r.timestamp > endMs) endMs = r.timestamp;
  }
  const hours = Math.round((endMs - startMs) / HOUR_MS) + 1;

  const queues = new Map(config.queues.map((q) => [q.id, q]));
  const groups = new Map<
    string,
    { queue: Queue; language: string; markets: Set<string>; volume: Float64Array; seen: Map<string, number> }
  >();
  const unknownQueues = new Set<string>();
  for (const r of forecast.rows) {
    const offset = (r.timestamp - startMs) / HOUR_MS;
    if (!Number.isInteger(offset))
      throw new ModcapError(
        'INPUT_IRREGULAR_GRID',
        'capacity planning needs an hourly forecast on whole UTC hours',
        {
          file,
          column: 'timestamp',
          value: new Date(r.timestamp).toISOString(),
          reason: 'not on the hourly grid of the first row',
        },
      );
    const q = queues.get(r.key.queue);
    if (!q) {
      unknownQueues.add(r.key.queue);
      continue;
    }
    const language = r.key.language;
    const id = `${q.id}|${language}`;
    let g = groups.get(id);
    if (!g) {
      g = { queue: q, language, markets: new Set(), volume: new Float64Array(hours), seen: new Map() };
      groups.set(id, g);
    }
    const rest = forecast.keys.filter((k) => k !== 'queue' && k !== 'language').map((k) => r.key[k] ?? '');
    const sub = rest.join('|');
    g.markets.add(sub);
    g.seen.set(sub, (g.seen.get(sub) ?? 0) + 1);
    g.volume[offset] +=
      pick(basis, r.point, r.intervals, file) * volumeFactor(config, q.id, language, rest, r.timestamp);
  }
  for (const g of groups.values())
    for (const [sub, n] of g.seen)
      if (n !== hours)
        throw new ModcapError('INPUT_IRREGULAR_GRID', 'every forecast series must cover the same hours', {
          file,
          value: `${g.queue.id}|${g.language}|${sub}`,
          reason: `${n} hourly rows where the forecast spans ${hours} hours`,
        });

  const warnings: string[] = [];
  if (unknownQueues.size > 0)
    warnings.push(
      `forecast queues not in the configuration, not planned: ${[...unknownQueues].sort().join(', ')}`,
    );
  const planned = new Set([...groups.values()].map((g) => g.queue.id));
  const missing = config.queues.filter((q) => !planned.has(q.id)).map((q) => q.id);
  if (missing.length > 0)
    warnings.push(`configured queues with no forecast (no workload): ${missing.join(', ')}`);

  const items: Workload[] = [];
  for (const g of [...groups.values()].sort((a, b) =>
    (a.queue.id + a.language).localeCompare(b.queue.id + b.language),
  )) {
    const volume = g.volume;
    const s = queueShares(g.queue, g.language);
    const humanFactor = s.humanShare * (1 + g.queue.qaRate + g.queue.reworkRate);
    const humanItems = new Float64Array(hours);
    const llmItems = new Float64Array(hours);
    const workloadHours = new Float64Array(hours);
    for (let t = 0; t < hours; t++) {
      humanItems[t] = volume[t] * humanFactor;
      llmItems[t] = volume[t] * s.llmShare;
      workloadHours[t] = (humanItems[t] * s.ahtSeconds) / 3600;
    }
    items.push({
      queue: g.queue.id,
      language: g.language,
      markets: [...g.markets].sort(),
      volume,
      humanItems,
      llmItems,
      workloadHours,
      ...s,
    });
  }
  return { startMs, hours, basis, items, warnings };
}

/**
 * The scenario multiplier of one series at one instant: the product of matching volume adjustments and of
 * 1 + uplift × ramp share for each matching launch (a launch's markets match any key value of the series).
 * @example volumeFactor(config, 'reviews', 'ja', ['JP'], Date.parse('2026-01-01')) // => 1.2 (a +20 % launch)
 */
export function volumeFactor(
  config: Pick<CapacityConfig, 'volumeAdjustments' | 'launches'>,
  queue: string,
  language: string,
  keyValues: readonly string[],
  ms: number,
): number {
  let factor = 1;
  for (const a of config.volumeAdjustments) {
    if (a.queues && !a.queues.includes(queue)) continue;
    if (a.languages && !a.languages.includes(language)) continue;
    factor *= 1 + a.change;
  }
  for (const l of config.launches) {
    if (l.queues && !l.queues.includes(queue)) continue;
    if (l.languages && !l.languages.includes(language)) continue;
    if (l.markets && !keyValues.some((v) => l.markets?.includes(v))) continue;
    const from = Date.parse(l.start);
    if (ms < from) continue;
    const rampMs = (l.rampDays ?? 0) * DAY_MS;
    factor *= 1 + l.uplift * (rampMs > 0 ? Math.min(1, (ms - from) / rampMs) : 1);
  }
  return factor;
}
