import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forecastMany, loadEvents, ModcapError, readVolumes } from '../src/index.ts';

describe('the library entry point', () => {
  it('runs the README example: read volumes and events, forecast, trace the model and events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-lib-'));
    const lines = ['timestamp,queue,language,market,volume'];
    const start = Date.UTC(2025, 2, 3);
    for (let t = 0; t < 24 * 28; t++) {
      const v = Math.round(80 * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24)) + ((t * 31) % 7));
      lines.push(`${new Date(start + t * 3_600_000).toISOString()},reviews,de,DE,${v}`);
    }
    writeFileSync(join(dir, 'volumes.csv'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'events.json'),
      JSON.stringify([
        { name: 'launch', type: 'launch', start: '2025-04-01', shape: { kind: 'step' }, uplift: 0.2 },
      ]),
    );
    const series = await readVolumes(join(dir, 'volumes.csv'));
    const events = await loadEvents(join(dir, 'events.json'));
    const { results } = await forecastMany(series, { horizon: 72, levels: [80, 95], events }, { workers: 0 });
    expect(results).toHaveLength(1);
    expect(results[0].holidayCalendar).toBe('DE');
    expect(results[0].selection.scores.length).toBeGreaterThan(3);
    const launch = results[0].eventImpacts.find((e) => e.name === 'launch');
    expect(launch?.source).toBe('file-uplift');
    expect(launch?.relativeEffect).toBeCloseTo(0.2, 9);
  });

  it('exports the typed error with its code', () => {
    const e = new ModcapError('INPUT_EMPTY', 'no rows', { file: 'x.csv' });
    expect(e.code).toBe('INPUT_EMPTY');
    expect(e.message).toBe('x.csv: no rows');
  });
});
