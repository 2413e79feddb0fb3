import highsModule, { type Highs } from 'highs';
import { describe, expect, it } from 'vitest';
import {
  type AllocationProblem,
  type AllocationSite,
  allocate,
  highsRuntimeInfo,
} from '../../src/capacity/allocate.ts';
import { ModcapError } from '../../src/errors.ts';

/** An in-house site: 30 productive and 40 paid hours per FTE-week, productivity 1 in its languages. */
function site(id: string, over: Partial<AllocationSite> = {}): AllocationSite {
  return {
    id,
    kind: 'in-house',
    languages: { en: 1 },
    minHeadcount: 0,
    maxHeadcount: 100,
    productiveHoursPerFteWeek: 30,
    paidHoursPerFteWeek: 40,
    costPerFteWeek: 1000,
    ...over,
  };
}

const oneWeek = (demand: AllocationProblem['demand'], sites: AllocationSite[], languages = ['en']) => ({
  weeks: ['2026-W01'],
  languages,
  demand,
  sites,
});

const row = (r: Awaited<ReturnType<typeof allocate>>, site: string, language = 'en', week = 0) =>
  r.allocations.find((a) => a.site === site && a.language === language && a.week === week);

async function expectBadArgument(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModcapError);
    expect((e as ModcapError).code).toBe('BAD_ARGUMENT');
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected BAD_ARGUMENT matching ${pattern}`);
}

describe('allocate: by hand', () => {
  // 350 hours; the cheap site (1000 per FTE-week) holds at most 5 FTE × 30 h = 150 h, the dear one (2000)
  // takes the other 200 h: ⌈200 / 30⌉ = 7 FTE. Cost 5 × 1000 + 7 × 2000 = 19000. LP: 5 × 1000 +
  // 2000 × 200/30 = 18333.33…, so the integer plan is (19000 − 18333.33) / 18333.33 = 3.636 % above it.
  const problem = oneWeek(
    [{ language: 'en', week: 0, hours: 350 }],
    [site('cheap', { maxHeadcount: 5 }), site('dear', { costPerFteWeek: 2000, kind: 'vendor' })],
  );

  it('gives the cheaper site the work up to its maximum and the other the rest', async () => {
    const r = await allocate(problem);
    expect(r.status).toBe('optimal');
    expect(row(r, 'cheap')).toMatchObject({ headcount: 5, paidHours: 200, cost: 5000 });
    expect(row(r, 'dear')).toMatchObject({ headcount: 7, paidHours: 280, cost: 14000 });
    // Hours cost nothing by themselves: any split within the capacities (150 h, 210 h) is optimal.
    expect(row(r, 'cheap')!.productiveHours + row(r, 'dear')!.productiveHours).toBeCloseTo(350, 6);
    expect(row(r, 'cheap')!.productiveHours).toBeLessThanOrEqual(150 + 1e-6);
    expect(row(r, 'dear')!.productiveHours).toBeLessThanOrEqual(210 + 1e-6);
    expect(r.totalCost).toBe(19000);
    expect(r.shortfalls).toEqual([]);
  });

  it('reports the LP bound and the gap of the integer plan to it', async () => {
    const r = await allocate(problem);
    expect(r.lpBound).toBeCloseTo(5000 + (2000 * 200) / 30, 6);
    expect(r.objective).toBeCloseTo(19000, 6);
    expect(r.gap).toBeCloseTo((19000 - r.lpBound) / r.lpBound, 9);
    expect(r.gap).toBeGreaterThan(0.036);
    expect(r.size).toMatchObject({ integerVariables: 2 });
  });

  it('solves the LP alone with fractional headcount and no gap', async () => {
    const r = await allocate(problem, { integerHeadcount: false });
    expect(row(r, 'dear')!.headcount).toBeCloseTo(200 / 30, 6);
    expect(r.gap).toBe(0);
    expect(r.objective).toBeCloseTo(r.lpBound, 9);
    expect(r.size.integerVariables).toBe(0);
  });

  it('converts productive hours with the site productivity', async () => {
    // 0.8 productivity: one FTE gives 24 hours of demand; 100 h → ⌈100 / 24⌉ = 5 FTE.
    const r = await allocate(
      oneWeek([{ language: 'en', week: 0, hours: 100 }], [site('a', { languages: { en: 0.8 } })]),
    );
    expect(row(r, 'a')!.headcount).toBe(5);
  });
});

describe('allocate: skills, shortfalls, commitments, segments', () => {
  it('respects language skills: a cheaper site without the language gets none of it', async () => {
    const r = await allocate(
      oneWeek(
        [
          { language: 'de', week: 0, hours: 90 },
          { language: 'en', week: 0, hours: 60 },
        ],
        [
          site('cheap', { costPerFteWeek: 500 }),
          site('german', { languages: { de: 1 }, costPerFteWeek: 3000 }),
        ],
        ['en', 'de'],
      ),
    );
    expect(row(r, 'german', 'de')!.headcount).toBe(3);
    expect(row(r, 'cheap', 'en')!.headcount).toBe(2);
    expect(row(r, 'cheap', 'de')).toBeUndefined();
    expect(row(r, 'german', 'en')).toBeUndefined();
    expect(r.totalCost).toBe(2 * 500 + 3 * 3000);
  });

  it('reports demand in a language nobody staffs as a shortfall with its exact hours', async () => {
    const r = await allocate(
      oneWeek(
        [
          { language: 'en', week: 0, hours: 30 },
          { language: 'ja', week: 0, hours: 123.5 },
          { language: 'ja', week: 0, hours: 1.5 },
          { language: 'xx', week: 0, hours: 7 }, // not even in problem.languages
        ],
        [site('a')],
        ['en', 'ja'],
      ),
    );
    expect(r.shortfalls).toEqual([
      { language: 'ja', week: 0, hours: 125, reason: 'no-site-staffs-language' },
      { language: 'xx', week: 0, hours: 7, reason: 'no-site-staffs-language' },
    ]);
    expect(row(r, 'a')!.headcount).toBe(1);
  });

  it('reports what is short when the sites are full', async () => {
    // At most 2 FTE × 30 h = 60 h of 100 h.
    const r = await allocate(
      oneWeek([{ language: 'en', week: 0, hours: 100 }], [site('a', { maxHeadcount: 2 })]),
    );
    expect(r.shortfalls).toHaveLength(1);
    expect(r.shortfalls[0]).toMatchObject({ language: 'en', week: 0, reason: 'capacity' });
    expect(r.shortfalls[0].hours).toBeCloseTo(40, 6);
    expect(row(r, 'a')!.headcount).toBe(2);
  });

  it('enforces a vendor minimum of paid hours even when in-house is cheaper', async () => {
    // 300 h. The vendor (3000 per FTE-week) must staff 80 paid hours = 2 FTE; it then serves 60 h,
    // in-house the other 240 h = 8 FTE. Cost 8 × 1000 + 2 × 3000 = 14000.
    const vendor = site('v', { kind: 'vendor', costPerFteWeek: 3000, vendorMinimumHoursPerWeek: 80 });
    const r = await allocate(oneWeek([{ language: 'en', week: 0, hours: 300 }], [site('h'), vendor]));
    expect(row(r, 'v')!.headcount).toBe(2);
    expect(row(r, 'v')!.paidHours).toBe(80);
    expect(row(r, 'h')!.headcount).toBe(8);
    expect(r.totalCost).toBe(14000);
    const without = await allocate(
      oneWeek(
        [{ language: 'en', week: 0, hours: 300 }],
        [site('h'), { ...vendor, vendorMinimumHoursPerWeek: 0 }],
      ),
    );
    expect(row(without, 'v')).toBeUndefined();
    expect(without.totalCost).toBe(10000);
  });

  it('charges unused committed hours of a vendor priced per productive hour', async () => {
    // Vendor at 50 per productive hour with 80 committed paid hours (40 paid = 30 productive per FTE, so
    // 37.5 per unused paid hour); in-house 500 per FTE. 30 h of demand: all to the vendor (30 h = 40 paid
    // hours, 1500) plus 40 unused paid hours (1500) = 3000, cheaper than 500 in-house + 80 × 37.5.
    const vendor = site('v', {
      kind: 'vendor',
      costPerFteWeek: undefined,
      costPerProductiveHour: 50,
      vendorMinimumHoursPerWeek: 80,
    });
    const r = await allocate(
      oneWeek([{ language: 'en', week: 0, hours: 30 }], [site('h', { costPerFteWeek: 500 }), vendor]),
    );
    expect(row(r, 'h')).toBeUndefined();
    expect(row(r, 'v')!.productiveHours).toBeCloseTo(30, 6);
    expect(r.unusedCommitments).toHaveLength(1);
    expect(r.unusedCommitments[0].paidHours).toBeCloseTo(40, 6);
    expect(r.unusedCommitments[0].cost).toBeCloseTo(1500, 6);
    expect(r.totalCost).toBeCloseTo(3000, 6);
  });

  it('serves a segment of the week only from sites open in it (follow-the-sun)', async () => {
    const r = await allocate(
      oneWeek(
        [
          { language: 'en', week: 0, segment: 'apac', hours: 60 },
          { language: 'en', week: 0, segment: 'emea', hours: 30 },
          { language: 'en', week: 0, hours: 30 }, // deferred: any site
        ],
        [
          site('manila', { costPerFteWeek: 500, segments: { apac: 56 } }),
          site('dublin', { costPerFteWeek: 1500, segments: { emea: 56 } }),
        ],
      ),
    );
    expect(row(r, 'dublin')!.headcount).toBe(1);
    expect(row(r, 'dublin')!.productiveHours).toBeCloseTo(30, 6);
    expect(row(r, 'manila')!.headcount).toBe(3);
    expect(row(r, 'manila')!.productiveHours).toBeCloseTo(90, 6);
    expect(r.shortfalls).toEqual([]);
  });

  it('spreads an FTE over the open hours: a site open half its hours in a segment gives half there', async () => {
    // Open 28 h in apac and 28 h in emea: an FTE gives 15 of its 30 productive hours in apac.
    // 60 h of apac work needs 4 FTE, although 2 would do without segments.
    const both = site('both', { segments: { apac: 28, emea: 28 } });
    const r = await allocate(oneWeek([{ language: 'en', week: 0, segment: 'apac', hours: 60 }], [both]));
    expect(row(r, 'both')!.headcount).toBe(4);
    const closed = await allocate(oneWeek([{ language: 'en', week: 0, segment: 'amer', hours: 10 }], [both]));
    expect(closed.shortfalls).toEqual([
      { language: 'en', week: 0, segment: 'amer', hours: 10, reason: 'no-site-open-in-segment' },
    ]);
  });

  it('with a flexible roster, shifts follow the demand: everyone can be on in a segment, less shrinkage', async () => {
    // 40 paid and 30 productive hours per FTE: at most 3/4 of the staff are on at once. In a 10-hour apac
    // segment an FTE gives at most 10 × 30/40 = 7.5 h, so 60 h there needs 8 FTE.
    const peak = site('peak', { segments: { apac: 10, rest: 30 } });
    const flex = await allocate(oneWeek([{ language: 'en', week: 0, segment: 'apac', hours: 60 }], [peak]), {
      roster: 'flexible',
    });
    expect(row(flex, 'peak')!.headcount).toBe(8);
    // In a 28-hour segment an FTE gives up to 28 × 30/40 = 21 h: 60 h needs ⌈2.86⌉ = 3 FTE (a flat roster
    // over 28 + 28 open hours gives 15 h per FTE there and needs 4).
    const both = site('both', { segments: { apac: 28, emea: 28 } });
    const r = await allocate(oneWeek([{ language: 'en', week: 0, segment: 'apac', hours: 60 }], [both]), {
      roster: 'flexible',
    });
    expect(row(r, 'both')!.headcount).toBe(3);
  });

  it('with a quality weight, prefers the better site at equal cost; the penalty is not a cost', async () => {
    // Weight 10 per hour per unit of (1 − quality): 1.0 per hour at 0.9, 0.1 per hour at 0.99.
    const r = await allocate(
      oneWeek(
        [{ language: 'en', week: 0, hours: 60 }],
        [site('ok', { qualityScore: 0.9 }), site('good', { qualityScore: 0.99 })],
      ),
      { qualityWeight: 10 },
    );
    expect(row(r, 'good')!.headcount).toBe(2);
    expect(row(r, 'ok')).toBeUndefined();
    expect(r.totalCost).toBe(2000);
    expect(r.objective).toBeCloseTo(2000 + 60 * 10 * (1 - 0.99), 6);
  });

  it('keeps each site within its minimum and maximum headcount in every week', async () => {
    const r = await allocate({
      weeks: ['w1', 'w2'],
      languages: ['en'],
      demand: [
        { language: 'en', week: 0, hours: 30 },
        { language: 'en', week: 1, hours: 600 },
      ],
      sites: [site('a', { minHeadcount: 4, maxHeadcount: 12 }), site('b', { costPerFteWeek: 1200 })],
    });
    expect(row(r, 'a', 'en', 0)!.headcount).toBe(4); // min applies even with little work
    expect(row(r, 'b', 'en', 0)).toBeUndefined();
    expect(row(r, 'a', 'en', 1)!.headcount).toBe(12);
    expect(row(r, 'b', 'en', 1)!.headcount).toBe(8); // (600 − 360) / 30
  });
});

describe('allocate: a larger case', () => {
  it('is within the gap target of the LP bound, with every demand cell served', async () => {
    const languages = ['en', 'es', 'de', 'fr', 'ja'];
    const demand: AllocationProblem['demand'] = [];
    for (let w = 0; w < 4; w++)
      languages.forEach((language, i) => {
        demand.push({ language, week: w, hours: 200 + 137 * i + 41 * w });
      });
    const sites = Array.from({ length: 6 }, (_, s) =>
      site(`s${s}`, {
        languages: Object.fromEntries(
          languages.filter((_, i) => (i + s) % 3 !== 0).map((l) => [l, 0.9 + 0.03 * s]),
        ),
        maxHeadcount: 25 + 5 * s,
        productiveHoursPerFteWeek: 24 + s,
        costPerFteWeek: 700 + 113 * s,
      }),
    );
    const r = await allocate({ weeks: ['1', '2', '3', '4'], languages, demand, sites });
    expect(r.gap).toBeGreaterThanOrEqual(0);
    expect(r.gap).toBeLessThanOrEqual(0.01);
    expect(r.objective).toBeGreaterThanOrEqual(r.lpBound - 1e-6);
    expect(r.shortfalls).toEqual([]);
    for (let w = 0; w < 4; w++)
      for (const language of languages) {
        const served = r.allocations
          .filter((a) => a.week === w && a.language === language)
          .reduce((acc, a) => acc + a.productiveHours, 0);
        const needed = demand.find((d) => d.week === w && d.language === language)!.hours;
        expect(served).toBeGreaterThanOrEqual(needed - 1e-6);
      }
    for (const a of r.allocations) {
      const s = sites.find((x) => x.id === a.site)!;
      expect(Number.isInteger(a.headcount)).toBe(true);
      expect(a.productiveHours).toBeLessThanOrEqual(
        a.headcount * s.productiveHoursPerFteWeek * s.languages[a.language] + 1e-6,
      );
    }
  }, 30_000);

  it('exports the model as LP text with integer headcount when asked', async () => {
    const r = await allocate(oneWeek([{ language: 'en', week: 0, hours: 50 }], [site('a')]), {
      exportLp: true,
    });
    expect(r.lpText).toMatch(/n_0_0_0/);
    expect(r.lpText).toMatch(/gen/i);
  });
});

describe('allocate: memory', () => {
  // 12 weeks × 10 sites × 4 of 8 languages: big enough that 30 leaked solves would outgrow the initial
  // WebAssembly memory (checked by removing the dispose() calls: the first test then fails).
  const languages = ['en', 'es', 'de', 'fr', 'ja', 'ko', 'ar', 'tr'];
  const problem: AllocationProblem = {
    weeks: Array.from({ length: 12 }, (_, w) => `w${w}`),
    languages,
    demand: Array.from({ length: 12 }, (_, w) =>
      languages.map((language, i) => ({ language, week: w, hours: 300 + 97 * i + 31 * ((w * 7 + i) % 5) })),
    ).flat(),
    sites: Array.from({ length: 10 }, (_, s) =>
      site(`s${s}`, {
        languages: Object.fromEntries([0, 1, 2, 3].map((k) => [languages[(s + 3 * k) % 8], 0.9 + 0.02 * k])),
        maxHeadcount: 40 + 7 * s,
        productiveHoursPerFteWeek: 24 + (s % 4),
        costPerFteWeek: 600 + 97 * s,
      }),
    ),
  };

  it('does not grow WebAssembly memory over 30 solves (each model is disposed)', async () => {
    let afterFive = 0;
    for (let i = 0; i < 30; i++) {
      // A loose gap target keeps this fast (the rounding is accepted, no MIP runs); memory is the point.
      await allocate(problem, { mipRelGap: 0.5 });
      if (i === 4) afterFive = highsRuntimeInfo().memoryBytes;
    }
    const info = highsRuntimeInfo();
    expect(info.memoryBytes).toBeGreaterThan(0);
    expect(info.memoryBytes).toBe(afterFive);
    expect(info.loads).toBe(1);
    expect(info.solves).toBeGreaterThanOrEqual(30);
  }, 30_000);

  it('(control) the same measure grows when models are not disposed', async () => {
    const load = ((highsModule as unknown as { default?: unknown }).default ??
      highsModule) as () => Promise<Highs>;
    const highs = await load();
    const k = 12000;
    const lp = `Minimize\n obj: ${Array.from({ length: k }, (_, i) => `${1 + (i % 5)} x${i}`).join(' + ')}\nSubject To\n${Array.from(
      { length: k },
      (_, i) => ` c${i}: x${i} + x${(i + 1) % k} >= ${1 + (i % 7)}`,
    ).join('\n')}\nEnd`;
    const run = () => {
      const m = highs.createModel({ format: 'lp', data: lp });
      m.options.set({ output_flag: false });
      m.run();
      return m;
    };
    run().dispose();
    const baseline = highs.memoryBytes;
    for (let i = 0; i < 5; i++) run(); // leaked on purpose
    expect(highs.memoryBytes).toBeGreaterThan(baseline);
  }, 30_000);
});

describe('allocate: input', () => {
  const ok = () => oneWeek([{ language: 'en', week: 0, hours: 10 }], [site('a')]);

  it('rejects negative hours', async () => {
    const p = ok();
    p.demand[0].hours = -1;
    await expectBadArgument(allocate(p), /demand\[0\]\.hours must be a finite number >= 0/);
  });

  it('rejects a week index out of range', async () => {
    const p = ok();
    p.demand[0].week = 1;
    await expectBadArgument(allocate(p), /demand\[0\]\.week/);
  });

  it('rejects min > max headcount, a site without cost, duplicate ids', async () => {
    await expectBadArgument(
      allocate(oneWeek([], [site('a', { minHeadcount: 5, maxHeadcount: 2 })])),
      /minHeadcount 5 > maxHeadcount 2/,
    );
    await expectBadArgument(
      allocate(oneWeek([], [site('a', { costPerFteWeek: undefined })])),
      /costPerFteWeek or costPerProductiveHour/,
    );
    await expectBadArgument(allocate(oneWeek([], [site('a'), site('a')])), /duplicate site id/);
  });

  it('rejects a vendor minimum the site cannot staff, and bad options', async () => {
    await expectBadArgument(
      allocate(oneWeek([], [site('a', { maxHeadcount: 1, vendorMinimumHoursPerWeek: 80 })])),
      /exceeds maxHeadcount/,
    );
    await expectBadArgument(allocate(ok(), { mipRelGap: 1 }), /mipRelGap/);
    await expectBadArgument(allocate(ok(), { shortfallPenalty: 0 }), /shortfallPenalty/);
  });

  it('handles no demand and no sites', async () => {
    const empty = await allocate(oneWeek([], []));
    expect(empty.allocations).toEqual([]);
    expect(empty.totalCost).toBe(0);
    expect(empty.gap).toBe(0);
    const minOnly = await allocate(oneWeek([], [site('a', { minHeadcount: 2 })]));
    expect(row(minOnly, 'a')!.headcount).toBe(2);
    expect(minOnly.totalCost).toBe(2000);
  });
});

describe('allocate: staff already on the payroll, and how far a site can grow in time', () => {
  // 240 hours = 8 FTE of 30 h. A vendor at 500 per FTE-week is cheaper than the in-house 1000 ...
  const demand = [{ language: 'en', week: 0, hours: 240 }];
  const vendor = site('vendor', { kind: 'vendor', costPerFteWeek: 500 });

  it('buys from the cheaper vendor when the in-house site has nobody', async () => {
    const r = await allocate(oneWeek(demand, [site('home'), vendor]));
    expect(row(r, 'vendor')?.headcount).toBe(8);
    expect(row(r, 'home')?.headcount ?? 0).toBe(0);
  });

  it('... but uses the 10 in-house people it pays anyway before buying anything', async () => {
    const home = site('home', { existingHeadcount: { en: [10] } });
    const r = await allocate(oneWeek(demand, [home, vendor]));
    expect(row(r, 'home')?.productiveHours).toBeCloseTo(240, 6);
    expect(row(r, 'vendor')?.headcount ?? 0).toBe(0);
    // The reported cost is still the full cost of the heads used.
    expect(row(r, 'home')?.cost).toBe((row(r, 'home')?.headcount ?? 0) * 1000);
  });

  it('buys only above the existing staff: 4 people at home, the other 4 FTE from the vendor', async () => {
    const home = site('home', { existingHeadcount: { en: [4] } });
    const r = await allocate(oneWeek(demand, [home, vendor]));
    expect(row(r, 'home')?.headcount).toBe(4);
    expect(row(r, 'vendor')?.headcount).toBe(4);
  });

  it('a vendor’s existing staff is not sunk by default', async () => {
    const dearVendor = site('v2', { kind: 'vendor', costPerFteWeek: 2000, existingHeadcount: { en: [10] } });
    const r = await allocate(oneWeek(demand, [dearVendor, vendor]));
    expect(row(r, 'vendor')?.headcount).toBe(8);
    expect(row(r, 'v2')?.headcount ?? 0).toBe(0);
  });

  it('cannot grow past what it can reach this week: the rest is a capacity shortfall with its hours', async () => {
    const home = site('home', { maxHeadcountByWeek: { en: [3] } });
    const r = await allocate(oneWeek(demand, [home]));
    expect(row(r, 'home')?.headcount).toBe(3);
    const short = r.shortfalls.filter((s) => s.language === 'en' && s.week === 0);
    expect(short.reduce((a, s) => a + s.hours, 0)).toBeCloseTo(240 - 90, 6);
    expect(short.every((s) => s.reason === 'capacity')).toBe(true);
  });
});
