/** Site economics in plain numbers: productive hours per FTE, cost rates in the reporting currency. */

import { ModcapError } from '../../errors.ts';
import type { CapacityConfig, Site } from '../config.ts';

/** Weeks per month on average (52 / 12). */
export const WEEKS_PER_MONTH = 52 / 12;

/** Value of one unit of `currency` in the reporting currency (1 for the reporting currency itself). */
export function rateToReporting(
  config: Pick<CapacityConfig, 'currencies' | 'reportingCurrency'>,
  currency: string,
): number {
  if (currency === config.reportingCurrency) return 1;
  const r = config.currencies[currency];
  if (r === undefined)
    throw new ModcapError('BAD_ARGUMENT', `no exchange rate for ${currency} in currencies`, {
      field: `currencies.${currency}`,
      value: undefined,
    });
  return r;
}

/** How a site charges, and what one FTE costs or yields. */
export interface SiteEconomics {
  readonly site: Site;
  /** Paid hours × (1 − shrinkage): hours an FTE is available to work in a week. */
  readonly availableHoursPerFteWeek: number;
  /** Cost basis of the site. */
  readonly basis: 'hour' | 'fte-month' | 'item';
  /** Cost of one paid FTE-week in the site currency (hour / FTE-month bases; 0 for per-item pricing). */
  readonly costPerFteWeek: number;
  /** Value of one unit of the site currency in the reporting currency. */
  readonly rate: number;
}

/**
 * Site economics: available hours per FTE-week and the weekly cost of an FTE in the site currency.
 * @example siteEconomics(config, dublin).availableHoursPerFteWeek // => 26.52 (39 h × (1 − 0.32))
 */
export function siteEconomics(config: CapacityConfig, site: Site): SiteEconomics {
  const availableHoursPerFteWeek = site.paidHoursPerWeek * (1 - site.shrinkage);
  const rate = rateToReporting(config, site.currency);
  if (site.costPerHour !== undefined)
    return {
      site,
      availableHoursPerFteWeek,
      basis: 'hour',
      costPerFteWeek: site.costPerHour * site.paidHoursPerWeek,
      rate,
    };
  if (site.costPerFteMonth !== undefined)
    return {
      site,
      availableHoursPerFteWeek,
      basis: 'fte-month',
      costPerFteWeek: site.costPerFteMonth / WEEKS_PER_MONTH,
      rate,
    };
  return { site, availableHoursPerFteWeek, basis: 'item', costPerFteWeek: 0, rate };
}
