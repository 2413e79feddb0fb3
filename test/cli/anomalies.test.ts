import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/modcap.mjs');

describe('modcap anomalies', () => {
  it('finds an injected spike in a seasonal hourly history and writes it as CSV and JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-anom-'));
    const lines = ['timestamp,queue,language,volume'];
    const start = Date.UTC(2025, 0, 6);
    const spikeAt = 24 * 20 + 14;
    for (let t = 0; t < 24 * 35; t++) {
      let v = Math.round(200 * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24)) + ((t * 7919) % 13));
      if (t >= spikeAt && t < spikeAt + 3) v *= 6;
      lines.push(`${new Date(start + t * 3_600_000).toISOString()},comments,en,${v}`);
    }
    writeFileSync(join(dir, 'volumes.csv'), `${lines.join('\n')}\n`);
    const out = join(dir, 'out');
    await run('node', [BIN, 'anomalies', '--input', join(dir, 'volumes.csv'), '--out', out]);
    const csv = readFileSync(join(out, 'anomalies.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^queue,language,kind,start,end,observed,expected/);
    const spike = csv.find(
      (l) => l.includes(',spike,') && l.includes(new Date(start + spikeAt * 3_600_000).toISOString()),
    );
    expect(spike).toBeDefined();
    const json = JSON.parse(readFileSync(join(out, 'anomalies.json'), 'utf8'));
    expect(json.anomalies.some((a: { kind: string }) => a.kind === 'spike')).toBe(true);
    expect(json.provenance.inputs).toHaveLength(1);
  });
});
