/** The single modcap models the benchmarks score one by one (the automatic choice is scored separately). */
import { ar } from '../../src/forecast/models/ar.ts';
import { ets } from '../../src/forecast/models/ets.ts';
import { mstl } from '../../src/forecast/models/mstl.ts';
import { regression } from '../../src/forecast/models/regression.ts';
import { snaive } from '../../src/forecast/models/snaive.ts';
import { theta } from '../../src/forecast/models/theta.ts';
import type { Model } from '../../src/forecast/types.ts';

export interface SingleModel {
  label: string;
  model: Model;
}

/** Hourly single models with the periods 24 and 168 (the candidates of the automatic choice). */
export function singleModels(): SingleModel[] {
  return [
    { label: 'snaive(24)', model: snaive([24]) },
    { label: 'snaive(168)', model: snaive([168]) },
    { label: 'ar', model: ar() },
    { label: 'ets (AICc)', model: ets() },
    { label: 'mstl(24,168)+ets(A,Ad,N) log1p', model: mstl({ periods: [24, 168], transform: 'log1p' }) },
    { label: 'theta(24)', model: theta({ period: 24 }) },
    { label: 'regression', model: regression() },
  ];
}
