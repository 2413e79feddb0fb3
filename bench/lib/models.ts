/** The single modcap models the benchmarks score one by one (the automatic choice is scored separately). */
import { ar } from '../../src/forecast/models/ar.ts';
import { snaive } from '../../src/forecast/models/snaive.ts';
import type { Model } from '../../src/forecast/types.ts';

export interface SingleModel {
  label: string;
  model: Model;
}

export function singleModels(): SingleModel[] {
  return [
    { label: 'snaive(24)', model: snaive([24]) },
    { label: 'snaive(168)', model: snaive([168]) },
    { label: 'ar', model: ar() },
  ];
}
