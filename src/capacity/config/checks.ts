/** One problem found in a capacity configuration: where (a zod-style path), the value found and why. */
export interface ConfigIssue {
  readonly path: (string | number)[];
  readonly value: unknown;
  readonly reason: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): v is string => typeof v === 'string';
const COSTS = ['costPerHour', 'costPerFteMonth', 'costPerItem'] as const;
const EPS = 1e-9;

/**
 * Rules that span fields of a capacity configuration: unique ids, `automationShare + llmShare <= 1`, an LLM
 * cost when there is an LLM share, `minHeadcount <= maxHeadcount`, headcount only in staffed languages, exactly
 * one cost basis per site, a rate for every site currency, ramp curves rising to 1, vendor minimums only on
 * vendor sites, and scenario references to sites, queues, languages and markets that exist. Works on raw
 * (possibly invalid) input and skips what it cannot read, so it can run beside the field schemas and report
 * every problem at once.
 * @example crossCheck({ queues: [{ id: 'a' }, { id: 'a' }] })[0].reason // => 'duplicate queue id (first at queues[0])'
 */
export function crossCheck(raw: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (!isObj(raw)) return out;
  const add = (path: (string | number)[], value: unknown, reason: string) =>
    out.push({ path, value, reason });
  const queues = arr(raw.queues);
  const sites = arr(raw.sites);
  const scenarios = arr(raw.scenarios);
  const languages = Array.isArray(raw.languages) ? new Set(raw.languages.filter(str)) : undefined;
  const markets = Array.isArray(raw.markets) ? new Set(raw.markets.filter(str)) : undefined;
  const knownLanguage = (l: string) => languages === undefined || languages.has(l);

  unique(queues, 'id', 'queues', 'queue id', add);
  unique(sites, 'id', 'sites', 'site id', add);
  unique(scenarios, 'name', 'scenarios', 'scenario name', add);
  const queueIds = new Set(queues.filter(isObj).map((q) => q.id));
  const siteIds = new Set(sites.filter(isObj).map((s) => s.id));

  queues.forEach((q, i) => {
    if (!isObj(q)) return;
    const llm = num(q.llmShare) ? q.llmShare : 0;
    if (num(q.automationShare) && q.automationShare + llm > 1 + EPS)
      add(
        ['queues', i, 'llmShare'],
        q.llmShare,
        `automationShare + llmShare = ${round(q.automationShare + llm)} exceeds 1`,
      );
    if (isObj(q.automationShareByLanguage))
      for (const [lang, a] of Object.entries(q.automationShareByLanguage))
        if (num(a) && a + llm > 1 + EPS)
          add(
            ['queues', i, 'automationShareByLanguage', lang],
            a,
            `automationShare + llmShare = ${round(a + llm)} exceeds 1`,
          );
    if (llm > 0 && q.llmCostPerItem === undefined)
      add(['queues', i, 'llmCostPerItem'], undefined, 'llmShare > 0 needs llmCostPerItem');
    for (const key of ['ahtSecondsByLanguage', 'automationShareByLanguage'] as const)
      if (isObj(q[key]))
        for (const lang of Object.keys(q[key]))
          if (!knownLanguage(lang))
            add(['queues', i, key, lang], lang, 'language not in the config languages list');
  });

  const reporting = raw.reportingCurrency;
  const rates = isObj(raw.currencies) ? raw.currencies : {};
  if (str(reporting) && reporting in rates && rates[reporting] !== 1)
    add(['currencies', reporting], rates[reporting], 'the reporting currency has rate 1');

  sites.forEach((s, i) => {
    if (!isObj(s)) return;
    if (num(s.minHeadcount) && num(s.maxHeadcount) && s.minHeadcount > s.maxHeadcount)
      add(
        ['sites', i, 'minHeadcount'],
        s.minHeadcount,
        `minHeadcount ${s.minHeadcount} exceeds maxHeadcount ${s.maxHeadcount}`,
      );
    const staffed = isObj(s.languages) ? s.languages : {};
    if (isObj(s.languages))
      for (const lang of Object.keys(s.languages))
        if (!knownLanguage(lang))
          add(['sites', i, 'languages', lang], lang, 'language not in the config languages list');
    if (isObj(s.currentHeadcount))
      for (const lang of Object.keys(s.currentHeadcount))
        if (!(lang in staffed))
          add(
            ['sites', i, 'currentHeadcount', lang],
            s.currentHeadcount[lang],
            `headcount in ${lang}, which the site does not staff (add it to languages)`,
          );
    const costs = COSTS.filter((c) => s[c] !== undefined);
    if (costs.length === 0)
      add(['sites', i, 'costPerHour'], undefined, 'give one of costPerHour, costPerFteMonth or costPerItem');
    else if (costs.length > 1)
      add(['sites', i, costs[1]], s[costs[1]], `give only one cost basis (found ${costs.join(', ')})`);
    if (str(s.currency) && s.currency !== reporting && !(s.currency in rates))
      add(
        ['sites', i, 'currency'],
        s.currency,
        `no exchange rate for ${s.currency} in currencies (to ${str(reporting) ? reporting : 'the reporting currency'})`,
      );
    if (Array.isArray(s.rampCurve) && s.rampCurve.length > 0 && s.rampCurve.every(num)) {
      const r = s.rampCurve as number[];
      const k = r.findIndex((x, j) => j > 0 && x < r[j - 1]);
      if (k > 0) add(['sites', i, 'rampCurve', k], r[k], 'a ramp curve may not fall');
      if (r[r.length - 1] !== 1)
        add(
          ['sites', i, 'rampCurve', r.length - 1],
          r[r.length - 1],
          'a ramp curve ends at 1 (full productivity)',
        );
    }
    if (s.vendorMinimumHoursPerWeek !== undefined && s.kind === 'in-house')
      add(
        ['sites', i, 'vendorMinimumHoursPerWeek'],
        s.vendorMinimumHoursPerWeek,
        'only vendor sites have a vendor minimum',
      );
  });

  const checkQueues = (list: unknown, path: (string | number)[]) =>
    arr(list).forEach((q, j) => {
      if (str(q) && !queueIds.has(q))
        add([...path, j], q, `unknown queue (known: ${[...queueIds].join(', ')})`);
    });
  const checkLanguages = (list: unknown, path: (string | number)[]) =>
    arr(list).forEach((l, j) => {
      if (str(l) && !knownLanguage(l)) add([...path, j], l, 'language not in the config languages list');
    });
  scenarios.forEach((sc, i) => {
    if (!isObj(sc)) return;
    arr(sc.closeSites).forEach((id, j) => {
      if (!siteIds.has(id))
        add(['scenarios', i, 'closeSites', j], id, `unknown site (known: ${[...siteIds].join(', ')})`);
    });
    checkQueues(sc.queues, ['scenarios', i, 'queues']);
    checkLanguages(sc.languages, ['scenarios', i, 'languages']);
    if (isObj(sc.addLaunch)) {
      checkQueues(sc.addLaunch.queues, ['scenarios', i, 'addLaunch', 'queues']);
      checkLanguages(sc.addLaunch.languages, ['scenarios', i, 'addLaunch', 'languages']);
      if (markets)
        arr(sc.addLaunch.markets).forEach((m, j) => {
          if (str(m) && !markets.has(m))
            add(['scenarios', i, 'addLaunch', 'markets', j], m, 'market not in the config markets list');
        });
    }
    const changes = ['volumeChange', 'automationShareChange', 'ahtChange', 'closeSites', 'addLaunch'];
    if (!changes.some((c) => sc[c] !== undefined))
      add(['scenarios', i], sc, `a scenario changes nothing (give one of ${changes.join(', ')})`);
  });
  return out;
}

function unique(
  list: unknown[],
  key: string,
  where: string,
  what: string,
  add: (path: (string | number)[], value: unknown, reason: string) => void,
): void {
  const seen = new Map<unknown, number>();
  list.forEach((item, i) => {
    if (!isObj(item) || !str(item[key])) return;
    const first = seen.get(item[key]);
    if (first !== undefined)
      add([where, i, key], item[key], `duplicate ${what} (first at ${where}[${first}])`);
    else seen.set(item[key], i);
  });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
