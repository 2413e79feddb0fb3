/** Decompositions of a series into trend, seasonal and remainder parts. */
export { type ClassicalDecomposition, classicalDecompose } from './classical.ts';
export { loessAt, loessSmooth, movingAverage, nextOdd } from './loess.ts';
export { type MstlOptions, type MstlResult, mstlDecompose, type SeasonalComponent } from './mstl.ts';
export { type StlOptions, type StlResult, stl } from './stl.ts';
export { seasonalStrength } from './strength.ts';
