/**
 * Streaming (causal) anomaly detection: each point is judged with only the points before it, then learnt.
 *
 * An online forecaster (additive Holt–Winters with a season found from the data — a day or a week — or an
 * exponentially weighted level without one) removes the expected pattern. Surprise is then measured at several
 * time scales: the jump of the value from the fast level (span 1) and the departure of short moving averages
 * (spans 12 and 48) from a slow baseline, plus how far the value leaves the range of the recent history. Each
 * surprise is divided by its own maximum over the recent history (`historySize` steps), so a score above 0.5
 * means "bigger than anything seen lately" in at least one scale; heavy tails and noise levels need no model.
 * A score that does not beat the highest score of the last `restPeriod` steps is halved, so one event raises
 * one alarm. This is a record-breaking detector in the spirit of NAB's windowed Gaussian and HTM's likelihood
 * step, tuned for NAB's early-detection scoring (bench/nab.ts).
 */
import { zForLevel } from '../stats.ts';
import { pickSeason, seasonCandidates } from './stream/season.ts';
import { createShapeNovelty } from './stream/shape-novelty.ts';
import { createSlidingMax, type SlidingMax } from './stream/sliding-max.ts';
import type { Anomaly, AnomalyKind } from './types.ts';

/** Options of the streaming detector. The defaults were set once on NAB (bench/nab.ts), never per file. */
export interface StreamDetectorOptions {
  /** Series id and key copied into reported anomalies. */
  readonly seriesId?: string;
  readonly key?: Readonly<Record<string, string>>;
  /** Season in rows, `'auto'` (a day or a week from the time step, kept if the data show it; default) or `'none'`. */
  readonly period?: number | 'auto' | 'none';
  /** Score (0..1) at or above which `update` reports an anomaly. Default 0.5 (NAB's swept threshold was ≈ 0.504). */
  readonly threshold?: number;
  /** Steps of history each surprise is compared with. Default 8000. */
  readonly historySize?: number;
  /** Steps during which a repeated, not larger alarm is damped. Default 200. */
  readonly restPeriod?: number;
  /** Factor applied to damped scores. Default 0.5. */
  readonly damping?: number;
  /** Steps before any score above 0 is given. Default 50. */
  readonly warmup?: number;
  /** Interval level (percent) of the reported expected range. Default 99. */
  readonly level?: number;
  /** Smoothing of the fast level (0..1). Default 0.5. */
  readonly alpha?: number;
  /** Smoothing of the seasonal profile (0..1). Default 0.1. */
  readonly gamma?: number;
  /** EWMA spans (steps) of the surprise signals; a span of 1 compares the value with the fast level. Default [1, 12, 48]. */
  readonly spans?: readonly number[];
  /** Smoothing of the slow baseline the longer spans are compared with. Default 0.005. */
  readonly slowAlpha?: number;
  /** Window (steps) of the shape-novelty signal (stream/shape-novelty.ts); 0 turns it off. */
  readonly shapeLength?: number;
  /** Earlier windows the shape-novelty signal compares with. Default `historySize`. */
  readonly shapeHistory?: number;
  /** Compare z-normalised windows (shape only, not amplitude). */
  readonly shapeZ?: boolean;
}

/** What `update` returns for one point. */
export interface StreamResult {
  /** Anomaly score in 0..1: r/(1+r) for r = the largest surprise relative to its recent maximum; 0 for gaps. */
  readonly score: number;
  /** One-step expectation before seeing the value (NaN for a gap or the first point). */
  readonly expected: number;
  /** Present when score ≥ threshold. */
  readonly anomaly?: Anomaly;
}

/** A causal detector over one series. */
export interface StreamDetector {
  /** Judge `value` at `timestamp` (epoch ms) with the past only, then learn from it. NaN is a gap. */
  update(timestamp: number, value: number): StreamResult;
}

/**
 * Create a streaming detector for one series. Throws nothing; non-finite values are gaps (score 0).
 * @example const d = createStreamDetector();
 * for (let i = 0; i < 300; i++) d.update(i * 3_600_000, 10 + Math.sin(i));
 * d.update(300 * 3_600_000, 100).score > 0.5 // => true
 */
export function createStreamDetector(options: StreamDetectorOptions = {}): StreamDetector {
  const historySize = Math.max(2, Math.round(options.historySize ?? 8000));
  const restPeriod = Math.max(0, Math.round(options.restPeriod ?? 200));
  const damping = options.damping ?? 0.5;
  const warmup = Math.max(1, options.warmup ?? 50);
  const threshold = options.threshold ?? 0.5;
  const alpha = options.alpha ?? 0.5;
  const gamma = options.gamma ?? 0.1;
  const level = options.level ?? 99;
  const spans = options.spans ?? [1, 12, 48];
  const slowAlpha = options.slowAlpha ?? 0.005;
  const fixedPeriod = typeof options.period === 'number' ? Math.max(0, Math.round(options.period)) : 0;
  const autoPeriod = options.period === undefined || options.period === 'auto';

  // history of values (NaN for gaps), for finding and starting the season
  const values = new Float64Array(historySize);
  let n = 0;
  let lastTs = Number.NaN;
  const steps: number[] = [];

  let period = 0;
  let candidates: number[] | undefined;
  let seasonal: Float64Array | undefined;
  let lvl = Number.NaN;
  let slow = Number.NaN;
  let absResid = Number.NaN;

  const ewma = new Float64Array(spans.length).fill(Number.NaN);
  const maxima: SlidingMax[] = spans.map(() => createSlidingMax(historySize));
  const rangeMax = createSlidingMax(historySize);
  const rangeMin = createSlidingMax(historySize);
  const recent = createSlidingMax(Math.max(1, restPeriod));
  const shapeLength = Math.max(0, Math.round(options.shapeLength ?? 0));
  const shape =
    shapeLength > 1
      ? createShapeNovelty(shapeLength, options.shapeHistory ?? historySize, options.shapeZ ?? false)
      : undefined;
  const shapeMax = createSlidingMax(historySize);

  const tail = (k: number): number[] => {
    const out: number[] = [];
    const m = Math.min(n, historySize, k);
    for (let i = n - m; i < n; i++) out.push(values[i % historySize]);
    return out;
  };

  const startSeason = (p: number) => {
    const x = tail(Math.floor(Math.min(n, historySize) / p) * p);
    const sum = new Float64Array(p);
    const cnt = new Float64Array(p);
    let total = 0;
    let m = 0;
    x.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      const ph = (n - x.length + i) % p;
      sum[ph] += v;
      cnt[ph]++;
      total += v;
      m++;
    });
    if (m === 0) return;
    const mean = total / m;
    seasonal = new Float64Array(p);
    for (let ph = 0; ph < p; ph++) seasonal[ph] = cnt[ph] > 0 ? sum[ph] / cnt[ph] - mean : 0;
    period = p;
    lvl = mean;
  };

  const learnSeason = () => {
    if (seasonal) return;
    if (fixedPeriod > 0) {
      if (n >= 2 * fixedPeriod && fixedPeriod <= historySize / 2) startSeason(fixedPeriod);
      return;
    }
    if (!autoPeriod || n % 500 !== 0) return;
    if (!candidates && steps.length >= 8) {
      const s = [...steps].sort((a, b) => a - b);
      candidates = seasonCandidates(s[Math.floor(s.length / 2)]).filter((p) => 3 * p <= historySize);
    }
    if (candidates && candidates.length > 0) {
      const p = pickSeason(tail(historySize), candidates);
      if (p > 0) startSeason(p);
    }
  };

  return {
    update(timestamp: number, value: number): StreamResult {
      if (Number.isFinite(lastTs) && Number.isFinite(timestamp) && steps.length < 64) {
        const d = timestamp - lastTs;
        if (d > 0) steps.push(d);
      }
      if (Number.isFinite(timestamp)) lastTs = timestamp;
      const phase = seasonal ? n % period : 0;

      if (!Number.isFinite(value)) {
        // a gap: keep the time grid (season phase, history windows) aligned, learn nothing
        values[n % historySize] = Number.NaN;
        for (const m of maxima) m.push(Number.NaN);
        rangeMax.push(Number.NaN);
        rangeMin.push(Number.NaN);
        recent.push(Number.NaN);
        shape?.push(Number.NaN);
        shapeMax.push(Number.NaN);
        n++;
        learnSeason();
        return { score: 0, expected: Number.NaN };
      }

      // 1. expectation from the past
      const seasonPart = seasonal ? seasonal[phase] : 0;
      const expected = Number.isNaN(lvl) ? Number.NaN : lvl + seasonPart;
      const resid = Number.isNaN(expected) ? 0 : value - expected;
      const hi = rangeMax.max();
      const lo = -rangeMin.max();
      const eps = Number.isFinite(hi) ? 1e-6 * Math.max(Math.abs(hi), Math.abs(lo)) + 1e-12 : 1e-12;

      // 2. surprises at several time scales, each relative to its own maximum over the recent history
      const d = value - seasonPart;
      const base = Number.isNaN(lvl) ? d : lvl;
      const slowBase = Number.isNaN(slow) ? d : slow;
      let ratio = 0;
      let which = -1;
      for (let k = 0; k < spans.length; k++) {
        const a = 2 / (spans[k] + 1);
        ewma[k] = Number.isNaN(ewma[k]) ? d : a * d + (1 - a) * ewma[k];
        const sig = spans[k] <= 1 ? Math.abs(d - base) : Math.abs(ewma[k] - slowBase);
        const past = maxima[k].max();
        if (maxima[k].count() >= warmup && past >= 0) {
          const r = sig / (past + eps);
          if (r > ratio) {
            ratio = r;
            which = k;
          }
        }
        maxima[k].push(sig);
      }
      // values outside the recent range, relative to its width
      if (rangeMax.count() >= warmup && Number.isFinite(hi)) {
        const out = Math.max(value - hi, lo - value, 0) / (hi - lo + eps);
        if (out > 0 && 1 + out > ratio) {
          ratio = 1 + out;
          which = spans.length;
        }
      }
      // a shape not seen in the recent history (the distance to its nearest earlier window, relative to the
      // largest such distance lately)
      if (shape) {
        const sig = shape.push(value);
        if (Number.isFinite(sig)) {
          const past = shapeMax.max();
          if (shapeMax.count() >= warmup + 2 * shapeLength && past > 0) {
            const r = sig / (past + eps);
            if (r > ratio) {
              ratio = r;
              which = -1;
            }
          }
          shapeMax.push(sig);
        } else shapeMax.push(Number.NaN);
      }
      rangeMax.push(value);
      rangeMin.push(-value);
      let score = n < warmup ? 0 : ratio / (1 + ratio);

      // 3. one alarm per event: damp scores that do not beat the recent maximum
      if (restPeriod > 0) {
        const raw = score;
        if (score <= recent.max()) score *= damping;
        recent.push(raw);
      }

      // 4. learn
      const sustainedShift =
        which >= 0 && which < spans.length && spans[which] > 1 ? ewma[which] - slowBase : 0;
      if (!Number.isNaN(expected)) {
        absResid = Number.isNaN(absResid) ? Math.abs(resid) : 0.99 * absResid + 0.01 * Math.abs(resid);
      }
      values[n % historySize] = value;
      n++;
      if (seasonal) {
        lvl = alpha * (value - seasonal[phase]) + (1 - alpha) * lvl;
        seasonal[phase] = gamma * (value - lvl) + (1 - gamma) * seasonal[phase];
      } else {
        lvl = Number.isNaN(lvl) ? value : alpha * value + (1 - alpha) * lvl;
      }
      slow = Number.isNaN(slow) ? d : slowAlpha * d + (1 - slowAlpha) * slow;
      learnSeason();

      if (score < threshold || Number.isNaN(expected)) return { score, expected };
      // mean absolute error → standard deviation for normal errors: × √(π/2)
      const sd = (Number.isNaN(absResid) ? 0 : absResid) * Math.sqrt(Math.PI / 2);
      const half = zForLevel(level) * sd;
      const kind: AnomalyKind = sustainedShift !== 0 ? 'level-shift' : resid >= 0 ? 'spike' : 'dip';
      const size = kind === 'level-shift' ? Math.abs(sustainedShift) : Math.abs(resid);
      const anomaly: Anomaly = {
        seriesId: options.seriesId ?? '',
        key: options.key ?? {},
        kind,
        start: timestamp,
        end: timestamp,
        startIndex: n - 1,
        endIndex: n - 1,
        expected,
        lower: expected - half,
        upper: expected + half,
        level,
        observed: value,
        severity: sd > 0 ? size / sd : Number.POSITIVE_INFINITY,
        ...(kind === 'level-shift' && slowBase !== 0
          ? { relativeChange: sustainedShift / Math.abs(slowBase) }
          : {}),
        detector: 'stream',
      };
      return { score, expected, anomaly };
    },
  };
}

/**
 * Replay a whole series through a fresh detector and return each point's score (the score of point i depends
 * on points 0..i only).
 * @example streamScores([0, 1, 2], [1, 1, 1]) // => [0, 0, 0]
 */
export function streamScores(
  timestamps: readonly number[],
  values: readonly number[],
  options: StreamDetectorOptions = {},
): number[] {
  const detector = createStreamDetector(options);
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = detector.update(timestamps[i], values[i]).score;
  return out;
}
