/**
 * M4 Hourly loader and scorer (conventions in ../shared/data/m4/README.md: h = 48, m = 24,
 * OWA against Naive2 sMAPE 18.383 and MASE 2.395 from the official "Evaluation and Ranks.xlsx").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mase, smape } from '../../src/forecast/metrics.ts';

export const M4_DIR = resolve(import.meta.dirname, '../../../shared/data/m4');
export const M4_H = 48;
export const M4_M = 24;
export const NAIVE2 = { smape: 18.383, mase: 2.395 };

export interface M4Series {
  id: string;
  train: number[];
  test: number[];
}

function parseWide(path: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).slice(1);
  for (const line of lines) {
    if (!line.trim()) continue;
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    const id = cells[0];
    const vals = cells
      .slice(1)
      .filter((c) => c !== '')
      .map(Number);
    out.set(id, vals);
  }
  return out;
}

/** All 414 series, in file order. */
export function loadM4Hourly(dir = M4_DIR): M4Series[] {
  const train = parseWide(resolve(dir, 'Hourly-train.csv'));
  const test = parseWide(resolve(dir, 'Hourly-test.csv'));
  return [...train.entries()].map(([id, tr]) => ({ id, train: tr, test: test.get(id)! }));
}

export interface SeriesScore {
  smape: number;
  mase: number;
}

/** sMAPE and MASE of one forecast, M4 style. */
export function scoreM4(s: M4Series, point: readonly number[]): SeriesScore {
  return { smape: smape(s.test, point), mase: mase(s.test, point, s.train, M4_M) };
}

/** Mean sMAPE, mean MASE and OWA over a set of series scores. */
export function summarise(scores: readonly SeriesScore[]) {
  const sm = scores.reduce((a, s) => a + s.smape, 0) / scores.length;
  const ms = scores.reduce((a, s) => a + s.mase, 0) / scores.length;
  return { smape: sm, mase: ms, owa: (sm / NAIVE2.smape + ms / NAIVE2.mase) / 2 };
}
