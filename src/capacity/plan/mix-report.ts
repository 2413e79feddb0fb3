/** The moderation-mix analysis of each queue that has a `quality` block, beside the staffing it implies. */

import type { CapacityConfig } from '../config.ts';
import { cheapestMix, evaluateMix, type MixChannels } from '../mix.ts';
import type { Workload } from '../workload.ts';
import type { SiteLanguagePlan } from './plan.ts';
import type { SiteEconomics } from './sites.ts';

/** One mix (shares of automatic, LLM and human decisions) with its cost, quality and human staffing. */
export interface MixPoint {
  readonly automationShare: number;
  readonly llmShare: number;
  readonly humanShare: number;
  /** Cost per incoming item, reporting currency (humans at the plan's average cost per hour). */
  readonly costPerItem: number;
  readonly expectedAccuracy: number;
  /** Average FTE (fully productive) the mix needs over the plan, all languages of the queue. */
  readonly fte: number;
  /** Cost over the plan horizon, reporting currency. */
  readonly totalCost: number;
}

/** Current mix against the cheapest mix that meets the queue's quality target. */
export interface MixReport {
  readonly queue: string;
  readonly qualityTarget: number;
  readonly humanCostPerItem: number;
  readonly current: MixPoint;
  /** Undefined when no mix reaches the target (`reason` says why). */
  readonly cheapest?: MixPoint;
  readonly reason?: string;
}

/**
 * For every queue with a `quality` block: the current mix and the cheapest one meeting `quality.target`, each
 * with its cost per item, expected accuracy and the human FTE it implies over the plan's volume. Human cost per
 * hour is the plan's own: staff cost of the sites serving the queue's languages / the hours they serve.
 */
export function mixReports(
  config: CapacityConfig,
  workload: readonly Workload[],
  sites: readonly SiteLanguagePlan[],
  econ: ReadonlyMap<string, SiteEconomics>,
): MixReport[] {
  const out: MixReport[] = [];
  for (const q of config.queues) {
    const quality = q.quality;
    if (!quality) continue;
    const ws = workload.filter((w) => w.queue === q.id);
    if (ws.length === 0) continue;
    const volume = ws.reduce((a, w) => a + w.volume.reduce((x, y) => x + y, 0), 0);
    if (volume <= 0) continue;
    // Volume-weighted AHT and the cost of one human hour for the queue's languages.
    let ahtNum = 0;
    let costNum = 0;
    let hourDen = 0;
    let availDen = 0;
    for (const w of ws) {
      const v = w.volume.reduce((x, y) => x + y, 0);
      ahtNum += v * w.ahtSeconds;
      const { costPerHour, availableHoursPerFteWeek } = hourCost(w.language, w.ahtSeconds, sites, econ);
      costNum += v * costPerHour;
      availDen += v * availableHoursPerFteWeek;
      hourDen += v;
    }
    const aht = ahtNum / volume;
    const costPerHour = costNum / hourDen;
    const availableHoursPerFteWeek = availDen / hourDen;
    const weeks = ws[0].volume.length / 168;
    const humanCostPerItem = (aht / 3600) * costPerHour;
    const channels: MixChannels = {
      automatic: {
        costPerItem: quality.automationCostPerItem,
        accuracy: quality.automationAccuracy,
        maxShare: quality.maxAutomationShare,
      },
      llm: {
        costPerItem: q.llmCostPerItem ?? 0,
        accuracy: quality.llmAccuracy,
        maxShare: quality.maxLlmShare,
      },
      human: { costPerItem: humanCostPerItem, accuracy: quality.humanAccuracy },
    };
    const point = (shares: { automatic: number; llm: number; human: number }): MixPoint => {
      const e = evaluateMix({ channels, qaRate: q.qaRate, reworkRate: q.reworkRate }, shares);
      const humanHours = (volume * e.humanItemsPerItem * aht) / 3600;
      return {
        automationShare: shares.automatic,
        llmShare: shares.llm,
        humanShare: shares.human,
        costPerItem: e.costPerItem,
        expectedAccuracy: e.expectedAccuracy,
        fte: humanHours / weeks / availableHoursPerFteWeek,
        totalCost: e.costPerItem * volume,
      };
    };
    const automatic = q.automationShare;
    const current = point({ automatic, llm: q.llmShare, human: Math.max(0, 1 - automatic - q.llmShare) });
    const best = cheapestMix({
      channels,
      qaRate: q.qaRate,
      reworkRate: q.reworkRate,
      qualityTarget: quality.target,
    });
    out.push({
      queue: q.id,
      qualityTarget: quality.target,
      humanCostPerItem,
      current,
      ...(best.feasible ? { cheapest: point(best.shares) } : { reason: best.reason }),
    });
  }
  return out;
}

/**
 * Average cost of an available human hour for a language (reporting currency), weighted by the hours each site
 * serves; a per-item vendor's hour costs the items it handles in an hour at the queue's AHT.
 */
function hourCost(
  language: string,
  ahtSeconds: number,
  sites: readonly SiteLanguagePlan[],
  econ: ReadonlyMap<string, SiteEconomics>,
): { costPerHour: number; availableHoursPerFteWeek: number } {
  let cost = 0;
  let hours = 0;
  let avail = 0;
  for (const p of sites) {
    if (p.language !== language) continue;
    const e = econ.get(p.site);
    if (!e) continue;
    const h = p.allocatedHours.reduce((a, b) => a + b, 0);
    if (h <= 0) continue;
    const perHour =
      e.basis === 'item'
        ? ((e.site.costPerItem ?? 0) * e.rate * 3600) / ahtSeconds // per-item vendors: the items an hour handles
        : (e.costPerFteWeek * e.rate) / e.availableHoursPerFteWeek;
    cost += perHour * h;
    avail += e.availableHoursPerFteWeek * h;
    hours += h;
  }
  if (hours === 0) return { costPerHour: 0, availableHoursPerFteWeek: 30 };
  return { costPerHour: cost / hours, availableHoursPerFteWeek: avail / hours };
}
