/**
 * Quick in-process M4 Hourly run of single models (for development).
 * Usage: node --import tsx bench/m4-quick.ts [--limit N]
 */
import { parseArgs } from 'node:util';
import { coverage } from '../src/forecast/metrics.ts';
import { ar } from '../src/forecast/models/ar.ts';
import { auto } from '../src/forecast/models/auto.ts';
import { snaive } from '../src/forecast/models/snaive.ts';
import type { Model } from '../src/forecast/types.ts';
import { loadM4Hourly, M4_H, scoreM4, summarise } from './lib/m4.ts';

const { values } = parseArgs({ options: { limit: { type: 'string' }, every: { type: 'string' } } });
let series = loadM4Hourly();
if (values.every) series = series.filter((_, i) => i % Number(values.every) === 0);
if (values.limit) series = series.slice(0, Number(values.limit));
const periods = [24, 168];
const cands = () => [snaive([24]), snaive([168]), ar()];
const models: Record<string, Model> = {
  snaive24: snaive([24]),
  snaive168: snaive([168]),
  ar: ar(),
  auto: auto({ candidates: cands(), horizon: M4_H }),
};
for (const [name, model] of Object.entries(models)) {
  const t0 = performance.now();
  const scores = [];
  let c80 = 0;
  let c95 = 0;
  let fails = 0;
  for (const s of series) {
    try {
      const f = model.fit(s.train, { periods }).predict(M4_H, { levels: [80, 95] });
      scores.push(scoreM4(s, f.point));
      c80 += coverage(s.test, f.intervals[0].lower, f.intervals[0].upper);
      c95 += coverage(s.test, f.intervals[1].lower, f.intervals[1].upper);
    } catch (e) {
      fails++;
      const f = snaive([24]).fit(s.train).predict(M4_H);
      scores.push(scoreM4(s, f.point));
    }
  }
  const ms = (performance.now() - t0) / series.length;
  const sum = summarise(scores);
  console.log(
    `${name.padEnd(12)} sMAPE ${sum.smape.toFixed(3)} MASE ${sum.mase.toFixed(3)} OWA ${sum.owa.toFixed(3)} ` +
      `cov80 ${(c80 / series.length).toFixed(3)} cov95 ${(c95 / series.length).toFixed(3)} ${ms.toFixed(1)} ms/series fails ${fails}`,
  );
}
