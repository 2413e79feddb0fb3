import Holidays from 'date-holidays';
import { ModcapError } from '../../errors.ts';

/** Which public-holiday calendar to use, and how many days around each holiday get their own columns. */
export interface HolidayOptions {
  /** ISO 3166-1 alpha-2 country code, e.g. `US`, `DE`, `JP`. */
  readonly country: string;
  /** State / region code within the country, e.g. `BY` for Bavaria. */
  readonly region?: string;
  /** Days before each holiday with their own (pooled) column, like Prophet's `lower_window` (default 0). */
  readonly before?: number;
  /** Days after each holiday with their own (pooled) column, like Prophet's `upper_window` (default 0). */
  readonly after?: number;
  /** date-holidays types to include (default `['public']`). */
  readonly types?: readonly string[];
}

// Caches: building a date-holidays instance and expanding a year's rules are slow (tens of ms per year).
const instances = new Map<string, Holidays>();
const years = new Map<string, ReadonlyMap<string, readonly string[]>>();
let countryList: Readonly<Record<string, string>> | undefined;

/**
 * True when date-holidays has a calendar for `country` (and `region`, when given).
 * @example isKnownHolidayCountry('DE', 'BY') // => true
 */
export function isKnownHolidayCountry(country: string, region?: string): boolean {
  countryList ??= new Holidays().getCountries();
  const c = country.toUpperCase();
  if (!(c in countryList)) return false;
  if (region === undefined) return true;
  const states = new Holidays().getStates(c) ?? {};
  return region.toUpperCase() in states;
}

function instance(country: string, region?: string): Holidays {
  const key = `${country}|${region ?? ''}`;
  let h = instances.get(key);
  if (!h) {
    if (!isKnownHolidayCountry(country, region))
      throw new ModcapError(
        'BAD_ARGUMENT',
        `date-holidays has no calendar for ${country}${region ? `-${region}` : ''}`,
        { value: region ? `${country}-${region}` : country },
      );
    h = region
      ? new Holidays(country, region, { languages: ['en'] })
      : new Holidays(country, { languages: ['en'] });
    instances.set(key, h);
  }
  return h;
}

/**
 * The holidays of one calendar year: local date (`YYYY-MM-DD`) → holiday names (English where date-holidays
 * has them). Substitute days ("Christmas Day (substitute day)") are named after the holiday they replace.
 * Cached per country, region, types and year.
 * @throws ModcapError BAD_ARGUMENT for a country or region date-holidays does not know
 * @example holidaysInYear('US', undefined, 2024).get('2024-07-04') // => ['Independence Day']
 */
export function holidaysInYear(
  country: string,
  region: string | undefined,
  year: number,
  types: readonly string[] = ['public'],
): ReadonlyMap<string, readonly string[]> {
  const c = country.toUpperCase();
  const r = region?.toUpperCase();
  const key = `${c}|${r ?? ''}|${types.join(',')}|${year}`;
  const cached = years.get(key);
  if (cached) return cached;
  const map = new Map<string, string[]>();
  for (const h of instance(c, r).getHolidays(year, 'en')) {
    if (!types.includes(h.type)) continue;
    const date = h.date.slice(0, 10);
    const name = h.substitute ? h.name.replace(/\s*\([^)]*\)\s*$/, '') : h.name;
    const list = map.get(date) ?? [];
    if (!list.includes(name)) list.push(name);
    map.set(date, list);
  }
  years.set(key, map);
  return map;
}

/**
 * Holidays between two local dates (inclusive), as date → names.
 * @example holidaysBetween({ country: 'DE' }, '2024-12-24', '2024-12-26').size // => 2
 */
export function holidaysBetween(
  options: HolidayOptions,
  fromDate: string,
  toDate: string,
): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (let y = Number(fromDate.slice(0, 4)); y <= Number(toDate.slice(0, 4)); y++) {
    for (const [date, names] of holidaysInYear(options.country, options.region, y, options.types)) {
      if (date >= fromDate && date <= toDate) out.set(date, names);
    }
  }
  return out;
}
