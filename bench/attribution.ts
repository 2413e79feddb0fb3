/**
 * Attribution accuracy on synthetic multi-dimensional misses.
 *
 *   node --import tsx bench/attribution.ts [--cases 300] [--seed 1] [--days 14] [--noise 0.03]
 *
 * Each case: 4–6 queues × 5–8 languages × 2–4 markets (about 10 % of the queue × language × market
 * leaves absent), skewed volumes (log-normal queue and market weights, Zipf-like language weights, a
 * log-normal cell interaction), daily periods. The actual of a leaf and day is a Poisson count around its
 * baseline times a log-normal day factor (sd `--noise`, 3 %); the forecast is the baseline
 * times its own error (sd `--noise`). One cause is injected into the actuals, chosen at random among: one
 * language, one queue, one queue × market cell, two languages; its size is +15 % to +60 % or (one case
 * in four) −15 % to −30 %. The check: is the top explanation's set of dimension values exactly the
 * injected one (top-1), or among the top three (top-3)?
 */
import { parseArgs } from 'node:util';
import { mulberry32, poisson, type Rng, standardNormal, uniform, uniformInt } from '../data/random.ts';
import { attributeMiss } from '../src/forecast/explain/attribute.ts';
import type { LeafTotal } from '../src/forecast/explain/types.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    days: { type: 'string', default: '14' },
    noise: { type: 'string', default: '0.03' },
  },
});
const CASES = Number(values.cases);
const SEED = Number(values.seed);
const DAYS = Number(values.days);
const NOISE = Number(values.noise);

const QUEUES = ['reviews', 'listings', 'comments', 'livestream', 'appeals', 'messages'];
const LANGS = ['en', 'es', 'pt', 'de', 'fr', 'ja', 'hi', 'ko'];
const MARKETS = ['US', 'BR', 'DE', 'JP'];
const TYPES = ['language', 'queue', 'queue×market', 'two languages'] as const;
type CaseType = (typeof TYPES)[number];

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function missSize(rng: Rng, negative: boolean): number {
  return negative ? -uniform(rng, 0.15, 0.3) : uniform(rng, 0.15, 0.6);
}

interface Case {
  type: CaseType;
  truth: Record<string, string>[];
  leaves: LeafTotal[];
}

function makeCase(rng: Rng, type: CaseType): Case {
  const queues = QUEUES.slice(0, uniformInt(rng, 4, 6));
  const langs = LANGS.slice(0, uniformInt(rng, 5, 8));
  const markets = MARKETS.slice(0, uniformInt(rng, 2, 4));
  const qw = queues.map(() => Math.exp(0.8 * standardNormal(rng)));
  const lw = shuffle(
    rng,
    langs.map((_, r) => (1 / (r + 1) ** 1.1) * Math.exp(0.3 * standardNormal(rng))),
  );
  const mw = markets.map(() => Math.exp(0.6 * standardNormal(rng)));
  const total = 2_000_000 * uniform(rng, 0.2, 2); // items per day over all leaves
  type Leaf = { key: Record<string, string>; base: number };
  const raw: Leaf[] = [];
  queues.forEach((q, i) => {
    langs.forEach((l, j) => {
      markets.forEach((m, k) => {
        if (rng() < 0.1) return; // this queue × language × market does not exist
        raw.push({
          key: { queue: q, language: l, market: m },
          base: qw[i] * lw[j] * mw[k] * Math.exp(0.3 * standardNormal(rng)),
        });
      });
    });
  });
  const sum = raw.reduce((s, x) => s + x.base, 0);
  for (const x of raw) x.base = (x.base / sum) * total;

  let truth: Record<string, string>[];
  const size = new Map<string, number>();
  const pick = <T>(xs: readonly T[]) => xs[uniformInt(rng, 0, xs.length - 1)];
  if (type === 'language') truth = [{ language: pick(langs) }];
  else if (type === 'queue') truth = [{ queue: pick(queues) }];
  else if (type === 'queue×market') {
    const present = raw.map((x) => `${x.key.queue}|${x.key.market}`);
    const [q, m] = pick(present).split('|');
    truth = [{ queue: q, market: m }];
  } else {
    const [a, b] = shuffle(rng, langs).slice(0, 2);
    truth = [{ language: a }, { language: b }];
  }
  // two languages move in the same direction, each by its own amount
  const negative = rng() < 0.25;
  for (const t of truth) size.set(JSON.stringify(t), missSize(rng, negative));
  const leaves: LeafTotal[] = raw.map((x) => {
    let lift = 0;
    for (const t of truth) {
      if (Object.entries(t).every(([d, v]) => x.key[d] === v)) lift = size.get(JSON.stringify(t)) ?? 0;
    }
    let f = 0;
    let a = 0;
    for (let d = 0; d < DAYS; d++) {
      const dayMean = x.base * Math.exp(NOISE * standardNormal(rng) - (NOISE * NOISE) / 2);
      a += poisson(rng, dayMean * (1 + lift));
      f += x.base * (1 + NOISE * standardNormal(rng));
    }
    return { key: x.key, forecast: f, actual: a };
  });
  return { type, truth, leaves };
}

const canon = (set: readonly Readonly<Record<string, string>>[]) =>
  set
    .map((e) =>
      Object.keys(e)
        .sort()
        .map((k) => `${k}=${e[k]}`)
        .join('&'),
    )
    .sort()
    .join(' + ');

const rng = mulberry32(SEED);
const stats = new Map<CaseType, { n: number; top1: number; top3: number }>();
const misses: string[] = [];
const t0 = performance.now();
for (let c = 0; c < CASES; c++) {
  const type = TYPES[c % TYPES.length];
  const k = makeCase(rng, type);
  const result = attributeMiss(k.leaves);
  const truth = canon(k.truth);
  const got = result.explanations.map((e) => canon(e.dimensions));
  const s = stats.get(type) ?? { n: 0, top1: 0, top3: 0 };
  s.n++;
  if (got[0] === truth) s.top1++;
  else if (misses.length < 12)
    misses.push(`case ${c} (${type}): injected ${truth}; top: ${got.slice(0, 3).join(' | ') || '(none)'}`);
  if (got.slice(0, 3).includes(truth)) s.top3++;
  stats.set(type, s);
}
const ms = performance.now() - t0;

const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)} %`;
console.log(`# Attribution accuracy: ${CASES} cases, seed ${SEED}, ${DAYS} days, noise ${NOISE}\n`);
console.log('| case type | cases | top-1 | top-3 |');
console.log('|---|---:|---:|---:|');
let n = 0;
let t1 = 0;
let t3 = 0;
for (const type of TYPES) {
  const s = stats.get(type);
  if (!s) continue;
  n += s.n;
  t1 += s.top1;
  t3 += s.top3;
  console.log(`| ${type} | ${s.n} | ${pct(s.top1, s.n)} | ${pct(s.top3, s.n)} |`);
}
console.log(`| **all** | ${n} | **${pct(t1, n)}** | ${pct(t3, n)} |`);
console.log(`\n${(ms / CASES).toFixed(1)} ms per case.`);
if (misses.length > 0) console.log(`\nFirst misses:\n${misses.map((m) => `- ${m}`).join('\n')}`);
