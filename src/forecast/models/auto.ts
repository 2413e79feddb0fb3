import { ModcapError } from '../../errors.ts';
import { mae } from '../metrics.ts';
import { sliceOptions } from '../slice.ts';
import { checkLevels, quantile, zForLevel } from '../stats.ts';
import { DEFAULT_LEVELS, type FitOptions, type Fitted, type Forecast, type Model } from '../types.ts';

/** Backtest record of one candidate model. */
export interface CandidateScore {
  readonly model: string;
  /** Mean absolute error over all backtest origins and steps; NaN when the candidate failed. */
  readonly mae: number;
  /** Rank by `mae` (1 = best); failed candidates have no rank. */
  readonly rank?: number;
  /** Number of origins the candidate was scored on. */
  readonly origins: number;
  /** True when the candidate was dropped after the screening origins (its score covers only those). */
  readonly screenedOut?: boolean;
  /** The error message when the candidate failed at some origin. */
  readonly error?: string;
}

/** Options of {@link auto}. */
export interface AutoOptions {
  /** Candidate models, or a function choosing them from the series. */
  readonly candidates: readonly Model[] | ((y: readonly number[], options: FitOptions) => readonly Model[]);
  /** Backtest horizon in steps (use the horizon you will forecast). */
  readonly horizon: number;
  /** Number of rolling origins (default 3). Origins sit at n − horizon − i·step, i = 0..origins−1. */
  readonly origins?: number;
  /** Steps between origins (default: horizon). */
  readonly step?: number;
  /** Largest number of top-ranked candidates averaged (default 3). 1 = pure selection. */
  readonly maxCombine?: number;
  /** Least points a training prefix must have (default 2·horizon). */
  readonly minTrain?: number;
  /** Origins (the most recent) on which every candidate is scored before screening (default 2). */
  readonly screenOrigins?: number;
  /** Candidates kept after screening for the remaining origins (default: two thirds of them, at least 4). */
  readonly keep?: number;
}

interface BacktestRun {
  /** origin index → forecast point (or undefined when failed) */
  points: (number[] | undefined)[];
  /** origin index → half-width of the model's own 80% interval, per step */
  widths: (number[] | undefined)[];
  error?: string;
}

const Z80 = zForLevel(80);

/**
 * Automatic choice and combination by rolling-origin backtest (Tashman 2000; Hyndman & Athanasopoulos,
 * FPP3 §5.10). Every candidate is fitted at each origin and scored by MAE over the next `horizon` steps;
 * the forecast is the mean of the top k candidates, with k ≤ `maxCombine` chosen by the same backtest.
 * Intervals are conformal (Vovk et al. 2005; split-conformal with normalised scores, Papadopoulos 2008):
 * the backtest errors of the chosen combination, divided by the members' own interval half-widths, give
 * quantiles that are scaled back by the final half-widths. So their coverage is calibrated on this series.
 *
 * `Fitted.params` carries the scores of every candidate, the chosen members and the conformal quantiles,
 * so each number can be traced to its backtest.
 *
 * @throws ModcapError MODEL_FIT when every candidate fails
 * @example auto({ candidates: [snaive([24]), ets()], horizon: 48 }).fit(y, { periods: [24] }).predict(48)
 */
export function auto(opts: AutoOptions): Model {
  const origins = opts.origins ?? 3;
  const stepOpt = opts.step;
  const maxCombine = opts.maxCombine ?? 3;
  const screenOrigins = opts.screenOrigins ?? 2;
  return {
    name: 'auto',
    fit(y, options = {}) {
      const candidates =
        typeof opts.candidates === 'function' ? opts.candidates(y, options) : opts.candidates;
      if (candidates.length === 0) throw new ModcapError('BAD_ARGUMENT', 'auto: no candidate models');
      const n = y.length;
      const cutsFor = (hb: number, st: number) => {
        const out: number[] = [];
        const minTrain = opts.minTrain ?? 2 * hb;
        for (let i = 0; i < origins; i++) {
          const cut = n - hb - i * st;
          if (cut >= minTrain) out.push(cut);
        }
        return out;
      };
      // the backtest horizon is the forecast horizon, unless history is too short to hold enough origins
      // of it: then shorter windows are scored (their scores still rank models and calibrate intervals)
      let h = opts.horizon;
      let step = stepOpt ?? h;
      let cuts = cutsFor(h, step);
      if (cuts.length < Math.min(origins, 3) && !opts.minTrain) {
        const hb = Math.max(1, Math.floor(n / (origins + 2)));
        if (hb < h) {
          h = hb;
          step = Math.min(stepOpt ?? hb, hb);
          cuts = cutsFor(h, step);
        }
      }
      const weights = options.weights;
      // actuals per origin, NaN where the point carries no weight (imputed gaps, cleaned anomalies)
      const actuals = cuts.map((cut) =>
        y.slice(cut, cut + h).map((v, k) => (weights && weights[cut + k] === 0 ? Number.NaN : v)),
      );

      const runs: BacktestRun[] = candidates.map(() => ({ points: [], widths: [] }));
      const fitAt = (i: number, o: number) => {
        const run = runs[i];
        if (run.error) return;
        try {
          const cut = cuts[o];
          const f = candidates[i]
            .fit(y.slice(0, cut), sliceOptions(options, cut))
            .predict(h, { levels: [80] });
          run.points[o] = f.point;
          run.widths[o] = halfWidths(f, Z80);
        } catch (e) {
          run.error = (e as Error).message;
        }
      };
      const meanMae = (i: number, originCount: number) => {
        let s = 0;
        for (let o = 0; o < originCount; o++) s += mae(actuals[o], runs[i].points[o]!);
        return originCount ? s / originCount : 0;
      };
      // screening: every candidate on the most recent origins; only the best `keep` go on to the rest
      const screenN = Math.min(screenOrigins, cuts.length);
      for (let i = 0; i < candidates.length; i++) for (let o = 0; o < screenN; o++) fitAt(i, o);
      const alive = candidates.map((_, i) => i).filter((i) => !runs[i].error);
      const keep = opts.keep ?? Math.max(4, Math.ceil((2 * candidates.length) / 3));
      const kept = new Set(
        cuts.length > screenN && alive.length > keep
          ? alive.sort((a, b) => meanMae(a, screenN) - meanMae(b, screenN)).slice(0, keep)
          : alive,
      );
      for (const i of kept) for (let o = screenN; o < cuts.length; o++) fitAt(i, o);

      const scores: CandidateScore[] = candidates.map((model, i) => {
        const run = runs[i];
        if (run.error) return { model: model.name, mae: Number.NaN, origins: cuts.length, error: run.error };
        const used = kept.has(i) ? cuts.length : screenN;
        return {
          model: model.name,
          mae: meanMae(i, used),
          origins: used,
          ...(kept.has(i) ? {} : { screenedOut: true }),
        };
      });
      const ok = scores
        .map((s, i) => ({ s, i }))
        .filter(({ s, i }) => !Number.isNaN(s.mae) && kept.has(i) && !runs[i].error);
      ok.sort((a, b) => a.s.mae - b.s.mae);
      const screened = scores
        .map((s, i) => ({ s, i }))
        .filter(({ i }) => !kept.has(i) && !runs[i].error)
        .sort((a, b) => a.s.mae - b.s.mae);
      const order0 = [...ok, ...screened];
      const ranked = scores.map((s) => {
        const r = order0.findIndex((o) => o.s === s);
        return r >= 0 ? { ...s, rank: r + 1 } : s;
      });

      // rank by mean MAE over a set of origins, then choose k (1..maxCombine) by the error of the mean of the top k
      const maeAt = candidates.map((_, i) =>
        cuts.map((_, o) =>
          runs[i].error || !runs[i].points[o] ? Number.NaN : mae(actuals[o], runs[i].points[o]!),
        ),
      );
      const choose = (originSet: readonly number[]) => {
        const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
        const order = ok
          .map(({ i }) => ({ i, err: avg(originSet.map((o) => maeAt[i][o])) }))
          .sort((a, b) => a.err - b.err)
          .map((o) => o.i);
        let bestK = 1;
        let bestErr = Number.POSITIVE_INFINITY;
        const combos: { k: number; mae: number }[] = [];
        for (let k = 1; k <= Math.min(maxCombine, order.length); k++) {
          const members = order.slice(0, k);
          const err = avg(
            originSet.map((o) => mae(actuals[o], meanOf(members.map((m) => runs[m].points[o]!)))),
          );
          combos.push({ k, mae: err });
          if (err < bestErr - 1e-12) {
            bestErr = err;
            bestK = k;
          }
        }
        return { order, bestK, combos };
      };
      const allOrigins = cuts.map((_, o) => o);
      const { order, bestK, combos } = choose(allOrigins);

      // refit the chosen members on the whole series; a member that fails now is dropped
      const finals: { name: string; fitted: Fitted; index: number }[] = [];
      for (const i of order) {
        if (finals.length >= bestK) break;
        try {
          finals.push({ name: candidates[i].name, fitted: candidates[i].fit(y, options), index: i });
        } catch {
          /* next best candidate */
        }
      }
      if (finals.length === 0) {
        const why = scores.map((s) => `${s.model}: ${s.error ?? 'failed'}`).join('; ');
        throw new ModcapError('MODEL_FIT', `auto: every candidate failed (${why})`);
      }

      // conformal scores, (actual − point) / half-width, kept honest by cross-fitting: the scores at
      // origin o come from the combination the OTHER origins would have chosen, so the optimism of
      // choosing on the same backtest does not shrink the intervals
      const confScores: number[] = [];
      for (const o of allOrigins) {
        const others = allOrigins.filter((x) => x !== o);
        const pick = others.length ? choose(others) : { order, bestK };
        const members = pick.order.slice(0, pick.bestK);
        const pts = meanOf(members.map((m) => runs[m].points[o]!));
        const wds = meanOf(members.map((m) => runs[m].widths[o]!));
        for (let k = 0; k < h; k++) {
          const a = actuals[o][k];
          if (Number.isNaN(a) || !pts.length) continue;
          confScores.push((a - pts[k]) / Math.max(wds[k], 1e-9));
        }
      }

      const fittedValues = meanOf(finals.map((f) => f.fitted.fitted as number[]));
      const chosen = finals.map((f) => f.name);
      return {
        model: chosen.length === 1 ? chosen[0] : `mean(${chosen.join(', ')})`,
        params: {
          chosen,
          members: finals.map((f) => ({ model: f.fitted.model, params: f.fitted.params })),
          scores: ranked,
          combinations: combos,
          backtest: { origins: cuts.length, horizon: h, step, metric: 'mae' },
          conformal: { scores: confScores.length },
        },
        fitted: fittedValues,
        predict(horizon, predictOptions = {}): Forecast {
          const levels = predictOptions.levels ?? DEFAULT_LEVELS;
          checkLevels(levels);
          const fs = finals.map((f) => f.fitted.predict(horizon, { levels: [80] }));
          const point = meanOf(fs.map((f) => f.point)).map((p) => Math.max(0, p));
          const widths = meanOf(fs.map((f) => halfWidths(f, Z80)));
          return { point, intervals: conformalIntervals(point, widths, confScores, levels, fs, Z80) };
        },
      };
    },
  };
}

/** Half-width of a forecast's interval at the level whose z is `z`, recovered from its upper bound. */
function halfWidths(f: Forecast, _z: number): number[] {
  const iv = f.intervals[0];
  return f.point.map((p, k) => Math.max(iv.upper[k] - p, p - iv.lower[k], 0));
}

function meanOf(rows: readonly (readonly number[])[]): number[] {
  if (rows.length === 0) return [];
  const out = new Array<number>(rows[0].length).fill(0);
  for (const r of rows) for (let k = 0; k < out.length; k++) out[k] += r[k];
  return out.map((v) => v / rows.length);
}

/**
 * Conformal intervals from normalised backtest scores; with fewer than 20 scores falls back to the
 * members' own intervals (normal widths rescaled to each level).
 */
function conformalIntervals(
  point: readonly number[],
  widths: readonly number[],
  scores: readonly number[],
  levels: readonly number[],
  _members: readonly Forecast[],
  z80: number,
) {
  return levels.map((level) => {
    const alpha = 1 - level / 100;
    let qLo: number;
    let qHi: number;
    if (scores.length >= 20) {
      const m = scores.length;
      // finite-sample correction: the ⌈(m+1)(1−α/2)⌉/m empirical quantile
      const pHi = Math.min(1, Math.ceil((m + 1) * (1 - alpha / 2)) / m);
      const pLo = Math.max(0, 1 - pHi);
      qLo = quantile(scores, pLo);
      qHi = quantile(scores, pHi);
    } else {
      const zl = zForLevel(level) / z80;
      qLo = -zl;
      qHi = zl;
    }
    return {
      level,
      lower: point.map((p, k) => Math.max(0, Math.min(p, p + qLo * widths[k]))),
      upper: point.map((p, k) => Math.max(0, Math.max(p, p + qHi * widths[k]))),
    };
  });
}
