import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { anomaliesCsv } from '../../src/cli/anomalies.ts';

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

describe('anomaliesCsv', () => {
  it('names the other series of a pooled outage in pooled_with', () => {
    const base = {
      kind: 'zeros' as const,
      start: Date.UTC(2025, 2, 18, 6),
      end: Date.UTC(2025, 2, 18, 9),
      startIndex: 6,
      endIndex: 9,
      expected: 2.2,
      lower: 0.2,
      upper: 9,
      level: 95,
      observed: 0,
      severity: 3,
    };
    const csv = anomaliesCsv([
      {
        ...base,
        seriesId: 'appeals|es',
        key: { queue: 'appeals', language: 'es' },
        detector: 'quality-pooled',
        pooledWith: ['appeals|pt', 'appeals|de'],
      },
      { ...base, seriesId: 'appeals|pt', key: { queue: 'appeals', language: 'pt' }, detector: 'quality' },
    ])
      .trim()
      .split('\n');
    expect(csv[0].split(',').at(-1)).toBe('pooled_with');
    expect(csv[1].split(',').slice(-2)).toEqual(['quality-pooled', 'appeals|pt appeals|de']);
    expect(csv[2].split(',').slice(-2)).toEqual(['quality', '']);
  });
});
