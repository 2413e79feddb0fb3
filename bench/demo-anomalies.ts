/**
 * Batch anomaly detection on the demo data, scored against what the generator injected.
 *
 *   node --import tsx bench/demo-anomalies.ts [--holidays] [--data DIR]
 *
 * `--data DIR` reads another generated dataset (e.g. `node --import tsx data/generate.ts --seed 7 --out
 * /tmp/demo7`); default data/demo.
 *
 * Matching rule (the usual event-overlap rule): intervals are half-open, a reported anomaly covers
 * [start, end + 1 h). An injected spike (spam wave, viral post) is found when a reported `spike` in the same
 * series overlaps it; an injected outage, per affected series, when a reported `dip` or `zeros` overlaps it.
 * A reported spike / dip / zeros is a true positive when it overlaps any injected spike or outage in the
 * same series. Precision is given over all reported point anomalies and over the unexplained ones (no
 * `event` label: promotions, and public holidays with --holidays, are known, not surprises). Gaps are found
 * when a reported `gap` overlaps a missing hour. Launch / policy events are found, per affected series,
 * when a `level-shift` starts or ends within ±2 days of the event start or of the ramp end; the distance
 * printed is from the found shift's start to the event start (and from its end to the ramp end). The
 * stricter count asks for the shift's start within ±2 days of the event start (the onset of a ramp), with
 * the events calendar (the detector tests each calendar launch / policy change against the data) and
 * blind (the same detector without the calendar).
 */
import { readFileSync } from 'node:fs';
import { detectAnomaliesMany } from '../src/forecast/anomalies/batch.ts';
import type { Anomaly } from '../src/forecast/anomalies/types.ts';
import { loadEvents } from '../src/forecast/events/index.ts';
import { readVolumes } from '../src/forecast/io/index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dataArg = process.argv.indexOf('--data');
const dir =
  dataArg >= 0 && process.argv[dataArg + 1]
    ? `${process.argv[dataArg + 1].replace(/\/$/, '')}/`
    : new URL('../data/demo/', import.meta.url).pathname;
const holidays = process.argv.includes('--holidays');

interface Key {
  queue: string;
  language: string;
  market: string;
}
interface Truth {
  spikes: { id: string; kind: string; series: Key[]; start: string; end: string }[];
  outages: { id: string; kind: string; series: Key[]; start: string; end: string }[];
  gaps: { id: string; series: Key; hours: string[] }[];
  events: {
    name: string;
    type: string;
    start: string;
    shape: { kind: string; days?: number };
    trueUplift: number;
    inHistory: boolean;
    series: Key[];
  }[];
}

const truth = JSON.parse(readFileSync(`${dir}truth.json`, 'utf8')) as Truth;
const events = loadEvents(`${dir}events.json`);
const t0 = performance.now();
const series = await readVolumes(`${dir}volumes.csv`);
const t1 = performance.now();
const anomalies = detectAnomaliesMany(series, { events, labelHolidays: holidays });
const t2 = performance.now();

const sid = (k: Key) => `${k.queue}|${k.language}|${k.market}`;
const overlaps = (a: Anomaly, s: number, e: number) => a.start < e && a.end + HOUR > s;

interface Injected {
  id: string;
  series: string;
  kind: 'spike' | 'outage';
  start: number;
  end: number;
}
const injected: Injected[] = [];
for (const s of truth.spikes)
  for (const k of s.series)
    injected.push({
      id: s.id,
      series: sid(k),
      kind: 'spike',
      start: Date.parse(s.start),
      end: Date.parse(s.end),
    });
for (const o of truth.outages)
  for (const k of o.series)
    injected.push({
      id: o.id,
      series: sid(k),
      kind: 'outage',
      start: Date.parse(o.start),
      end: Date.parse(o.end),
    });

const point = anomalies.filter((a) => a.kind === 'spike' || a.kind === 'dip' || a.kind === 'zeros');
const matchesKind = (a: Anomaly, i: Injected) =>
  i.kind === 'spike' ? a.kind === 'spike' : a.kind === 'dip' || a.kind === 'zeros';
const found = injected.map((i) =>
  point.some((a) => a.seriesId === i.series && matchesKind(a, i) && overlaps(a, i.start, i.end)),
);
const tp = (a: Anomaly) => injected.some((i) => i.series === a.seriesId && overlaps(a, i.start, i.end));
const surprises = point.filter((a) => a.event === undefined);

const recall = (kind?: 'spike' | 'outage') => {
  const idx = injected.map((_, j) => j).filter((j) => kind === undefined || injected[j].kind === kind);
  return { hit: idx.filter((j) => found[j]).length, of: idx.length };
};
const prec = (list: Anomaly[]) => ({ hit: list.filter(tp).length, of: list.length });
const fmt = (r: { hit: number; of: number }) =>
  `${(r.of ? r.hit / r.of : Number.NaN).toFixed(3)} (${r.hit}/${r.of})`;

console.log(`# Batch anomaly detection on ${dir}${holidays ? ' (holiday labels on)' : ''}\n`);
console.log(
  `${series.length} series, read ${((t1 - t0) / 1000).toFixed(1)} s, detect ${((t2 - t1) / 1000).toFixed(1)} s (${((t2 - t1) / series.length).toFixed(0)} ms per series of ${series[0].values.length} h)\n`,
);
console.log('## Spikes and outages\n');
console.log('| measure | value |\n| --- | --- |');
console.log(`| recall, all injected (per series) | ${fmt(recall())} |`);
console.log(`| recall, spikes | ${fmt(recall('spike'))} |`);
console.log(`| recall, outages | ${fmt(recall('outage'))} |`);
console.log(`| precision, unexplained point anomalies | ${fmt(prec(surprises))} |`);
console.log(`| precision, all point anomalies | ${fmt(prec(point))} |`);
const byKind = new Map<string, number>();
for (const a of anomalies)
  byKind.set(
    a.kind + (a.event ? ` (${a.event.type})` : ''),
    (byKind.get(a.kind + (a.event ? ` (${a.event.type})` : '')) ?? 0) + 1,
  );
console.log(`\nReported: ${[...byKind].map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
const missed = injected.filter((_, j) => !found[j]);
if (missed.length) console.log(`Missed: ${missed.map((i) => `${i.id} ${i.series}`).join(', ')}\n`);
const fps = surprises.filter((a) => !tp(a));
console.log('False alarms (unexplained) by series and kind:\n');
const fpBy = new Map<string, number>();
for (const a of fps) fpBy.set(`${a.seriesId} ${a.kind}`, (fpBy.get(`${a.seriesId} ${a.kind}`) ?? 0) + 1);
console.log([...fpBy].map(([k, v]) => `${k}: ${v}`).join('; ') || 'none', '\n');
if (process.argv.includes('--list'))
  for (const a of fps)
    console.log(
      `- ${a.seriesId} ${a.kind} ${new Date(a.start).toISOString().slice(0, 13)} → ${new Date(a.end).toISOString().slice(0, 13)} observed ${a.observed.toFixed(0)} expected ${a.expected.toFixed(0)} [${a.lower.toFixed(0)}, ${a.upper.toFixed(0)}] severity ${a.severity.toFixed(1)} ${a.detector}`,
    );

console.log('## Gaps\n');
for (const g of truth.gaps) {
  const hours = g.hours.map(Date.parse);
  const hit = hours.filter((h) =>
    anomalies.some((a) => a.kind === 'gap' && a.seriesId === sid(g.series) && overlaps(a, h, h + HOUR)),
  );
  console.log(`- ${g.id} ${sid(g.series)}: ${hit.length}/${hours.length} missing hours reported`);
}
console.log(`- reported gap anomalies: ${anomalies.filter((a) => a.kind === 'gap').length}\n`);

console.log('## Launches and policy changes (level shifts)\n');
console.log('| event | series | found | start − event start (h) | end − ramp end (h) | relative change |');
console.log('| --- | --- | --- | --- | --- | --- |');
const shifts = anomalies.filter((a) => a.kind === 'level-shift');
const matchedShift = new Set<Anomaly>();
let nEv = 0;
let nFound = 0;
const sizeErrors: number[] = [];
for (const e of truth.events) {
  if (!e.inHistory || (e.type !== 'launch' && e.type !== 'policy')) continue;
  const s0 = Date.parse(e.start);
  const rampEnd = e.shape.kind === 'ramp' ? s0 + (e.shape.days ?? 0) * DAY : s0;
  for (const k of e.series) {
    nEv++;
    const cands = shifts.filter(
      (a) =>
        a.seriesId === sid(k) &&
        [s0, rampEnd].some((m) => Math.abs(a.start - m) <= 2 * DAY || Math.abs(a.end - m) <= 2 * DAY),
    );
    cands.sort((a, b) => Math.abs(a.start - s0) - Math.abs(b.start - s0));
    const a = cands[0];
    if (a) {
      nFound++;
      matchedShift.add(a);
      if (a.relativeChange !== undefined) sizeErrors.push(Math.abs(a.relativeChange - e.trueUplift));
    }
    console.log(
      `| ${e.name} | ${sid(k)} | ${a ? 'yes' : 'no'} | ${a ? ((a.start - s0) / HOUR).toFixed(0) : ''} | ${a && e.shape.kind === 'ramp' ? ((a.end - rampEnd) / HOUR).toFixed(0) : ''} | ${a?.relativeChange !== undefined ? a.relativeChange.toFixed(3) : ''} |`,
    );
  }
}
/** Per launch / policy (series × event): a level shift starting within 2 days of the event start. */
function strictCount(list: readonly Anomaly[]): number {
  let k = 0;
  for (const e of truth.events) {
    if (!e.inHistory || (e.type !== 'launch' && e.type !== 'policy')) continue;
    const s0 = Date.parse(e.start);
    for (const key of e.series)
      if (
        list.some(
          (a) => a.kind === 'level-shift' && a.seriesId === sid(key) && Math.abs(a.start - s0) <= 2 * DAY,
        )
      )
        k++;
  }
  return k;
}
// The same detector without the events calendar: what the data alone give.
const t3 = performance.now();
const blind = detectAnomaliesMany(series, { labelHolidays: holidays }).filter(
  (a) => a.kind === 'level-shift',
);
const t4 = performance.now();
console.log(
  `\nStart within 2 days of the event start: ${strictCount(shifts)}/${nEv} with the events calendar; ${strictCount(blind)}/${nEv} blind (no calendar: ${blind.length} level shifts, detect ${((t4 - t3) / 1000).toFixed(1)} s).`,
);
const sizeMae = sizeErrors.reduce((a, b) => a + b, 0) / sizeErrors.length;
console.log(
  `\nLaunch and policy size: mean absolute error of the relative change ${sizeMae.toFixed(3)} over the ${sizeErrors.length} found (truth: the generator's uplift).`,
);
console.log(
  `\nFound ${nFound}/${nEv} (series × event). Level shifts reported: ${shifts.length}, matched to a launch/policy: ${matchedShift.size}, labelled by matchEvents: ${shifts.filter((a) => a.event).length}.`,
);
const others = shifts.filter((a) => !matchedShift.has(a));
if (others.length) {
  console.log('\nOther level shifts (not a launch / policy change in the truth):\n');
  for (const a of others)
    console.log(
      `- ${a.seriesId} ${new Date(a.start).toISOString().slice(0, 13)} → ${new Date(a.end).toISOString().slice(0, 13)} ${((a.relativeChange ?? 0) * 100).toFixed(1)}% (severity ${a.severity.toFixed(1)})`,
    );
}
