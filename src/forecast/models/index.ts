/** Forecasting models: one file each, one contract (`fit(y, options) → Fitted`, `predict(h, { levels })`). */
export { type ArOptions, ar } from './ar.ts';
export { type AutoOptions, auto, type CandidateScore } from './auto.ts';
export { type CrostonOptions, classifyDemand, croston, isIntermittent } from './croston.ts';
export { type EtsOptions, ets } from './ets.ts';
export { holtDamped, type MstlModelOptions, mstl } from './mstl.ts';
export { type RegressionOptions, regression } from './regression.ts';
export { snaive } from './snaive.ts';
export { seasonalityTest, type ThetaOptions, theta } from './theta.ts';
export { type TsbOptions, tsb } from './tsb.ts';
