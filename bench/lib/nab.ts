/**
 * The Numenta Anomaly Benchmark's scoring, written from NAB's description and its `nab/sweeper.py`,
 * `nab/runner.py` (normalisation) and `nab/util.py` (probation): windows as given in
 * `labels/combined_windows.json`, the probationary period, the scaled sigmoid, the earliest detection per
 * window, false positives weighted by their distance after the preceding window, one threshold per detector
 * and profile swept over the whole corpus, and the normalisation 100·(raw − null)/(perfect − null).
 *
 * Reference: Lavin & Ahmad (2015), "Evaluating real-time anomaly detection algorithms — the Numenta Anomaly
 * Benchmark", arXiv:1510.03336; Ahmad et al. (2017), Neurocomputing 262, doi:10.1016/j.neucom.2017.04.070.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalTail } from '../../src/forecast/anomalies/stream/normal-tail.ts';
import { mulberry32 } from '../../src/random.ts';

/** A scoring profile's cost matrix (NAB `config/profiles.json`). */
export interface NabProfile {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** The three profile names NAB scores. */
export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/**
 * NAB's three profiles, as in `config/profiles.json`.
 * @example NAB_PROFILES.standard.fpWeight // => 0.11
 */
export const NAB_PROFILES: Readonly<Record<NabProfileName, NabProfile>> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

/** The profile names in NAB's report order. */
export const NAB_PROFILE_NAMES: readonly NabProfileName[] = [
  'standard',
  'reward_low_FP_rate',
  'reward_low_FN_rate',
];

/**
 * Number of leading rows NAB does not score: min(floor(p·n), p·5000) with p = 0.15 (`Sweeper._getProbationaryLength`).
 * Rows with index < this value are probationary.
 * @example probationLength(4032) // => 604
 */
export function probationLength(n: number, percent = 0.15): number {
  return Math.min(Math.floor(percent * n), percent * 5000);
}

/**
 * NAB's scaled sigmoid: 2/(1+e^{5x}) − 1, and −1 for x ≥ 3 (a false positive far behind any window).
 * @example scaledSigmoid(0) // => 0
 */
export function scaledSigmoid(x: number): number {
  if (x >= 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

/** One labelled data file: its rows and its anomaly windows as inclusive row-index pairs. */
export interface NabFile {
  /** Relative path such as `realKnownCause/nyc_taxi.csv`. */
  readonly name: string;
  readonly category: string;
  /** Epoch ms, UTC. */
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
  /** Inclusive [first, last] row indices of each window, in time order. */
  readonly windows: readonly (readonly [number, number])[];
}

/** The per-row material of the sweep: NAB's `AnomalyPoint` without the timestamp. */
export interface SweepRows {
  /** Anomaly score of each scorable (non-probationary) row. */
  readonly scores: Float64Array;
  /** The row's weighted contribution if detected (TP share inside a window, FP cost outside). */
  readonly sweepScores: Float64Array;
  /** Window id (offset + window number) of the row, or −1 outside windows. */
  readonly windowIds: Int32Array;
  /** Window ids met among the scorable rows (each starts at −fnWeight). */
  readonly windowsSeen: readonly number[];
}

/**
 * NAB's `Sweeper.calcSweepScore`: for each row after probation, the score it adds when detected.
 * Inside a window of width w with right edge r, row i adds tpWeight·σs(−(r − i + 1)/w)/σs(−1); outside, it adds
 * fpWeight·σs(|i − r′|/(w′ − 1)) for the preceding window (r′, w′), or −fpWeight when no window came before.
 * @example sweepRows([0, 0, 1], [[2, 2]], NAB_PROFILES.standard).sweepScores.length // => 3
 */
export function sweepRows(
  anomalyScores: readonly number[],
  windows: readonly (readonly [number, number])[],
  profile: NabProfile,
  windowIdOffset = 0,
): SweepRows {
  const n = anomalyScores.length;
  const probation = probationLength(n);
  const first = Math.min(n, Math.ceil(probation));
  const m = n - first;
  const scores = new Float64Array(m);
  const sweepScores = new Float64Array(m);
  const windowIds = new Int32Array(m).fill(-1);
  const seen = new Set<number>();
  const maxTp = scaledSigmoid(-1);
  let w = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    while (w < windows.length && windows[w][1] < i) {
      prevRight = windows[w][1];
      prevWidth = windows[w][1] - windows[w][0] + 1;
      w++;
    }
    const inWindow = w < windows.length && i >= windows[w][0];
    let s: number;
    if (inWindow) {
      const [left, right] = windows[w];
      const width = right - left + 1;
      s = (scaledSigmoid(-(right - i + 1) / width) * profile.tpWeight) / maxTp;
    } else if (prevRight < 0) {
      s = scaledSigmoid(3) * profile.fpWeight;
    } else {
      s = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1)) * profile.fpWeight;
    }
    if (i < first) continue;
    const k = i - first;
    const a = anomalyScores[i];
    scores[k] = Number.isNaN(a) ? Number.NEGATIVE_INFINITY : a;
    sweepScores[k] = s;
    if (inWindow) {
      windowIds[k] = windowIdOffset + w;
      seen.add(windowIdOffset + w);
    }
  }
  return { scores, sweepScores, windowIds, windowsSeen: [...seen] };
}

/** The corpus score at one threshold, with its counts of rows (NAB's `ThresholdScore`). */
export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly fp: number;
}

/**
 * NAB's `Sweeper.calcScoreByThreshold` over many files at once: sort every scorable row by anomaly score,
 * lower the threshold through each distinct score, and keep the total score (detection = score ≥ threshold).
 * The first entry is threshold 1.1 with no detection (when all scores are ≤ 1.1). O(n log n).
 * @example sweepThresholds([sweepRows([0, 1], [[1, 1]], NAB_PROFILES.standard)], NAB_PROFILES.standard).length // => 2
 */
export function sweepThresholds(parts: readonly SweepRows[], profile: NabProfile): ThresholdScore[] {
  let total = 0;
  const best = new Map<number, number>();
  for (const p of parts) {
    for (const id of p.windowsSeen) {
      best.set(id, -profile.fnWeight);
      total -= profile.fnWeight;
    }
  }
  let n = 0;
  for (const p of parts) n += p.scores.length;
  const score = new Float64Array(n);
  const sweep = new Float64Array(n);
  const win = new Int32Array(n);
  let k = 0;
  for (const p of parts) {
    score.set(p.scores, k);
    sweep.set(p.sweepScores, k);
    win.set(p.windowIds, k);
    k += p.scores.length;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => score[b] - score[a]);
  const out: ThresholdScore[] = [];
  let threshold = n > 0 && score[order[0]] >= 1.1 ? score[order[0]] + 1 : 1.1;
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (score[i] === Number.NEGATIVE_INFINITY) break;
    if (score[i] !== threshold) {
      out.push({ threshold, score: total, tp, fp });
      threshold = score[i];
    }
    const id = win[i];
    if (id < 0) {
      fp++;
      total += sweep[i];
    } else {
      tp++;
      const prev = best.get(id) ?? -profile.fnWeight;
      if (sweep[i] > prev) {
        total += sweep[i] - prev;
        best.set(id, sweep[i]);
      }
    }
  }
  out.push({ threshold, score: total, tp, fp });
  return out;
}

/**
 * The best threshold: the highest total score, the highest threshold among ties (NAB sorts by score,
 * stably, from the highest threshold down).
 * @example bestThreshold([{ threshold: 1.1, score: -1, tp: 0, fp: 0 }]).score // => -1
 */
export function bestThreshold(scores: readonly ThresholdScore[]): ThresholdScore {
  let best = scores[0];
  for (const s of scores) if (s.score > best.score) best = s;
  return best;
}

/**
 * Raw score of one file at a fixed threshold (NAB `Sweeper.scoreDataSet`): detections are rows with score ≥ threshold.
 * @example scoreFile([0, 1], [[1, 1]], NAB_PROFILES.standard, 0.5) // => 1
 */
export function scoreFile(
  anomalyScores: readonly number[],
  windows: readonly (readonly [number, number])[],
  profile: NabProfile,
  threshold: number,
): number {
  const rows = sweepRows(anomalyScores, windows, profile);
  let total = 0;
  const best = new Map<number, number>();
  for (const id of rows.windowsSeen) best.set(id, -profile.fnWeight);
  for (let i = 0; i < rows.scores.length; i++) {
    if (!(rows.scores[i] >= threshold)) continue;
    const id = rows.windowIds[i];
    if (id < 0) total += rows.sweepScores[i];
    else best.set(id, Math.max(best.get(id) ?? -profile.fnWeight, rows.sweepScores[i]));
  }
  for (const v of best.values()) total += v;
  return total;
}

/**
 * NAB's normalisation (`runner.normalize`): 100·(raw − null)/(perfect − null), with null = −fnWeight·windows
 * (the detector that never fires) and perfect = tpWeight·windows.
 * @example normaliseScore(0, 10, NAB_PROFILES.standard) // => 50
 */
export function normaliseScore(raw: number, windowCount: number, profile: NabProfile): number {
  const nullScore = -profile.fnWeight * windowCount;
  const perfect = profile.tpWeight * windowCount;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** One detector's result on a corpus for one profile. */
export interface NabProfileResult {
  readonly profile: NabProfileName;
  readonly threshold: number;
  readonly raw: number;
  readonly normalised: number;
  /** Raw score of each file at the corpus threshold, by file name. */
  readonly perFile: ReadonlyMap<string, number>;
  readonly windowCount: number;
}

/**
 * Score a detector's per-file anomaly scores on a corpus for one profile: one threshold swept over all files,
 * then each file scored at it.
 * @example scoreCorpus(files, scores, 'standard').normalised // => a number between about −100 and 100
 */
export function scoreCorpus(
  files: readonly NabFile[],
  scores: readonly (readonly number[])[],
  profileName: NabProfileName,
): NabProfileResult {
  const profile = NAB_PROFILES[profileName];
  const parts: SweepRows[] = [];
  let offset = 0;
  let windowCount = 0;
  files.forEach((f, i) => {
    parts.push(sweepRows(scores[i], f.windows, profile, offset));
    offset += f.windows.length;
    windowCount += f.windows.length;
  });
  const best = bestThreshold(sweepThresholds(parts, profile));
  const perFile = new Map<string, number>();
  let raw = 0;
  files.forEach((f, i) => {
    const s = scoreFile(scores[i], f.windows, profile, best.threshold);
    perFile.set(f.name, s);
    raw += s;
  });
  return {
    profile: profileName,
    threshold: best.threshold,
    raw,
    normalised: normaliseScore(raw, windowCount, profile),
    perFile,
    windowCount,
  };
}

/**
 * Parse NAB's `YYYY-MM-DD HH:MM:SS[.ffffff]` as UTC epoch ms.
 * @example parseNabTime('2014-07-01 00:30:00') // => 1404174600000
 */
export function parseNabTime(s: string): number {
  const t = Date.parse(`${s.trim().slice(0, 19).replace(' ', 'T')}Z`);
  if (Number.isNaN(t)) throw new Error(`bad NAB timestamp ${s}`);
  return t;
}

/**
 * Map windows given as timestamps to inclusive row-index pairs: first row ≥ start, last row ≤ end (NAB's
 * timestamps are rows of the file, so these are exact matches).
 * @example windowIndices([0, 10, 20, 30], [[10, 20]]) // => [[1, 2]]
 */
export function windowIndices(
  timestamps: readonly number[],
  windows: readonly (readonly [number, number])[],
): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of windows) {
    const left = timestamps.findIndex((t) => t >= a);
    if (left < 0 || timestamps[left] > b) continue;
    let right = left;
    while (right + 1 < timestamps.length && timestamps[right + 1] <= b) right++;
    out.push([left, right]);
  }
  return out;
}

/**
 * Read NAB data files of the given categories with their windows from a NAB checkout (data/, labels/).
 * @example loadNabCorpus('/work/shared/data/nab', ['realKnownCause']).length // => 7
 */
export function loadNabCorpus(root: string, categories: readonly string[]): NabFile[] {
  const windowsJson = JSON.parse(
    readFileSync(join(root, 'labels', 'combined_windows.json'), 'utf8'),
  ) as Record<string, [string, string][]>;
  const files: NabFile[] = [];
  for (const category of categories) {
    const dir = join(root, 'data', category);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.csv'))
      .sort()) {
      const name = `${category}/${file}`;
      const lines = readFileSync(join(dir, file), 'utf8').split('\n');
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i].trim();
        if (!line) continue;
        const comma = line.indexOf(',');
        timestamps.push(parseNabTime(line.slice(0, comma)));
        values.push(Number(line.slice(comma + 1)));
      }
      const limits = (windowsJson[name] ?? []).map(([a, b]) => [parseNabTime(a), parseNabTime(b)] as const);
      files.push({ name, category, timestamps, values, windows: windowIndices(timestamps, limits) });
    }
  }
  return files;
}

/**
 * NAB's windowed Gaussian reference detector (`nab/detectors/gaussian/windowedGaussian_detector.py`): the score
 * is 1 − Q(|x − mean|/sd) for the mean and (population) sd of a window of past values; the window grows to 6400
 * values, then slides by steps of 100 values.
 * @example windowedGaussianScores([1, 2, 3])[0] // => 0
 */
export function windowedGaussianScores(
  values: readonly number[],
  windowSize = 6400,
  stepSize = 100,
): number[] {
  const out: number[] = [];
  let window: number[] = [];
  let buffer: number[] = [];
  let mean = 0;
  let sd = 1;
  const refresh = () => {
    let s = 0;
    for (const v of window) s += v;
    mean = s / window.length;
    let q = 0;
    for (const v of window) q += (v - mean) ** 2;
    sd = Math.sqrt(q / window.length);
    if (sd === 0) sd = 0.000001;
  };
  for (const x of values) {
    out.push(window.length > 0 ? 1 - normalTail(Math.abs(x - mean) / sd) : 0);
    if (window.length < windowSize) {
      window.push(x);
      refresh();
    } else {
      buffer.push(x);
      if (buffer.length === stepSize) {
        window = window.slice(stepSize).concat(buffer);
        buffer = [];
        refresh();
      }
    }
  }
  return out;
}

/**
 * A random detector: uniform scores from a seeded generator (mulberry32), as NAB's `random` baseline.
 * @example randomScores(3, 1).length // => 3
 */
export function randomScores(n: number, seed: number): number[] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => u());
}
