import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  applyScenario,
  type CapacityConfig,
  type CapacityConfigIssue,
  crossCheck,
  formatConfigPath,
  loadCapacityConfig,
  parseCapacityConfig,
} from '../../src/capacity/config.ts';
import { ModcapError } from '../../src/errors.ts';

const DEMO = 'data/demo/config.json';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON that each test breaks in its own way
type Raw = Record<string, any>;

/** A small valid config written as a user would; each test breaks one thing in a fresh copy. */
function base(): Raw {
  return {
    reportingCurrency: 'EUR',
    currencies: { USD: 0.92, PHP: 0.016 },
    queues: [
      {
        id: 'reviews',
        ahtSeconds: 40,
        ahtSecondsByLanguage: { ja: 50 },
        automationShare: 0.5,
        llmShare: 0.2,
        llmCostPerItem: 0.002,
        qaRate: 0.05,
        reworkRate: 0.02,
        sla: { kind: 'deferred', level: 0.95, withinHours: 24 },
      },
      {
        id: 'livestream_reports',
        ahtSeconds: 90,
        automationShare: 0.8,
        llmShare: 0.15,
        llmCostPerItem: 0.004,
        sla: { kind: 'real-time', level: 0.8, targetSeconds: 60 },
      },
    ],
    sites: [
      {
        id: 'dublin',
        kind: 'in-house',
        timeZone: 'Europe/Dublin',
        hours: { mon: '08:00-20:00', sat: ['09:00-12:00', '13:00-17:00'] },
        languages: { en: 1, de: 0.9 },
        minHeadcount: 5,
        maxHeadcount: 50,
        currentHeadcount: { en: 10, de: 4 },
        paidHoursPerWeek: 39,
        shrinkage: 0.3,
        occupancyCap: 0.85,
        costPerFteMonth: 5000,
        currency: 'EUR',
        holidayCalendar: 'IE',
      },
      {
        id: 'manila',
        kind: 'vendor',
        timeZone: 'Asia/Manila',
        hours: '24/7',
        languages: { en: 1, ja: 0.8 },
        maxHeadcount: 200,
        paidHoursPerWeek: 40,
        shrinkage: 0.25,
        occupancyCap: 0.9,
        costPerHour: 500,
        currency: 'PHP',
        rampCurve: [0.5, 0.8, 1],
        vendorMinimumHoursPerWeek: 2000,
      },
    ],
    scenarios: [
      { name: 'manila-closed', closeSites: ['manila'] },
      { name: 'faster-ja', ahtChange: -0.1, languages: ['ja'], queues: ['reviews'] },
      {
        name: 'bots',
        automationShareChange: 0.1,
        volumeChange: 0.2,
        queues: ['reviews', 'livestream_reports'],
      },
      {
        name: 'launch',
        addLaunch: { name: 'live-jp', queues: ['livestream_reports'], start: '2025-09-01', uplift: 0.3 },
      },
    ],
  };
}

function parse(raw: unknown, file = 'capacity.json'): CapacityConfig {
  return parseCapacityConfig(JSON.stringify(raw), { file });
}

/** The ModcapError thrown by `fn` (fails the test when nothing is thrown). */
function caught(fn: () => unknown): ModcapError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModcapError);
    return e as ModcapError;
  }
  throw new Error('expected a ModcapError, nothing was thrown');
}

function issuesOf(mutate: (c: Raw) => void): CapacityConfigIssue[] {
  const c = base();
  mutate(c);
  const err = caught(() => parse(c));
  expect(err.code).toBe('INPUT_INVALID');
  return err.details.issues as CapacityConfigIssue[];
}

describe('the demo config', () => {
  it('parses, with the queues, languages and six sites the demo data uses', () => {
    const c = loadCapacityConfig(DEMO);
    expect(c.queues.map((q) => q.id).sort()).toEqual(
      ['appeals', 'comments', 'listings', 'livestream_reports', 'reviews'].sort(),
    );
    expect(c.sites.map((s) => s.id)).toEqual(['dublin', 'manila', 'bogota', 'tokyo', 'hyderabad', 'lisbon']);
    expect(new Set(c.sites.flatMap((s) => Object.keys(s.languages)))).toEqual(
      new Set(['en', 'es', 'pt', 'de', 'ja', 'hi']),
    );
    expect(c.markets).toEqual(['US', 'MX', 'BR', 'DE', 'JP', 'IN']);
    expect(c.scenarios.map((s) => s.name)).toEqual(['automation-plus-10', 'tokyo-closed']);
    for (const s of c.sites) expect(c.currencies[s.currency]).toBeGreaterThan(0);
  });

  it('is the same through loadCapacityConfig and parseCapacityConfig', () => {
    expect(loadCapacityConfig(DEMO)).toEqual(parseCapacityConfig(readFileSync(DEMO, 'utf8'), { file: DEMO }));
  });
});

describe('parseCapacityConfig fills defaults and normalises', () => {
  const c = parse(base());
  it('defaults omitted rates to 0, headcount to {}, ramp to [1], lists to []', () => {
    expect(c.queues[1].qaRate).toBe(0);
    expect(c.queues[1].reworkRate).toBe(0);
    expect(c.sites[1].minHeadcount).toBe(0);
    expect(c.sites[1].currentHeadcount).toEqual({});
    expect(c.sites[0].rampCurve).toEqual([1]);
    expect(c.volumeAdjustments).toEqual([]);
    expect(c.launches).toEqual([]);
  });
  it('turns one opening range into a list, and keeps 24/7', () => {
    expect(c.sites[0].hours).toEqual({ mon: ['08:00-20:00'], sat: ['09:00-12:00', '13:00-17:00'] });
    expect(c.sites[1].hours).toBe('24/7');
  });
  it('accepts a holiday calendar with a region', () => {
    const raw = base();
    raw.sites[0].holidayCalendar = 'DE-BY';
    expect(parse(raw).sites[0].holidayCalendar).toBe('DE-BY');
  });
});

describe('each bad field is reported with its exact path', () => {
  const cases: [string, (c: Raw) => void, string, unknown][] = [
    ['a shrinkage above 1', (c) => (c.sites[1].shrinkage = 1.2), 'sites[1].shrinkage', 1.2],
    ['a negative qaRate', (c) => (c.queues[0].qaRate = -0.1), 'queues[0].qaRate', -0.1],
    ['automation + LLM above 1', (c) => (c.queues[0].llmShare = 0.6), 'queues[0].llmShare', 0.6],
    [
      'an unknown time zone',
      (c) => (c.sites[0].timeZone = 'Mars/Olympus'),
      'sites[0].timeZone',
      'Mars/Olympus',
    ],
    ['minHeadcount above maxHeadcount', (c) => (c.sites[0].minHeadcount = 60), 'sites[0].minHeadcount', 60],
    ['a fractional headcount', (c) => (c.sites[0].maxHeadcount = 10.5), 'sites[0].maxHeadcount', 10.5],
    [
      'headcount in a language the site does not staff',
      (c) => (c.sites[0].currentHeadcount.ja = 3),
      'sites[0].currentHeadcount.ja',
      3,
    ],
    ['a site currency without a rate', (c) => delete c.currencies.PHP, 'sites[1].currency', 'PHP'],
    ['a currency that is not ISO 4217', (c) => (c.sites[1].currency = 'XYZ'), 'sites[1].currency', 'XYZ'],
    [
      'an unknown holiday calendar',
      (c) => (c.sites[0].holidayCalendar = 'XX'),
      'sites[0].holidayCalendar',
      'XX',
    ],
    [
      'an overnight range',
      (c) => (c.sites[0].hours.mon = '20:00-08:00'),
      'sites[0].hours.mon',
      '20:00-08:00',
    ],
    ['a malformed range', (c) => (c.sites[0].hours.sat[1] = '1pm-5pm'), 'sites[0].hours.sat[1]', '1pm-5pm'],
    [
      'hours that are neither 24/7 nor weekdays',
      (c) => (c.sites[1].hours = '24/5'),
      'sites[1].hours',
      '24/5',
    ],
    ['a weekday that is not a range', (c) => (c.sites[0].hours.mon = 8), 'sites[0].hours.mon', 8],
    ['a falling ramp curve', (c) => (c.sites[1].rampCurve = [0.5, 0.4, 1]), 'sites[1].rampCurve[1]', 0.4],
    [
      'a ramp curve not ending at 1',
      (c) => (c.sites[1].rampCurve = [0.5, 0.9]),
      'sites[1].rampCurve[1]',
      0.9,
    ],
    ['two cost bases', (c) => (c.sites[1].costPerItem = 0.2), 'sites[1].costPerItem', 0.2],
    ['no cost basis', (c) => delete c.sites[0].costPerFteMonth, 'sites[0].costPerHour', undefined],
    ['a duplicate site id', (c) => c.sites.push({ ...c.sites[0] }), 'sites[2].id', 'dublin'],
    ['a duplicate queue id', (c) => c.queues.push({ ...c.queues[0] }), 'queues[2].id', 'reviews'],
    [
      'an unknown closed site',
      (c) => (c.scenarios[0].closeSites = ['paris']),
      'scenarios[0].closeSites[0]',
      'paris',
    ],
    [
      'an unknown scenario queue',
      (c) => (c.scenarios[1].queues = ['memes']),
      'scenarios[1].queues[0]',
      'memes',
    ],
    ['an unknown field', (c) => (c.sites[0].shrinkageRate = 0.3), 'sites[0].shrinkageRate', 0.3],
    ['a missing field', (c) => delete c.queues[0].ahtSeconds, 'queues[0].ahtSeconds', undefined],
    ['an unknown SLA kind', (c) => (c.queues[1].sla.kind = 'instant'), 'queues[1].sla.kind', 'instant'],
    ['an SLA level in percent', (c) => (c.queues[0].sla.level = 95), 'queues[0].sla.level', 95],
    [
      'an LLM share with no LLM cost',
      (c) => delete c.queues[0].llmCostPerItem,
      'queues[0].llmCostPerItem',
      undefined,
    ],
    [
      'a vendor minimum on an in-house site',
      (c) => (c.sites[0].vendorMinimumHoursPerWeek = 100),
      'sites[0].vendorMinimumHoursPerWeek',
      100,
    ],
    [
      'a scenario that changes nothing',
      (c) => (c.scenarios[0] = { name: 'noop' }),
      'scenarios[0]',
      { name: 'noop' },
    ],
  ];
  for (const [what, mutate, path, value] of cases)
    it(`${what} → ${path}`, () => {
      const issues = issuesOf(mutate);
      expect(issues.map((i) => i.path)).toEqual([path]);
      expect(issues[0].value).toEqual(value);
      expect(issues[0].reason).toMatch(/\S/);
    });

  it('a language outside the declared list is reported where it is used', () => {
    const issues = issuesOf((c) => (c.languages = ['en', 'de']));
    expect(issues.map((i) => i.path).sort()).toEqual(
      ['queues[0].ahtSecondsByLanguage.ja', 'scenarios[1].languages[0]', 'sites[1].languages.ja'].sort(),
    );
  });
});

describe('every problem is reported at once, nothing partial is returned', () => {
  it('lists field and cross-field problems together and names the file and the first problems', () => {
    const raw = base();
    raw.sites[1].shrinkage = 2; // a field rule
    raw.sites[0].minHeadcount = 99; // a cross-field rule
    raw.scenarios[0].closeSites = ['paris']; // a reference
    raw.queues[0].sla.withinHours = 0; // a field rule
    const err = caught(() => parse(raw, 'plans/q3.json'));
    expect(err.code).toBe('INPUT_INVALID');
    const paths = (err.details.issues as CapacityConfigIssue[]).map((i) => i.path);
    expect(paths.sort()).toEqual(
      [
        'queues[0].sla.withinHours',
        'scenarios[0].closeSites[0]',
        'sites[0].minHeadcount',
        'sites[1].shrinkage',
      ].sort(),
    );
    expect(err.message).toContain('plans/q3.json');
    expect(err.message).toContain('4 problems');
    expect(err.message).toContain('(and 1 more)');
    expect(err.details.file).toBe('plans/q3.json');
  });

  it('does not change the input it was given', () => {
    const raw = base();
    const before = JSON.stringify(raw);
    parse(raw);
    expect(JSON.stringify(raw)).toBe(before);
  });
});

describe('malformed files', () => {
  it('malformed JSON → INPUT_PARSE with line and column', () => {
    // Counted by hand: after the trailing comma on line 3, V8 stops at the `}` that opens line 4 (column 1).
    const text = '{\n  "a": 1,\n  "b": 2,\n}';
    const err = caught(() => parseCapacityConfig(text, { file: 'bad.json' }));
    expect(err.code).toBe('INPUT_PARSE');
    expect(err.details.line).toBe(4);
    expect(err.details.columnNumber).toBe(1);
    expect(err.message).toContain('bad.json');
  });
  it('JSON cut short → INPUT_PARSE at the end of the text', () => {
    const err = caught(() => parseCapacityConfig('{\n  "a": [1,', { file: 'cut.json' }));
    expect(err.code).toBe('INPUT_PARSE');
    expect(err.details.line).toBe(2);
  });
  it('YAML is read like JSON: the same config gives the same result; bad YAML → INPUT_PARSE with its line', () => {
    const json = JSON.stringify(base());
    const yaml = stringify(base());
    expect(parseCapacityConfig(yaml, { file: 'c.yaml' })).toEqual(
      parseCapacityConfig(json, { file: 'c.json' }),
    );
    const err = caught(() => parseCapacityConfig('queues:\n  - id: a\n bad: [1,\n', { file: 'c.yaml' }));
    expect(err.code).toBe('INPUT_PARSE');
    expect(err.message).toMatch(/malformed YAML/);
    expect(typeof err.details.line).toBe('number');
    expect(caught(() => parseCapacityConfig('a: 1', { format: 'yaml' })).code).toBe('INPUT_INVALID');
  });
  it('a missing file → INPUT_NOT_FOUND; a file on disk is read', () => {
    expect(caught(() => loadCapacityConfig('/nonexistent/config.json')).code).toBe('INPUT_NOT_FOUND');
    const dir = mkdtempSync(join(tmpdir(), 'modcap-config-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify(base()));
    expect(loadCapacityConfig(join(dir, 'c.json')).sites).toHaveLength(2);
    writeFileSync(join(dir, 'c.yml'), stringify(base()));
    expect(loadCapacityConfig(join(dir, 'c.yml')).sites).toHaveLength(2);
  });
});

describe('degenerate input', () => {
  it('empty text → INPUT_PARSE', () => {
    expect(caught(() => parseCapacityConfig('')).code).toBe('INPUT_PARSE');
  });
  it('an array or null → INPUT_INVALID', () => {
    expect(caught(() => parseCapacityConfig('[]')).code).toBe('INPUT_INVALID');
    expect(caught(() => parseCapacityConfig('null')).code).toBe('INPUT_INVALID');
  });
  it('{} → every required top-level field is listed', () => {
    const err = caught(() => parseCapacityConfig('{}'));
    const paths = (err.details.issues as CapacityConfigIssue[]).map((i) => i.path);
    expect(paths.sort()).toEqual(['queues', 'reportingCurrency', 'sites']);
  });
  it('empty queue and site lists are rejected', () => {
    const issues = issuesOf((c) => {
      c.queues = [];
      c.sites = [];
      c.scenarios = [];
    });
    expect(issues.map((i) => i.path).sort()).toEqual(['queues', 'sites']);
  });
  it('a huge or zero value is caught by its range', () => {
    expect(issuesOf((c) => (c.sites[0].paidHoursPerWeek = 1e308)).map((i) => i.path)).toEqual([
      'sites[0].paidHoursPerWeek',
    ]);
    expect(issuesOf((c) => (c.queues[0].ahtSeconds = 0)).map((i) => i.path)).toEqual([
      'queues[0].ahtSeconds',
    ]);
    expect(issuesOf((c) => (c.sites[0].occupancyCap = 0)).map((i) => i.path)).toEqual([
      'sites[0].occupancyCap',
    ]);
  });
  it('crossCheck of non-objects finds nothing to say', () => {
    expect(crossCheck(null)).toEqual([]);
    expect(crossCheck({ queues: 'x', sites: 3 })).toEqual([]);
  });
  it('formatConfigPath of the root is (config)', () => {
    expect(formatConfigPath([])).toBe('(config)');
    expect(formatConfigPath(['sites', 2, 'languages', 'en'])).toBe('sites[2].languages.en');
  });
});

describe('applyScenario', () => {
  const config = parse(base());

  it('closeSites removes the site and leaves the input unchanged', () => {
    const before = structuredClone(config);
    const out = applyScenario(config, 'manila-closed');
    expect(out.sites.map((s) => s.id)).toEqual(['dublin']);
    expect(out.appliedScenario).toBe('manila-closed');
    expect(config).toEqual(before);
  });

  it('automationShareChange adds points, clamped to 1 − llmShare; volumeChange becomes an adjustment', () => {
    const out = applyScenario(config, 'bots');
    expect(out.queues[0].automationShare).toBe(0.6); // 0.5 + 0.1
    expect(out.queues[1].automationShare).toBe(0.85); // 0.8 + 0.1 = 0.9, capped at 1 − 0.15
    expect(out.volumeAdjustments).toEqual([
      { change: 0.2, queues: ['reviews', 'livestream_reports'], source: 'bots' },
    ]);
  });

  it('a change restricted to a language writes per-language values only', () => {
    const out = applyScenario(config, 'faster-ja');
    expect(out.queues[0].ahtSeconds).toBe(40);
    expect(out.queues[0].ahtSecondsByLanguage?.ja).toBeCloseTo(45, 12); // 50 × (1 − 0.1)
    expect(out.queues[1].ahtSecondsByLanguage).toBeUndefined(); // not in the scenario's queues
  });

  it('addLaunch is appended to launches, and scenarios chain', () => {
    const out = applyScenario(applyScenario(config, 'launch'), 'bots');
    expect(out.launches).toEqual([
      { name: 'live-jp', queues: ['livestream_reports'], start: '2025-09-01', uplift: 0.3 },
    ]);
    expect(out.appliedScenario).toBe('launch+bots');
  });

  it('the demo scenarios: automation-plus-10 and tokyo-closed', () => {
    const demo = loadCapacityConfig(DEMO);
    const plus = applyScenario(demo, 'automation-plus-10');
    // reviews 0.55 → 0.65; comments 0.7 → 0.8 (≤ 1 − 0.15); appeals 0 → 0.1
    expect(plus.queues.map((q) => q.automationShare)).toEqual([0.65, 0.7, 0.8, 0.3, 0.1]);
    const closed = applyScenario(demo, 'tokyo-closed');
    expect(closed.sites.map((s) => s.id)).toEqual(['dublin', 'manila', 'bogota', 'hyderabad', 'lisbon']);
  });

  it('an unknown scenario → BAD_ARGUMENT listing the known ones', () => {
    const err = caught(() => applyScenario(config, 'nope'));
    expect(err.code).toBe('BAD_ARGUMENT');
    expect(err.details.known).toEqual(['manila-closed', 'faster-ja', 'bots', 'launch']);
    expect(err.message).toContain('manila-closed, faster-ja, bots, launch');
  });

  it('closing every site → BAD_ARGUMENT', () => {
    const raw = base();
    raw.scenarios.push({ name: 'all-closed', closeSites: ['dublin', 'manila'] });
    expect(caught(() => applyScenario(parse(raw), 'all-closed')).code).toBe('BAD_ARGUMENT');
  });
});
