import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modcap } from './spawn.ts';

/** Two hourly series of three weeks, written as a volumes CSV. */
function writeVolumes(dir: string): string {
  const lines = ['timestamp,queue,language,market,volume'];
  const start = Date.UTC(2025, 2, 3);
  for (const [language, market, base] of [
    ['en', 'US', 100],
    ['ja', 'JP', 40],
  ] as const) {
    for (let t = 0; t < 24 * 21; t++) {
      const v = Math.round(base * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24)) + ((t * 7919) % 11));
      lines.push(`${new Date(start + t * 3_600_000).toISOString()},reviews,${language},${market},${v}`);
    }
  }
  const path = join(dir, 'volumes.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('modcap forecast', () => {
  it('writes forecast.csv and forecast.json with one row per series and period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-cli-'));
    const input = writeVolumes(dir);
    const out = join(dir, 'out');
    const r = await modcap([
      'forecast',
      '--input',
      input,
      '--horizon',
      '2d',
      '--levels',
      '80,95',
      '--out',
      out,
      '--workers',
      '0',
    ]);
    expect(r.code).toBe(0);
    const csv = readFileSync(join(out, 'forecast.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('queue,language,market,timestamp,point,lower_80,upper_80,lower_95,upper_95,model');
    expect(csv).toHaveLength(1 + 2 * 48);
    expect(csv[1]).toMatch(/^reviews,en,US,2025-03-24T00:00:00.000Z,/);
    const json = JSON.parse(readFileSync(join(out, 'forecast.json'), 'utf8'));
    expect(json.series).toHaveLength(2);
    expect(json.series[0].selection.scores.length).toBeGreaterThan(2);
    expect(json.provenance.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.provenance.request.horizon).toBe('2d');
  });

  it('rejects a bad file whole, naming line, column, value and reason, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-cli-'));
    const input = writeVolumes(dir);
    const lines = readFileSync(input, 'utf8').split('\n');
    lines[5] = lines[5].replace(/,\d+$/, ',-3');
    writeFileSync(input, lines.join('\n'));
    const out = join(dir, 'out');
    const r = await modcap(['forecast', '--input', input, '--horizon', '2d', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INPUT_INVALID');
    expect(r.stderr).toContain('line 6');
    expect(r.stderr).toContain('volume');
    expect(r.stderr).toContain('"-3"');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an unknown horizon unit and an unknown model family', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-cli-'));
    const input = writeVolumes(dir);
    const a = await modcap(['forecast', '--input', input, '--horizon', '3y']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/3y/);
    const b = await modcap(['forecast', '--input', input, '--horizon', '2d', '--models', 'prophet']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown model family "prophet"/);
  });

  it('prints usage for help and exits 2 for an unknown command', async () => {
    expect((await modcap(['help'])).stdout).toMatch(/modcap forecast --input FILE/);
    expect((await modcap(['frobnicate'])).code).toBe(2);
  });
});
