import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsFor, loadEvents, parseEvents } from '../../../src/forecast/events/index.ts';

const CSV_HEADER =
  'name,type,start,end,queues,languages,markets,shape,days,decayDays,preDays,postDays,uplift';

describe('parseEvents (JSON)', () => {
  it('parses a valid array and keeps optional fields', () => {
    const events = parseEvents(
      JSON.stringify([
        {
          name: 'ja-launch',
          type: 'launch',
          start: '2025-04-01',
          languages: ['ja'],
          shape: { kind: 'ramp', days: 14 },
          uplift: 0.3,
        },
        {
          name: 'sale',
          type: 'promotion',
          start: '2025-11-28T00:00:00Z',
          end: '2025-12-01',
          shape: { kind: 'window', preDays: 2 },
        },
      ]),
      { format: 'json' },
    );
    expect(events).toHaveLength(2);
    expect(events[0].shape).toEqual({ kind: 'ramp', days: 14 });
    expect(events[0].uplift).toBe(0.3);
    expect(events[1].queues).toBeUndefined();
  });
  it('names the file, array index, field, value and reason of an invalid event; nothing is returned', () => {
    const text = JSON.stringify([
      { name: 'ok', type: 'launch', start: '2025-04-01', shape: { kind: 'step' } },
      { name: 'bad', type: 'launch', start: '2025-04-01', shape: { kind: 'ramp', days: -3 } },
    ]);
    try {
      parseEvents(text, { file: 'events.json' });
      expect.unreachable();
    } catch (e) {
      const err = e as { code: string; details: Record<string, unknown>; message: string };
      expect(err.code).toBe('INPUT_INVALID');
      expect(err.details.file).toBe('events.json');
      expect(err.details.index).toBe(1);
      expect(err.details.column).toBe('shape.days');
      expect(err.details.value).toBe(-3);
      expect(err.message).toMatch(/events\.json.*index 1 \(bad\).*shape\.days/);
    }
  });
  it('rejects unknown types, bad dates, end before start, unknown fields and duplicate names', () => {
    const base = { name: 'a', type: 'launch', start: '2025-04-01', shape: { kind: 'step' } };
    const bad = [
      { ...base, type: 'rollout' },
      { ...base, start: '04/01/2025' },
      { ...base, end: '2025-03-01' },
      { ...base, upflit: 0.2 },
      { ...base, uplift: -1.5 },
    ];
    for (const ev of bad)
      expect(() => parseEvents(JSON.stringify([ev]), { format: 'json' })).toThrow(
        expect.objectContaining({ code: 'INPUT_INVALID' }),
      );
    expect(() => parseEvents(JSON.stringify([base, base]), { format: 'json' })).toThrow(
      /duplicate event name/,
    );
  });
  it('reports malformed JSON as INPUT_PARSE with the line', () => {
    const text = '[\n  {"name": "a",\n  "type": }\n]';
    expect(() => parseEvents(text, { file: 'e.json', format: 'json' })).toThrow(
      expect.objectContaining({ code: 'INPUT_PARSE', details: expect.objectContaining({ line: 3 }) }),
    );
  });
  it('rejects a JSON object that is not an array', () => {
    expect(() => parseEvents('{"name": "a"}', { format: 'json' })).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });
});

describe('parseEvents (CSV)', () => {
  it('parses lists, shapes, numbers, percent uplifts and quoted cells', () => {
    const csv = [
      CSV_HEADER,
      'ja-launch,launch,2025-04-01,,reviews;listings,ja,JP,ramp,14,,,,30%',
      '"sale, black friday",promotion,2025-11-28,2025-12-01,,,,window,,,2,1,0.5',
      'classifier-v2,policy,2025-05-01T09:00:00+09:00,,,,,step,,,,,',
      'incident,outage,2025-06-01,,,,,spike,,3,,,-0.2',
    ].join('\n');
    const events = parseEvents(csv, { format: 'csv' });
    expect(events[0]).toMatchObject({
      queues: ['reviews', 'listings'],
      languages: ['ja'],
      markets: ['JP'],
      shape: { kind: 'ramp', days: 14 },
    });
    expect(events[0].uplift).toBeCloseTo(0.3, 12);
    expect(events[1]).toMatchObject({
      name: 'sale, black friday',
      shape: { kind: 'window', preDays: 2, postDays: 1 },
      uplift: 0.5,
    });
    expect(events[2].shape).toEqual({ kind: 'step' });
    expect(events[3].shape).toEqual({ kind: 'spike', decayDays: 3 });
  });
  it('names the file, line, column, value and reason of a bad row', () => {
    const csv = [
      CSV_HEADER,
      'a,launch,2025-04-01,,,,,step,,,,,',
      'b,launch,2025-04-01,,,,,ramp,soon,,,,',
    ].join('\n');
    try {
      parseEvents(csv, { file: 'events.csv', format: 'csv' });
      expect.unreachable();
    } catch (e) {
      const err = e as { code: string; details: Record<string, unknown>; message: string };
      expect(err.code).toBe('INPUT_INVALID');
      expect(err.details).toMatchObject({ file: 'events.csv', line: 3, column: 'days', value: 'soon' });
      expect(err.message).toMatch(/events\.csv, line 3, column days/);
    }
  });
  it('rejects unknown and missing columns, ragged rows and unterminated quotes', () => {
    expect(() => parseEvents('name,type,start,shape,colour\n', { format: 'csv' })).toThrow(
      expect.objectContaining({
        code: 'INPUT_INVALID',
        details: expect.objectContaining({ column: 'colour' }),
      }),
    );
    expect(() => parseEvents('name,type,start\n', { format: 'csv' })).toThrow(
      expect.objectContaining({ code: 'INPUT_MISSING_COLUMN' }),
    );
    expect(() => parseEvents('name,type,start,shape\na,launch\n', { format: 'csv' })).toThrow(
      expect.objectContaining({ code: 'INPUT_PARSE', details: expect.objectContaining({ line: 2 }) }),
    );
    expect(() =>
      parseEvents('name,type,start,shape\n"a,launch,2025-01-01,step\n', { format: 'csv' }),
    ).toThrow(expect.objectContaining({ code: 'INPUT_PARSE' }));
  });
  it('sniffs the format and loads from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modcap-events-'));
    const json = join(dir, 'events.json');
    writeFileSync(
      json,
      JSON.stringify([{ name: 'x', type: 'other', start: '2025-01-01', shape: { kind: 'step' } }]),
    );
    const csv = join(dir, 'events.csv');
    writeFileSync(csv, 'name,type,start,shape\r\ny,other,2025-01-02,step\r\n');
    expect(loadEvents(json)[0].name).toBe('x');
    expect(loadEvents(csv)[0].name).toBe('y');
    expect(() => loadEvents(join(dir, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'INPUT_PARSE' }),
    );
  });
});

describe('parseEvents on degenerate input', () => {
  it('an empty JSON array and a header-only CSV give no events', () => {
    expect(parseEvents('[]')).toEqual([]);
    expect(parseEvents('name,type,start,shape\n', { format: 'csv' })).toEqual([]);
  });
  it('an empty CSV is INPUT_EMPTY', () => {
    expect(() => parseEvents('', { format: 'csv' })).toThrow(
      expect.objectContaining({ code: 'INPUT_EMPTY' }),
    );
  });
});

describe('eventsFor', () => {
  const events = parseEvents(
    JSON.stringify([
      { name: 'all', type: 'other', start: '2025-01-01', shape: { kind: 'step' } },
      { name: 'ja', type: 'launch', start: '2025-01-01', languages: ['JA'], shape: { kind: 'step' } },
      {
        name: 'jp-reviews',
        type: 'launch',
        start: '2025-01-01',
        queues: ['reviews'],
        markets: ['JP'],
        shape: { kind: 'step' },
      },
    ]),
  );
  it('matches omitted lists as "all" and compares case-insensitively', () => {
    const names = (key: Record<string, string>) => eventsFor(key, events).map((e) => e.name);
    expect(names({ queue: 'reviews', language: 'ja', market: 'JP' })).toEqual(['all', 'ja', 'jp-reviews']);
    expect(names({ queue: 'listings', language: 'ja', market: 'JP' })).toEqual(['all', 'ja']);
    expect(names({ queue: 'reviews', language: 'de', market: 'DE' })).toEqual(['all']);
  });
  it('a key without market is touched by market-restricted events (its volume includes that market)', () => {
    expect(eventsFor({ queue: 'reviews', language: 'en' }, events).map((e) => e.name)).toEqual([
      'all',
      'jp-reviews',
    ]);
  });
});
