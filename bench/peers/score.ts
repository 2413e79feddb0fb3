/**
 * Sanity scoring of the peer outputs in bench/results/peers/*-m4.csv against the M4 hourly test set.
 * sMAPE per series = mean over h of 200·|y−ŷ|/(|y|+|ŷ|); reported as the mean over the series a file covers.
 * Also reports MASE (scale: in-sample seasonal naive, m = 24, as in M4) and empirical 80/95 % coverage.
 * For reference, seasonal naive over all 414 series is computed here too (expected sMAPE 13.912 per the data README).
 *
 * Run from the repository root:
 *   node --import tsx bench/peers/score.ts
 *
 * @example
 *   node --import tsx bench/peers/score.ts > /tmp/peers-score.txt
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const M4_DIR = process.env.M4_DIR ?? '/work/shared/data/m4';
const RES_DIR = 'bench/results/peers';
const H = 48;
const M = 24;

function readM4(path: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/).slice(1)) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.replace(/"/g, '').trim());
    out.set(
      cells[0] ?? '',
      cells
        .slice(1)
        .filter((c) => c !== '' && c !== 'NA')
        .map(Number),
    );
  }
  return out;
}

const train = readM4(join(M4_DIR, 'Hourly-train.csv'));
const test = readM4(join(M4_DIR, 'Hourly-test.csv'));

function scale(y: number[]): number {
  let s = 0;
  for (let t = M; t < y.length; t++) s += Math.abs((y[t] ?? 0) - (y[t - M] ?? 0));
  return s / (y.length - M);
}

interface Row {
  h: number;
  point: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

function scoreSeries(id: string, rows: Row[]) {
  const y = test.get(id) ?? [];
  const sc = scale(train.get(id) ?? []);
  let smape = 0;
  let mase = 0;
  let c80 = 0;
  let c95 = 0;
  let n80 = 0;
  let n95 = 0;
  for (const r of rows) {
    const a = y[r.h - 1] ?? Number.NaN;
    const f = r.point;
    const d = Math.abs(a) + Math.abs(f);
    smape += d === 0 ? 0 : (200 * Math.abs(a - f)) / d;
    mase += Math.abs(a - f) / sc;
    if (Number.isFinite(r.lo80) && Number.isFinite(r.hi80)) {
      n80++;
      if (a >= r.lo80 && a <= r.hi80) c80++;
    }
    if (Number.isFinite(r.lo95) && Number.isFinite(r.hi95)) {
      n95++;
      if (a >= r.lo95 && a <= r.hi95) c95++;
    }
  }
  return { smape: smape / rows.length, mase: mase / rows.length, c80, c95, n80, n95 };
}

function summarise(name: string, byId: Map<string, Row[]>): void {
  let s = 0;
  let m = 0;
  let c80 = 0;
  let c95 = 0;
  let n80 = 0;
  let n95 = 0;
  let bad = 0;
  for (const [id, rows] of byId) {
    const r = scoreSeries(id, rows);
    if (rows.length !== H || !Number.isFinite(r.smape)) {
      bad++;
      continue;
    }
    s += r.smape;
    m += r.mase;
    c80 += r.c80;
    c95 += r.c95;
    n80 += r.n80;
    n95 += r.n95;
  }
  const n = byId.size - bad;
  const cov = (c: number, k: number) => (k === 0 ? 'NA' : ((100 * c) / k).toFixed(1));
  console.log(
    `${name.padEnd(22)} series=${String(n).padStart(3)} incomplete=${bad} sMAPE=${(s / n).toFixed(3)} MASE=${(m / n).toFixed(3)} cov80=${cov(c80, n80)} cov95=${cov(c95, n95)}`,
  );
}

// Seasonal naive reference, all series.
const snaive = new Map<string, Row[]>();
for (const [id, y] of train) {
  const rows: Row[] = [];
  for (let h = 1; h <= H; h++) {
    const v = y[y.length - M + ((h - 1) % M)] ?? Number.NaN;
    rows.push({ h, point: v, lo80: Number.NaN, hi80: Number.NaN, lo95: Number.NaN, hi95: Number.NaN });
  }
  snaive.set(id, rows);
}
summarise('snaive (reference)', snaive);

const num = (s: string | undefined) => (s === undefined || s === '' || s === 'NA' ? Number.NaN : Number(s));
const models = new Map<string, Map<string, Row[]>>([['snaive', snaive]]);
for (const f of readdirSync(RES_DIR).sort()) {
  if (!f.endsWith('-m4.csv')) continue;
  const byId = new Map<string, Row[]>();
  for (const line of readFileSync(join(RES_DIR, f), 'utf8').split(/\r?\n/).slice(1)) {
    if (line.trim() === '') continue;
    const c = line.split(',').map((x) => x.replace(/"/g, ''));
    const id = c[0] ?? '';
    const list = byId.get(id) ?? [];
    list.push({
      h: num(c[1]),
      point: num(c[2]),
      lo80: num(c[3]),
      hi80: num(c[4]),
      lo95: num(c[5]),
      hi95: num(c[6]),
    });
    byId.set(id, list);
  }
  models.set(f.replace(/-m4\.csv$/, ''), byId);
  summarise(f.replace(/\.csv$/, ''), byId);
}

// Subset runs: compare every model that covers the same series on exactly those series.
const seen = new Set<string>();
for (const [name, byId] of models) {
  if (byId.size >= train.size) continue;
  const key = [...byId.keys()].sort().join(' ');
  if (seen.has(key)) continue;
  seen.add(key);
  console.log(`\nOn the ${byId.size} series of ${name}:`);
  for (const [other, o] of models) {
    if (![...byId.keys()].every((id) => o.has(id))) continue;
    const sub = new Map<string, Row[]>();
    for (const id of byId.keys()) sub.set(id, o.get(id) ?? []);
    summarise(`  ${other}`, sub);
  }
}
