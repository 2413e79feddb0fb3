/** Anomalies in history (batch), as data arrives (streaming), level shifts and data problems. */
export {
  combineDetections,
  type DetectAnomaliesOptions,
  detectAnomalies,
  detectAnomaliesMany,
  detectAnomaliesWithPool,
  detectSeriesSafely,
  pooledZeroRuns,
  type ZeroRunCandidate,
  type ZeroRunPool,
} from './batch.ts';
export { matchEvents } from './match-events.ts';
export { levelShifts, pelt } from './pelt.ts';
export { findGaps, qualityIssues } from './quality.ts';
export { shesd } from './shesd.ts';
export { createStreamDetector, streamScores } from './streaming.ts';
export type { Anomaly, AnomalyKind } from './types.ts';
