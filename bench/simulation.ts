/**
 * Simulation against formulas (issue 4, target: largest gap in service level ≤ 2 points).
 *
 * Real-time: each case is staffed with staffRealTime (Erlang C, or Erlang A with patience), then
 * simulateRealTime plays Poisson arrivals at that staffing in steady state (constant load, warm-up
 * discarded, 8 replications); the formula's service level is compared with the simulated one.
 * Deferred: hourly profiles (26 weeks, one 8-week case at 5000/h) with daily / weekly cycles and opening
 * hours are staffed with staffDeferred (also timed: median of 5 runs per series); simulateDeferred plays
 * the integer plan with replications scaled to the volume (3 to 16); the plan's achieved share within T
 * (the formula, for the staffing returned) is compared with the simulated share.
 *
 * Usage: node --import tsx bench/simulation.ts   (writes bench/results/simulation.md)
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { staffDeferred } from '../src/capacity/deferred.ts';
import { simulateDeferred, simulateRealTime } from '../src/capacity/simulate.ts';
import { staffRealTime } from '../src/capacity/staffing.ts';

interface Row {
  kind: string;
  name: string;
  agents: string;
  formula: number;
  simulated: number;
  se: number;
  seconds: number;
}
const rows: Row[] = [];
const t0 = performance.now();
const loadStart = loadavg()[0];

// Real-time grid: loads from under one erlang to 600, three targets, Erlang C and Erlang A.
const INTERVAL = 1800;
const REPS = 8;
const CONTACTS_PER_CASE = 400_000;
const loads = [0.5, 2, 4, 10, 50, 200, 600];
const targets = [
  { level: 0.8, targetSeconds: 20 },
  { level: 0.9, targetSeconds: 30 },
  { level: 0.95, targetSeconds: 60 },
];
for (const patience of [undefined, 300]) {
  for (const a of loads) {
    for (const tg of targets) {
      const aht = a < 5 ? 180 : 300;
      const contacts = (a * INTERVAL) / aht;
      const staffed = staffRealTime({
        contactsPerInterval: contacts,
        intervalSeconds: INTERVAL,
        ahtSeconds: aht,
        target: { kind: 'service-level', ...tg },
        patienceSeconds: patience,
      });
      const warmup = 4;
      const intervals = warmup + Math.max(40, Math.ceil(CONTACTS_PER_CASE / REPS / contacts));
      const c0 = performance.now();
      const sim = simulateRealTime({
        arrivalsPerInterval: new Float64Array(intervals).fill(contacts),
        intervalSeconds: INTERVAL,
        agentsPerInterval: new Int32Array(intervals).fill(staffed.agents),
        ahtSeconds: aht,
        targetSeconds: tg.targetSeconds,
        patienceSeconds: patience,
        seed: rows.length + 1,
        replications: REPS,
        warmupIntervals: warmup,
      });
      rows.push({
        kind: patience === undefined ? 'real-time, Erlang C' : 'real-time, Erlang A (patience 300 s)',
        name: `A = ${a} erl, AHT ${aht} s, ${tg.level * 100}% in ${tg.targetSeconds} s`,
        agents: String(staffed.agents),
        formula: staffed.serviceLevel,
        simulated: sim.serviceLevel,
        se: sim.serviceLevelStdError,
        seconds: (performance.now() - c0) / 1000,
      });
    }
  }
}

// Deferred profiles: hourly, AHT 300 s; 26 weeks unless a case says otherwise.
const WEEKS = 26;
type Open = (hod: number, dow: number) => boolean;
const always: Open = () => true;
const days: Open = (hod) => hod >= 8 && hod < 20;
const weekdays: Open = (hod, dow) => dow < 5 && hod >= 8 && hod < 20;
/** Daily sine ±60% peaking at 14:00, weekends at `weekend` of a weekday, +20% trend over the horizon. */
function profile(mean: number, open: Open, weeks: number, weekend: number, flat = false) {
  const H = 168 * weeks;
  const arrivals = new Float64Array(H);
  const flags = new Uint8Array(H);
  for (let h = 0; h < H; h++) {
    const hod = h % 24;
    const dow = Math.floor(h / 24) % 7;
    const trend = 1 + (0.2 * h) / H;
    arrivals[h] = flat
      ? mean
      : mean * trend * (1 + 0.6 * Math.sin((2 * Math.PI * (hod - 8)) / 24)) * (dow >= 5 ? weekend : 1);
    flags[h] = open(hod, dow) ? 1 : 0;
  }
  return { arrivals, open: flags };
}
interface DeferredCase {
  name: string;
  mean: number;
  open: Open;
  w: number;
  level: number;
  weekend?: number;
  weeks?: number;
  /** Constant arrivals (no daily cycle, weekend dip or trend). */
  flat?: boolean;
}
const deferredCases: DeferredCase[] = [
  // The first twelve are the original grid (kept as they were).
  { name: '24/7, 100/h', mean: 100, open: always, w: 4, level: 0.9 },
  { name: '24/7, 100/h', mean: 100, open: always, w: 24, level: 0.95 },
  { name: '24/7, 2000/h', mean: 2000, open: always, w: 8, level: 0.95 },
  { name: '24/7, 5/h', mean: 5, open: always, w: 12, level: 0.9 },
  { name: 'daily 8–20, 100/h', mean: 100, open: days, w: 24, level: 0.9 },
  { name: 'daily 8–20, 100/h', mean: 100, open: days, w: 48, level: 0.95 },
  { name: 'daily 8–20, 5/h', mean: 5, open: days, w: 24, level: 0.9 },
  { name: 'daily 8–20, 1000/h', mean: 1000, open: days, w: 16, level: 0.9 },
  { name: 'weekdays 8–20, 100/h', mean: 100, open: weekdays, w: 72, level: 0.9 },
  { name: 'weekdays 8–20, 100/h', mean: 100, open: weekdays, w: 96, level: 0.95 },
  { name: 'weekdays 8–20, 20/h', mean: 20, open: weekdays, w: 72, level: 0.95 },
  { name: 'weekdays 8–20, 500/h', mean: 500, open: weekdays, w: 96, level: 0.9 },
  // Added: deadlines short enough that the target, not the utilisation floor, sets the staffing.
  { name: '24/7, 100/h', mean: 100, open: always, w: 2, level: 0.9 },
  { name: '24/7, 100/h', mean: 100, open: always, w: 4, level: 0.8 },
  { name: '24/7, 20/h', mean: 20, open: always, w: 2, level: 0.8 },
  { name: '24/7, 1000/h', mean: 1000, open: always, w: 2, level: 0.9 },
  { name: 'daily 8–20, 100/h', mean: 100, open: days, w: 14, level: 0.9 },
  { name: 'daily 8–20, 300/h', mean: 300, open: days, w: 13, level: 0.9 },
  // Added: a strong weekly cycle (weekends at 30%) at high load, tiny volumes, and 5000/h.
  { name: 'weekdays 8–20, weekend 30%, 100/h', mean: 100, open: weekdays, w: 48, level: 0.95, weekend: 0.3 },
  { name: '24/7, weekend 30%, 500/h', mean: 500, open: always, w: 12, level: 0.95, weekend: 0.3 },
  { name: '24/7, 2/h', mean: 2, open: always, w: 4, level: 0.9 },
  { name: 'daily 8–20, 2/h', mean: 2, open: days, w: 14, level: 0.8 },
  { name: '24/7, 5000/h (8 weeks)', mean: 5000, open: always, w: 4, level: 0.95, weeks: 8 },
  // Added: flat load whose work is 15.97 agents per open hour: with whole agents, 16 run it at 99.8%.
  { name: 'daily 8–20, flat 95.82/h', mean: 95.82, open: days, w: 20, level: 0.9, flat: true },
];
/** Simulated items per deferred case (replications = budget / items per replication, within [3, 16]). */
const ITEM_BUDGET = 2_500_000;
const MIN_REPS = 3;
const MAX_REPS = 16;
const TIMING_REPEATS = 5;
const staffTimes: number[] = []; // median ms per 26-week case
type DeferredRow = Row & { reps: number; binding: string; staffMs: number };
/** Staffs one case (timed), simulates its integer plan, and returns the table row. */
function runDeferredCase(c: DeferredCase, seed: number, maxUtilisation?: number): DeferredRow {
  const weeks = c.weeks ?? WEEKS;
  const { arrivals, open } = profile(c.mean, c.open, weeks, c.weekend ?? 0.7, c.flat);
  const input = { arrivals, open, ahtSeconds: 300, level: c.level, withinHours: c.w, maxUtilisation };
  let plan = staffDeferred(input); // warm-up run, also the plan used
  const times: number[] = [];
  for (let r = 0; r < TIMING_REPEATS; r++) {
    const s0 = performance.now();
    plan = staffDeferred(input);
    times.push(performance.now() - s0);
  }
  let items = 0;
  for (let h = 0; h < arrivals.length; h++) items += arrivals[h];
  const reps = Math.max(MIN_REPS, Math.min(MAX_REPS, Math.round(ITEM_BUDGET / items)));
  const c0 = performance.now();
  const sim = simulateDeferred({
    arrivals,
    agentsPerHour: plan.integerPlan.agentsPerHour,
    open,
    ahtSeconds: 300,
    withinHours: c.w,
    seed,
    replications: reps,
  });
  const ints = plan.blocks.map((b) => b.agentsInteger);
  const bySla = plan.blocks.filter(
    (b) => b.agentsInteger > Math.ceil(b.utilisationFloorAgents - 1e-9),
  ).length;
  return {
    kind: 'deferred',
    name: `${c.name}, ${c.level * 100}% in ${c.w} h`,
    agents: `${Math.min(...ints)}–${Math.max(...ints)}`,
    formula: plan.integerPlan.achievedShareWithin,
    simulated: sim.shareWithin,
    se: sim.shareWithinStdError,
    seconds: (performance.now() - c0) / 1000,
    reps,
    binding: `${bySla}/${plan.blocks.length}`,
    staffMs: medianOf(times),
  };
}
const deferredRows: DeferredRow[] = [];
for (const c of deferredCases) {
  const row = runDeferredCase(c, rows.length + deferredRows.length + 1);
  if ((c.weeks ?? WEEKS) === WEEKS) staffTimes.push(row.staffMs);
  deferredRows.push(row);
}
// Not counted: long-deadline cases with the cap lifted (maxUtilisation 1).
const uncappedRows = [deferredCases[4], deferredCases[8], deferredCases[11], deferredCases[23]].map((c, i) =>
  runDeferredCase(c, 1000 + i, 1),
);
rows.push(...deferredRows);
const total = (performance.now() - t0) / 1000;
const loadEnd = loadavg()[0];

function medianOf(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
/** Raw gap within 2 points: "yes"; only once 2 standard errors of the simulation are allowed: "2 SE"; else "no". */
function verdict(r: Row): string {
  const gap = 100 * Math.abs(r.formula - r.simulated);
  if (gap <= 2) return 'yes';
  return gap <= 2 + 2 * 100 * r.se ? '2 SE' : 'no';
}
const gapOf = (r: Row) => 100 * Math.abs(r.formula - r.simulated);
const byKind = new Map<string, Row[]>();
for (const r of rows) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
const largest = Math.max(...rows.map(gapOf));
const within = rows.filter((r) => verdict(r) === 'yes').length;
const withinSe = rows.filter((r) => verdict(r) !== 'no').length;
const pct = (x: number) => (100 * x).toFixed(2);
const rtRows = rows.filter((r) => r.kind !== 'deferred');
const lines = [
  `# Simulation against formulas: ${rows.length} cases`,
  '',
  'Command: `node --import tsx bench/simulation.ts`. Real-time: staffRealTime, then simulateRealTime at that',
  `staffing, constant load, ${REPS} replications of about ${CONTACTS_PER_CASE / REPS} contacts after a 4-interval`,
  'warm-up. Deferred: staffDeferred (defaults: variability 2, maxUtilisation 0.95) on hourly profiles (26 weeks',
  'unless named; daily sine ±60%, weekends at 70% unless named, +20% trend), AHT 300 s; the integer plan is',
  `simulated with ${MIN_REPS}–${MAX_REPS} replications (about ${ITEM_BUDGET / 1e6} M items per case, at least ${MIN_REPS}).`,
  'SL and shares in %; gap = simulated − formula, in points; SE = standard error of the simulated value across',
  'replications (few replications: the SE itself is rough). "≤ 2": the raw gap is within 2 points (yes), only',
  'within 2 points + 2 SE (2 SE), or not (no). "SLA-bound": blocks whose integer staffing is above the',
  'utilisation floor, i.e. set by the target rather than by maxUtilisation.',
  '',
  '## Real-time',
  '',
  '| kind | case | agents | formula | simulated | SE | gap (pts) | ≤ 2 | sim s |',
  '|---|---|---:|---:|---:|---:|---:|---|---:|',
  ...rtRows.map(
    (r) =>
      `| ${r.kind} | ${r.name} | ${r.agents} | ${pct(r.formula)} | ${pct(r.simulated)} | ${pct(r.se)} | ` +
      `${(100 * (r.simulated - r.formula)).toFixed(2)} | ${verdict(r)} | ${r.seconds.toFixed(2)} |`,
  ),
  '',
  '## Deferred',
  '',
  '| case | agents | SLA-bound | formula | simulated | SE | reps | gap (pts) | ≤ 2 | staff ms | sim s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|',
  ...deferredRows.map(
    (r) =>
      `| ${r.name} | ${r.agents} | ${r.binding} | ${pct(r.formula)} | ${pct(r.simulated)} | ${pct(r.se)} | ` +
      `${r.reps} | ${(100 * (r.simulated - r.formula)).toFixed(2)} | ${verdict(r)} | ${r.staffMs.toFixed(1)} | ` +
      `${r.seconds.toFixed(2)} |`,
  ),
  '',
  'Not counted in the target: the planner with `maxUtilisation: 1` (no block planned above 100% load, but',
  'no margin), on three long-deadline cases of the original grid (whole agents leave them some headroom) and',
  'on the flat case built to land whole agents at 99.8% load, where the backlog is a random walk: compare',
  'its SE with the capped run of the same case above.',
  '',
  '| case (maxUtilisation 1) | agents | SLA-bound | formula | simulated | SE | reps | gap (pts) | ≤ 2 | staff ms | sim s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|',
  ...uncappedRows.map(
    (r) =>
      `| ${r.name} | ${r.agents} | ${r.binding} | ${pct(r.formula)} | ${pct(r.simulated)} | ${pct(r.se)} | ` +
      `${r.reps} | ${(100 * (r.simulated - r.formula)).toFixed(2)} | ${verdict(r)} | ${r.staffMs.toFixed(1)} | ` +
      `${r.seconds.toFixed(2)} |`,
  ),
  '',
  '## Summary',
  '',
  '| kind | cases | largest gap (pts) | median gap (pts) | raw gap ≤ 2 | ≤ 2 + 2 SE |',
  '|---|---:|---:|---:|---:|---:|',
  ...[...byKind].map(([k, rs]) => {
    const g = rs.map(gapOf);
    const ok = rs.filter((r) => verdict(r) === 'yes').length;
    const okSe = rs.filter((r) => verdict(r) !== 'no').length;
    return `| ${k} | ${rs.length} | ${Math.max(...g).toFixed(2)} | ${medianOf(g).toFixed(2)} | ${ok} | ${okSe} |`;
  }),
  (() => {
    const rs = deferredRows.filter((r) => r.formula < 0.9995 || r.simulated < 0.9995);
    const g = rs.map(gapOf);
    const ok = rs.filter((r) => verdict(r) === 'yes').length;
    const okSe = rs.filter((r) => verdict(r) !== 'no').length;
    return (
      `| deferred, below 99.95% (formula or simulation) | ${rs.length} | ${Math.max(...g).toFixed(2)} | ` +
      `${medianOf(g).toFixed(2)} | ${ok} | ${okSe} |`
    );
  })(),
  `| **all** | ${rows.length} | **${largest.toFixed(2)}** | ${medianOf(rows.map(gapOf)).toFixed(2)} | ${within} | ${withinSe} |`,
  '',
  `Target (issue 4): largest gap ≤ 2 points: **${largest <= 2 ? 'met' : 'missed'}** on the raw gaps` +
    `${largest <= 2 ? '' : ` (${rows.length - within} case(s) over 2 points; ${rows.length - withinSe} still over once 2 SE are allowed)`}.`,
  '',
  `Deferred staffing (staffDeferred, one 26-week hourly series, median of ${TIMING_REPEATS} runs after a warm-up):`,
  `median over the ${staffTimes.length} 26-week cases ${medianOf(staffTimes).toFixed(1)} ms, slowest case ` +
    `${Math.max(...staffTimes).toFixed(1)} ms (target ≤ 30 ms median).`,
  `Whole bench: ${total.toFixed(1)} s wall. Load average (1 min) at start ${loadStart.toFixed(2)}, at end ` +
    `${loadEnd.toFixed(2)} on ${cpus().length} cores (other benches may share the machine).`,
  '',
];
writeFileSync(new URL('./results/simulation.md', import.meta.url), lines.join('\n'));
console.log(lines.join('\n'));
