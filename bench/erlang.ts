/**
 * Staffing searches per second: `staffRealTime` (smallest N meeting 80 % in 60 s, occupancy cap 0.85) over a
 * seeded spread of hourly loads like a moderation queue's (1 to 2,000 contacts an hour, AHT 30–300 s), with
 * Erlang C and with Erlang A (mean patience 300 s): first as independent random loads, then as a plan sees
 * them (26-week hourly series with a daily cycle, each Erlang A search hinted by the previous hour). Median
 * of 5 repeats.
 *
 * Usage: node --import tsx bench/erlang.ts [--searches 1000000]
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { staffRealTime } from '../src/capacity/staffing.ts';
import { mulberry32 } from '../src/random.ts';

const { values } = parseArgs({ options: { searches: { type: 'string', default: '1000000' } } });
const N = Number(values.searches);
const rnd = mulberry32(7);
const contacts = Float64Array.from({ length: N }, () => Math.exp(Math.log(1) + rnd() * Math.log(2000)));
const aht = Float64Array.from({ length: N }, () => 30 + 270 * rnd());
const target = { kind: 'service-level' as const, level: 0.8, targetSeconds: 60 };

// The same loads as a plan sees them: series of 4,368 consecutive hours (26 weeks) with a daily cycle, where
// each search may start from the previous hour's answer scaled by the change in load (`hintAgents`).
const SERIES = 4368;
const seq = Float64Array.from({ length: N }, (_, i) => {
  const s = Math.floor(i / SERIES);
  const base = contacts[s * SERIES];
  return base * (1 + 0.6 * Math.sin((2 * Math.PI * (i % 24)) / 24)) + 0.5;
});
const seqAht = Float64Array.from({ length: N }, (_, i) => aht[Math.floor(i / SERIES) * SERIES]);

function run(patienceSeconds?: number, sequence = false): { ms: number; agents: number } {
  const c = sequence ? seq : contacts;
  const h = sequence ? seqAht : aht;
  const t0 = performance.now();
  let agents = 0;
  let prev = 0;
  for (let i = 0; i < N; i++) {
    const hintAgents = sequence && i % SERIES > 0 ? (prev * c[i]) / c[i - 1] : undefined;
    prev = staffRealTime({
      contactsPerInterval: c[i],
      intervalSeconds: 3600,
      ahtSeconds: h[i],
      target,
      occupancyCap: 0.85,
      patienceSeconds,
      hintAgents,
    }).agents;
    agents += prev;
  }
  return { ms: performance.now() - t0, agents };
}

const rows: string[] = [];
for (const [name, patience, sequence] of [
  ['Erlang C, random loads', undefined, false],
  ['Erlang A (patience 300 s), random loads', 300, false],
  ['Erlang C, 26-week hourly series', undefined, true],
  ['Erlang A (patience 300 s), 26-week hourly series, hinted', 300, true],
] as const) {
  const times: number[] = [];
  let agents = 0;
  for (let r = 0; r < 5; r++) {
    const x = run(patience, sequence);
    times.push(x.ms);
    agents = x.agents;
  }
  times.sort((a, b) => a - b);
  const med = times[2];
  rows.push(
    `| ${name} | ${N.toLocaleString('en-US')} | ${(med / 1000).toFixed(2)} | ${((med * 1000) / N).toFixed(2)} | ${(agents / N).toFixed(1)} |`,
  );
  console.error(`${name}: ${(med / 1000).toFixed(2)} s`);
}
const text = [
  '## Erlang staffing searches',
  '',
  `${N.toLocaleString('en-US')} hourly intervals, loads 1–2,000 contacts/h (log-uniform), AHT 30–300 s, target 80 % in 60 s, occupancy cap 0.85; median of 5 runs, one core; load average at start ${loadavg()[0].toFixed(1)}.`,
  '',
  '| model | searches | seconds | µs per search | mean agents |',
  '| --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');
writeFileSync('bench/results/erlang.md', text);
console.log(text);
