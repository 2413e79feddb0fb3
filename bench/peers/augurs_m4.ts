/**
 * Peer run: @bsull/augurs MSTL (periods 24 and 168) with its AutoETS trend model
 * on the 414 M4 hourly series, h = 48, intervals at 80 % and 95 %.
 *
 * Run from the repository root:
 *   node --import tsx bench/peers/augurs_m4.ts [--every K]
 *
 * Writes bench/results/peers/augurs-mstl-m4.csv (id,h,point,lo80,hi80,lo95,hi95)
 * and bench/results/peers/augurs-mstl-m4-times.csv (id,seconds,error).
 * Reads M4 from /work/shared/data/m4 (not copied into the repo).
 *
 * @example
 *   node --import tsx bench/peers/augurs_m4.ts --every 1
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { initSync, MSTL } from '@bsull/augurs/mstl';

const M4_DIR = process.env.M4_DIR ?? '/work/shared/data/m4';
const OUT_DIR = 'bench/results/peers';
const H = 48;

/** Reads an M4 csv (quoted id, then values, rows padded with empty cells). */
function readM4(path: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.replace(/"/g, '').trim());
    const id = cells[0] ?? '';
    const y = cells
      .slice(1)
      .filter((c) => c !== '' && c !== 'NA')
      .map(Number);
    out.set(id, y);
  }
  return out;
}

function loadWasm(): void {
  // Locate the package folder through Node resolution, then hand the bytes to initSync
  // (the default init() would try to fetch() the .wasm by URL).
  const jsPath = fileURLToPath(import.meta.resolve('@bsull/augurs/mstl'));
  const bytes = readFileSync(join(dirname(jsPath), 'mstl_bg.wasm'));
  initSync({ module: bytes });
}

function main(): void {
  const everyArg = process.argv.indexOf('--every');
  const every = everyArg > 0 ? Number(process.argv[everyArg + 1]) : 1;
  loadWasm();
  const train = readM4(join(M4_DIR, 'Hourly-train.csv'));
  const ids = [...train.keys()].filter((_, i) => i % every === 0);
  const rows: string[] = ['id,h,point,lo80,hi80,lo95,hi95'];
  const times: string[] = ['id,seconds,error'];
  const wall0 = performance.now();
  for (const id of ids) {
    const y = train.get(id) ?? [];
    const t0 = performance.now();
    try {
      const model = MSTL.ets([24, 168]);
      model.fit(y);
      const f80 = model.predict(H, 0.8);
      const f95 = model.predict(H, 0.95);
      model.free();
      const secs = (performance.now() - t0) / 1000;
      const i80 = f80.intervals;
      const i95 = f95.intervals;
      for (let h = 0; h < H; h++) {
        rows.push(
          [
            id,
            h + 1,
            f95.point[h],
            i80?.lower[h] ?? 'NA',
            i80?.upper[h] ?? 'NA',
            i95?.lower[h] ?? 'NA',
            i95?.upper[h] ?? 'NA',
          ].join(','),
        );
      }
      times.push(`${id},${secs.toFixed(6)},`);
    } catch (err) {
      const secs = (performance.now() - t0) / 1000;
      const msg = String(err instanceof Error ? err.message : err).replace(/[\r\n,"]/g, ' ');
      times.push(`${id},${secs.toFixed(6)},"${msg}"`);
    }
  }
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'augurs-mstl-m4.csv'), `${rows.join('\n')}\n`);
  writeFileSync(join(OUT_DIR, 'augurs-mstl-m4-times.csv'), `${times.join('\n')}\n`);
  const wall = (performance.now() - wall0) / 1000;
  console.log(`augurs MSTL+ETS: ${ids.length} series, wall ${wall.toFixed(1)} s`);
}

main();
