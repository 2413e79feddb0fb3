/**
 * Ingest benchmark: generates a large long-format volumes CSV in /tmp (never in the repo), streams it
 * through `readVolumes` and prints rows/s, wall time and peak memory.
 *
 *   node --import tsx bench/ingest.ts [--series 2000] [--days 730] [--file /tmp/modcap-ingest/volumes.csv] [--keep]
 *
 * `--keep` reuses an existing file of the same name. Defaults: 2,000 series (100 queues × 20 languages)
 * × 730 days hourly = 35,040,000 rows, about 1.1 GB. Rows are written in time order, all series per
 * hour, as a warehouse export would be. Peak RSS is `process.resourceUsage().maxRSS` (the whole process,
 * generation included; the generator writes in 4 MB chunks), and the largest `memoryUsage()` sample.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { readVolumes } from '../src/forecast/io/index.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const nSeries = Number(arg('series', '2000'));
const days = Number(arg('days', '730'));
const file = arg('file', '/tmp/modcap-ingest/volumes.csv');
const keep = process.argv.includes('--keep');
const LANGS = [
  'en',
  'de',
  'fr',
  'es',
  'it',
  'pt',
  'nl',
  'pl',
  'sv',
  'ja',
  'ko',
  'zh',
  'ar',
  'tr',
  'ru',
  'hi',
  'id',
  'th',
  'vi',
  'uk',
];

async function generate(): Promise<number> {
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  out.write('timestamp,queue,language,volume\n');
  const start = Date.UTC(2023, 0, 1);
  const keys: string[] = [];
  for (let s = 0; s < nSeries; s++)
    keys.push(`,q${Math.floor(s / LANGS.length)},${LANGS[s % LANGS.length]},`);
  let rows = 0;
  let chunk = '';
  for (let h = 0; h < days * 24; h++) {
    const t = new Date(start + h * 3_600_000).toISOString().slice(0, 19) + 'Z';
    const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (h % 24)) / 24);
    for (let s = 0; s < nSeries; s++) {
      chunk += `${t}${keys[s]}${Math.round(50 * daily + ((s * 7919 + h * 104729) % 37))}\n`;
      rows++;
    }
    if (chunk.length > 4_000_000) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return rows;
}

if (!keep || !existsSync(file)) {
  const t0 = performance.now();
  const rows = await generate();
  console.log(`generated ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const bytes = statSync(file).size;

let peakRss = 0;
let peakHeap = 0;
let peakBuffers = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
}, 200);

const t0 = performance.now();
const series = await readVolumes(file);
const wall = (performance.now() - t0) / 1000;
clearInterval(sampler);
let points = 0;
let gaps = 0;
for (const s of series) {
  points += s.values.length;
  gaps += s.gaps;
}
const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
console.log(`file            ${file} (${mb(bytes)})`);
console.log(`series          ${series.length}, points ${points}, gaps ${gaps}, freq ${series[0]?.freq}`);
console.log(`wall time       ${wall.toFixed(1)} s`);
console.log(
  `throughput      ${Math.round(points / wall).toLocaleString('en-US')} rows/s, ${mb(bytes / wall)}/s`,
);
console.log(`peak RSS        ${mb(process.resourceUsage().maxRSS * 1024)} (sampled ${mb(peakRss)})`);
console.log(`peak heap used  ${mb(peakHeap)}; peak array buffers ${mb(peakBuffers)}`);
console.log(`result size     ${mb(points * 16)} as number[] (8 bytes per timestamp and per value)`);
