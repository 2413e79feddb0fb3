import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { explainCommand } from '../../src/cli/explain.ts';
import { ModcapError } from '../../src/errors.ts';
import { modcap } from './spawn.ts';

/**
 * Daily forecast for reviews/listings × en/ja over 21 days (100 a day each, 80 % interval 90–110);
 * actuals: ja +40 % in both queues from day 7 on, others within ±2. No events file entry touches ja.
 */
function fixtures(dir: string) {
  const f = ['queue,language,timestamp,point,lower_80,upper_80,model'];
  const a = ['timestamp,queue,language,volume'];
  for (const queue of ['reviews', 'listings']) {
    for (const language of ['en', 'ja']) {
      for (let d = 0; d < 21; d++) {
        const ts = new Date(Date.UTC(2025, 2, 1 + d)).toISOString();
        f.push(`${queue},${language},${ts},100,90,110,snaive(7)`);
        const v = language === 'ja' && d >= 7 ? 140 + (d % 3) : 100 + ((d + queue.length) % 5) - 2;
        a.push(`${ts},${queue},${language},${v}`);
      }
    }
  }
  const files = {
    forecast: join(dir, 'forecast.csv'),
    actuals: join(dir, 'actuals.csv'),
    events: join(dir, 'events.json'),
  };
  writeFileSync(files.forecast, `${f.join('\n')}\n`);
  writeFileSync(files.actuals, `${a.join('\n')}\n`);
  writeFileSync(
    files.events,
    JSON.stringify([
      {
        name: 'en-sale',
        type: 'promotion',
        start: '2025-03-05',
        languages: ['en'],
        shape: { kind: 'window' },
      },
    ]),
  );
  return files;
}

async function rejection(p: Promise<unknown>): Promise<ModcapError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ModcapError) return e;
    throw e;
  }
  throw new Error('expected a ModcapError');
}

describe('explainCommand', () => {
  let dir: string;
  let logs: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'modcap-explain-'));
    logs = [];
    vi.spyOn(console, 'log').mockImplementation((...x: unknown[]) => {
      logs.push(x.join(' '));
    });
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints the report and writes explain.json and accuracy.csv (exit 0)', async () => {
    const f = fixtures(dir);
    const out = join(dir, 'out');
    const code = await explainCommand([
      '--forecast',
      f.forecast,
      '--actuals',
      f.actuals,
      '--events',
      f.events,
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const report = logs.join('\n');
    expect(report).toMatch(/Attribution of the miss/);
    expect(report).toMatch(/1\. language=ja/);
    expect(report).toMatch(/Classification: possible-missing-event/);
    const doc = JSON.parse(readFileSync(join(out, 'explain.json'), 'utf8'));
    expect(doc.attribution.explanations[0].dimensions).toEqual([{ language: 'ja' }]);
    expect(doc.classification.kind).toBe('possible-missing-event');
    expect(doc.classification.startsAt).toBe('2025-03-08T00:00:00.000Z'); // day 7
    expect(doc.total.n).toBe(84);
    const csv = readFileSync(join(out, 'accuracy.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'queue,language,n,actual,forecast,mae,mape,mape_skipped,wape,bias,bias_total,bias_percent,coverage_80,excursions,missing_actuals',
    );
    expect(csv).toHaveLength(5);
  });

  it('--json prints the document; --from/--to and --grain restrict and aggregate', async () => {
    const f = fixtures(dir);
    const code = await explainCommand([
      '--forecast',
      f.forecast,
      '--actuals',
      f.actuals,
      '--from',
      '2025-03-08',
      '--to',
      '2025-03-15',
      '--grain',
      'week',
      '--json',
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(logs.join('\n'));
    expect(doc.total.n).toBe(28); // 4 series × 7 days
    expect(doc.window).toEqual({ from: '2025-03-08T00:00:00.000Z', to: '2025-03-14T00:00:00.000Z' });
    expect(doc.grain.grain).toBe('week');
  });

  it('bad input throws ModcapError (main exits 2): missing option, missing file, bad row, no overlap', async () => {
    const f = fixtures(dir);
    expect((await rejection(explainCommand(['--actuals', f.actuals]))).code).toBe('BAD_ARGUMENT');
    expect(
      (await rejection(explainCommand(['--forecast', f.forecast, '--actuals', f.actuals, '--bogus']))).code,
    ).toBe('BAD_ARGUMENT');
    expect(
      (
        await rejection(
          explainCommand(['--forecast', f.forecast, '--actuals', f.actuals, '--from', 'yesterday']),
        )
      ).code,
    ).toBe('BAD_ARGUMENT');
    expect(
      (await rejection(explainCommand(['--forecast', join(dir, 'nope.csv'), '--actuals', f.actuals]))).code,
    ).toBe('INPUT_NOT_FOUND');
    writeFileSync(join(dir, 'bad.csv'), 'queue,timestamp,point\nreviews,2025-03-01T00:00Z,x\n');
    const bad = await rejection(explainCommand(['--forecast', join(dir, 'bad.csv'), '--actuals', f.actuals]));
    expect(bad.code).toBe('INPUT_INVALID');
    expect(bad.message).toMatch(/line 2, column point, value "x"/);
    const none = await rejection(
      explainCommand(['--forecast', f.forecast, '--actuals', f.actuals, '--from', '2030-01-01']),
    );
    expect(none.code).toBe('EXPLAIN_NO_OVERLAP');
  });
});

describe('modcap explain (spawned)', () => {
  it('exits 0 with a report, and 2 with the error code and hint on bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-explain-cli-'));
    const f = fixtures(dir);
    const ok = await modcap([
      'explain',
      '--forecast',
      f.forecast,
      '--actuals',
      f.actuals,
      '--out',
      join(dir, 'out'),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/1\. language=ja/);
    expect(existsSync(join(dir, 'out', 'explain.json'))).toBe(true);
    const bad = await modcap(['explain', '--forecast', join(dir, 'missing.csv'), '--actuals', f.actuals]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/INPUT_NOT_FOUND/);
    expect(bad.stderr).toMatch(/how to solve/);
  });
});
