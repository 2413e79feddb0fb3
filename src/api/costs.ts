/**
 * The finance cost query, cached: per plan (revision), the cost rows (`store.getPlanCosts`) and the exchange
 * rates of the configuration version the plan used; per (groupBy, currency, scenarios) the answer already
 * serialized as JSON and as CSV. Plans change only by replacement, so a cached plan is re-checked against its
 * revision at most once per `revalidateMs`; the job runner of this process drops a plan when it stores one.
 * Grouping uses the library's `costTotals`; conversion is the configuration's rate (value of one unit of a
 * currency in the reporting currency).
 */

import type { CapacityConfig } from '../capacity/config.ts';
import { type CostRow, costTotals } from '../capacity/plan/cost.ts';
import { ModcapError } from '../errors.ts';
import { csvCell } from '../forecast/io/csv.ts';
import type { PlanCostRow, Store } from '../store/types.ts';
import { loadStoredConfig } from './data.ts';

/** Dimensions a cost query can group by. */
export const COST_DIMENSIONS = ['scenario', 'site', 'language', 'month', 'component'] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];

/** `currency=site`: each line in its site's own currency. */
export const SITE_CURRENCY = 'site';

/** A parsed cost query. */
export interface CostQuery {
  readonly groupBy: readonly CostDimension[];
  /** An ISO code the configuration has a rate for, or `site` (default: the plan's reporting currency). */
  readonly currency?: string;
  /** Only these scenarios (all when empty). */
  readonly scenarios: readonly string[];
}

/** An answer, serialized both ways. */
export interface CostAnswer {
  readonly json: string;
  readonly csv: string;
}

interface PlanEntry {
  revision: number;
  checkedAt: number;
  rows: readonly PlanCostRow[];
  scenarios: readonly string[];
  reportingCurrency: string;
  /** Value of one unit of a currency in the reporting currency. */
  rates: Readonly<Record<string, number>>;
  answers: Map<string, CostAnswer>;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Parses `groupBy` (comma list of dimensions, default `scenario,site,month`).
 * @throws ModcapError BAD_ARGUMENT naming the unknown dimension
 * @example parseGroupBy('site,month') // => ['site', 'month']
 */
export function parseGroupBy(text: string | undefined): CostDimension[] {
  if (text === undefined || text.trim() === '') return ['scenario', 'site', 'month'];
  const out: CostDimension[] = [];
  for (const part of text.split(',')) {
    const d = part.trim();
    if (!(COST_DIMENSIONS as readonly string[]).includes(d))
      throw new ModcapError('BAD_ARGUMENT', `groupBy: "${d}" is not one of ${COST_DIMENSIONS.join(', ')}`, {
        field: 'query.groupBy',
        value: text,
      });
    if (!out.includes(d as CostDimension)) out.push(d as CostDimension);
  }
  return out;
}

/** Splits a comma list (`a,b`) into trimmed non-empty names. */
export function commaList(text: string | undefined): string[] {
  return text === undefined
    ? []
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** The cost cache of one app. */
export class CostCache {
  private readonly store: Store;
  private readonly revalidateMs: number;
  private readonly maxAnswersPerPlan: number;
  private readonly plans = new Map<string, Promise<PlanEntry | undefined>>();

  constructor(store: Store, options: { revalidateMs?: number; maxAnswersPerPlan?: number } = {}) {
    this.store = store;
    this.revalidateMs = options.revalidateMs ?? 1_000;
    this.maxAnswersPerPlan = options.maxAnswersPerPlan ?? 1_000;
  }

  /** Forgets a plan (after it was stored or replaced). */
  invalidate(planId: string): void {
    this.plans.delete(planId);
  }

  private async load(planId: string): Promise<PlanEntry | undefined> {
    const meta = await this.store.getPlanMeta(planId);
    if (!meta) return undefined;
    const rows = await this.store.getPlanCosts(planId);
    if (!rows) return undefined;
    const { config } = await loadStoredConfig(this.store, meta.configId, meta.configVersion);
    return {
      revision: meta.revision,
      checkedAt: Date.now(),
      rows,
      scenarios: meta.scenarios,
      reportingCurrency: meta.reportingCurrency,
      rates: ratesOf(config),
      answers: new Map(),
    };
  }

  private async entry(planId: string): Promise<PlanEntry | undefined> {
    let p = this.plans.get(planId);
    if (p === undefined) {
      p = this.load(planId);
      this.plans.set(planId, p);
      p.then(
        (e) => e === undefined && this.plans.delete(planId),
        () => this.plans.delete(planId),
      );
    }
    const e = await p;
    if (e === undefined) return undefined;
    const now = Date.now();
    if (now - e.checkedAt > this.revalidateMs) {
      e.checkedAt = now;
      const meta = await this.store.getPlanMeta(planId);
      if (!meta || meta.revision !== e.revision) {
        this.plans.delete(planId);
        return this.entry(planId);
      }
    }
    return e;
  }

  /**
   * Costs of a plan grouped by `query.groupBy`, in `query.currency`, for `query.scenarios`; `undefined` when
   * the plan does not exist.
   * @throws ModcapError BAD_ARGUMENT for a currency without a rate or an unknown scenario
   */
  async costs(planId: string, query: CostQuery): Promise<CostAnswer | undefined> {
    const e = await this.entry(planId);
    if (!e) return undefined;
    query = { ...query, currency: query.currency ?? e.reportingCurrency };
    const key = `c|${query.groupBy.join(',')}|${query.currency}|${query.scenarios.join(',')}`;
    const hit = e.answers.get(key);
    if (hit) return hit;
    const answer = this.compute(planId, e, query);
    this.remember(e, key, answer);
    return answer;
  }

  /** Scenarios side by side: one cost column per scenario, grouped by `query.groupBy` (scenario is implied). */
  async compare(planId: string, query: CostQuery): Promise<CostAnswer | undefined> {
    const e = await this.entry(planId);
    if (!e) return undefined;
    query = { ...query, currency: query.currency ?? e.reportingCurrency };
    const key = `x|${query.groupBy.join(',')}|${query.currency}|${query.scenarios.join(',')}`;
    const hit = e.answers.get(key);
    if (hit) return hit;
    const answer = this.computeCompare(planId, e, query);
    this.remember(e, key, answer);
    return answer;
  }

  private remember(e: PlanEntry, key: string, answer: CostAnswer): void {
    if (e.answers.size >= this.maxAnswersPerPlan) e.answers.clear();
    e.answers.set(key, answer);
  }

  private check(e: PlanEntry, query: CostQuery): void {
    for (const s of query.scenarios)
      if (!e.scenarios.includes(s))
        throw new ModcapError(
          'BAD_ARGUMENT',
          `scenario "${s}" is not in this plan (it has ${e.scenarios.join(', ')})`,
          {
            field: 'query.scenario',
            value: s,
          },
        );
    if (query.currency !== SITE_CURRENCY && e.rates[query.currency as string] === undefined)
      throw new ModcapError(
        'BAD_ARGUMENT',
        `currency "${query.currency}" has no rate in the plan's configuration (known: ${Object.keys(e.rates).join(', ')}, or "site")`,
        { field: 'query.currency', value: query.currency },
      );
  }

  /** Rows of the query's scenarios converted to the query's currency (`currency` set on each). */
  private converted(e: PlanEntry, query: CostQuery): CostRow[] {
    const keep = query.scenarios.length > 0 ? new Set(query.scenarios) : undefined;
    const out: CostRow[] = [];
    for (const r of e.rows) {
      if (keep && !keep.has(r.scenario)) continue;
      if (query.currency === SITE_CURRENCY) out.push({ ...r, costReporting: r.cost });
      else
        out.push({
          ...r,
          currency: query.currency as string,
          costReporting: r.costReporting / e.rates[query.currency as string],
        });
    }
    return out;
  }

  private compute(planId: string, e: PlanEntry, query: CostQuery): CostAnswer {
    this.check(e, query);
    const dims = query.currency === SITE_CURRENCY ? [...query.groupBy, 'currency' as const] : query.groupBy;
    const rows = this.converted(e, query);
    const SEP = '\u0001';
    const totals = costTotals(rows, (r) => dims.map((d) => r[d]).join(SEP));
    const lines = [...totals.keys()].sort().map((k) => {
      const parts = k.split(SEP);
      const line: Record<string, string | number> = {};
      dims.forEach((d, i) => {
        line[d] = parts[i];
      });
      if (query.currency !== SITE_CURRENCY) line.currency = query.currency as string;
      line.cost = round2(totals.get(k) ?? 0);
      return line;
    });
    const body = {
      planId,
      revision: e.revision,
      currency: query.currency,
      reportingCurrency: e.reportingCurrency,
      groupBy: query.groupBy,
      scenarios: query.scenarios.length > 0 ? query.scenarios : e.scenarios,
      rows: lines,
      ...(query.currency === SITE_CURRENCY
        ? {}
        : { total: round2(lines.reduce((a, l) => a + (l.cost as number), 0)) }),
    };
    const header = [...query.groupBy, 'currency', 'cost'];
    const csv = toCsv(header, lines);
    return { json: JSON.stringify(body), csv };
  }

  private computeCompare(planId: string, e: PlanEntry, query: CostQuery): CostAnswer {
    if (query.currency === SITE_CURRENCY)
      throw new ModcapError('BAD_ARGUMENT', 'a comparison needs one currency (not "site")', {
        field: 'query.currency',
        value: query.currency,
      });
    if (query.scenarios.length < 2)
      throw new ModcapError(
        'BAD_ARGUMENT',
        'scenarios: name at least two scenarios to compare, e.g. scenarios=base,high',
        {
          field: 'query.scenarios',
          value: query.scenarios.join(','),
        },
      );
    this.check(e, query);
    const dims = query.groupBy.filter((d) => d !== 'scenario');
    const rows = this.converted(e, query);
    const SEP = '\u0001';
    const totals = costTotals(rows, (r) => [...dims.map((d) => r[d]), r.scenario].join(SEP));
    const groups = new Map<string, Record<string, number>>();
    for (const [k, v] of totals) {
      const parts = k.split(SEP);
      const g = parts.slice(0, dims.length).join(SEP);
      const s = parts[dims.length];
      const rec = groups.get(g) ?? {};
      rec[s] = v;
      groups.set(g, rec);
    }
    const lines = [...groups.keys()].sort().map((g) => {
      const parts = g === '' && dims.length === 0 ? [] : g.split(SEP);
      const line: Record<string, string | number> = {};
      dims.forEach((d, i) => {
        line[d] = parts[i];
      });
      const rec = groups.get(g) ?? {};
      for (const s of query.scenarios) line[s] = round2(rec[s] ?? 0);
      return line;
    });
    const totalsBy: Record<string, number> = {};
    for (const s of query.scenarios) totalsBy[s] = round2(lines.reduce((a, l) => a + (l[s] as number), 0));
    const body = {
      planId,
      revision: e.revision,
      currency: query.currency,
      groupBy: dims,
      scenarios: query.scenarios,
      rows: lines.map((l) => {
        const out: Record<string, unknown> = {};
        for (const d of dims) out[d] = l[d];
        out.costs = Object.fromEntries(query.scenarios.map((s) => [s, l[s]]));
        return out;
      }),
      totals: totalsBy,
    };
    return { json: JSON.stringify(body), csv: toCsv([...dims, ...query.scenarios], lines) };
  }
}

/** Rates of a configuration: one unit of each currency in the reporting currency (reporting itself is 1). */
function ratesOf(config: CapacityConfig): Record<string, number> {
  return { ...config.currencies, [config.reportingCurrency]: 1 };
}

/** A CSV table (header line, then one line per record). */
export function toCsv(header: readonly string[], records: readonly Record<string, unknown>[]): string {
  const out = [header.map((h) => csvCell(h)).join(',')];
  for (const r of records)
    out.push(
      header
        .map((h) => {
          const v = r[h];
          return typeof v === 'number' ? String(v) : csvCell(v === undefined || v === null ? '' : String(v));
        })
        .join(','),
    );
  return `${out.join('\n')}\n`;
}
