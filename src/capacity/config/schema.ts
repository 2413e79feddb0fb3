import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isKnownHolidayCountry } from '../../forecast/events/holidays.ts';
import { IsoDateTime } from '../../forecast/events/schema.ts';
import { crossCheck } from './checks.ts';

const CURRENCIES: ReadonlySet<string> = new Set(
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : [],
);

/** A share, rate or probability as a fraction in [0, 1]. @example Fraction.parse(0.3) // => 0.3 */
export const Fraction = z.number().min(0, 'must be a fraction >= 0').max(1, 'must be a fraction <= 1');

/** An identifier: letters, digits, `_`, `-`, `.`. @example Id.parse('reviews') // => 'reviews' */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'an id is letters, digits, "_", "-" or "." (no spaces)');

/** A language code (ISO 639, optionally with a subtag): `en`, `pt-BR`. @example LanguageCode.parse('ja') // => 'ja' */
export const LanguageCode = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language code such as en, ja or pt-BR');

/** An ISO 4217 currency code known to this Node's Intl: `EUR`, `PHP`. @example CurrencyCode.parse('EUR') // => 'EUR' */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as EUR or USD')
  .refine((c) => CURRENCIES.size === 0 || CURRENCIES.has(c), 'unknown ISO 4217 currency code');

/** An IANA time zone name, checked with luxon. @example TimeZone.parse('Asia/Manila') // => 'Asia/Manila' */
export const TimeZone = z
  .string()
  .refine((z) => IANAZone.isValidZone(z), 'unknown IANA time zone (use a name such as Europe/Dublin)');

/**
 * A date-holidays calendar: country code, optionally with a region (`DE`, `DE-BY`).
 * @example HolidayCalendar.parse('DE-BY') // => 'DE-BY'
 */
export const HolidayCalendar = z
  .string()
  .regex(/^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$/, 'expected a country code, optionally with a region (DE, DE-BY)')
  .refine((s) => {
    const [country, region] = s.split('-');
    return isKnownHolidayCountry(country, region);
  }, 'date-holidays has no calendar for this country / region');

const positive = (what: string) => z.number().positive(`${what} must be > 0`);
const nonNegative = (what: string) => z.number().nonnegative(`${what} must be >= 0`);
const count = (what: string) =>
  z.number().int(`${what} must be a whole number`).nonnegative(`${what} must be >= 0`);

/**
 * Service level of a real-time queue (staffed per interval, Erlang C / A): answer `level` (a fraction) of
 * items within `targetSeconds`; `patienceSeconds` (mean time before abandoning) switches to Erlang A.
 * @example RealTimeSla.parse({ kind: 'real-time', level: 0.8, targetSeconds: 60 }).level // => 0.8
 */
export const RealTimeSla = z.strictObject({
  kind: z.literal('real-time'),
  level: Fraction,
  targetSeconds: positive('targetSeconds'),
  patienceSeconds: positive('patienceSeconds').optional(),
});
export type RealTimeSla = z.infer<typeof RealTimeSla>;

/**
 * Service level of a deferred queue (backlog carries over): clear `level` (a fraction) of items within
 * `withinHours` of arrival.
 * @example DeferredSla.parse({ kind: 'deferred', level: 0.95, withinHours: 24 }).withinHours // => 24
 */
export const DeferredSla = z.strictObject({
  kind: z.literal('deferred'),
  level: Fraction,
  withinHours: positive('withinHours'),
});
export type DeferredSla = z.infer<typeof DeferredSla>;

/** A queue's SLA, real-time or deferred. @example Sla.parse({ kind: 'deferred', level: 0.9, withinHours: 48 }).kind // => 'deferred' */
export const Sla = z.discriminatedUnion('kind', [RealTimeSla, DeferredSla], {
  error: "sla.kind must be 'real-time' or 'deferred'",
});
export type Sla = z.infer<typeof Sla>;

/**
 * Decision quality of a queue's review channels, for the moderation-mix analysis: the accuracy of automatic
 * (rules / classifiers), LLM and human decisions, the cost of an automatic decision (reporting currency), how far
 * automation and the LLM can go (coverage caps), and the expected-accuracy target the cheapest mix must meet.
 * @example QueueQuality.parse({ target: 0.95, automationAccuracy: 0.9, llmAccuracy: 0.93, humanAccuracy: 0.98 }).maxAutomationShare // => 1
 */
export const QueueQuality = z.strictObject({
  target: Fraction,
  automationAccuracy: Fraction,
  llmAccuracy: Fraction,
  humanAccuracy: Fraction,
  automationCostPerItem: nonNegative('automationCostPerItem').default(0),
  maxAutomationShare: Fraction.default(1),
  maxLlmShare: Fraction.default(1),
});
export type QueueQuality = z.infer<typeof QueueQuality>;

/**
 * A moderation queue. Of its items, `automationShare` are actioned by rules / classifiers and `llmShare` by an
 * LLM (at `llmCostPerItem` in the reporting currency); the rest go to humans, who double-review a `qaRate`
 * sample and handle `reworkRate` of items again (rework, appeals). `automationShareByLanguage` and
 * `ahtSecondsByLanguage` override the queue-wide values per language.
 * @example Queue.parse({ id: 'reviews', ahtSeconds: 45, sla: { kind: 'deferred', level: 0.9, withinHours: 24 } }).qaRate // => 0
 */
export const Queue = z.strictObject({
  id: Id,
  name: z.string().optional(),
  ahtSeconds: positive('ahtSeconds'),
  ahtSecondsByLanguage: z.record(LanguageCode, positive('ahtSeconds')).optional(),
  automationShare: Fraction.default(0),
  automationShareByLanguage: z.record(LanguageCode, Fraction).optional(),
  llmShare: Fraction.default(0),
  llmCostPerItem: nonNegative('llmCostPerItem').optional(),
  qaRate: Fraction.default(0),
  reworkRate: Fraction.default(0),
  sla: Sla,
  quality: QueueQuality.optional(),
});
export type Queue = z.infer<typeof Queue>;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Weekday keys of `OpeningHours`, Monday first. */
export type Weekday = (typeof WEEKDAYS)[number];
export { WEEKDAYS };

const HHMM = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const minutes = (s: string) => (s === '24:00' ? 1440 : Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5)));

/**
 * One local opening range `HH:MM-HH:MM` (end after start; `24:00` closes at midnight). Overnight shifts are
 * written as two ranges on consecutive days.
 * @example HoursRange.parse('08:00-20:00') // => '08:00-20:00'
 */
export const HoursRange = z.string().superRefine((s, ctx) => {
  const [from, to, ...rest] = s.split('-').map((p) => p.trim());
  if (rest.length > 0 || to === undefined || !HHMM.test(from) || !HHMM.test(to) || from === '24:00') {
    ctx.addIssue({ code: 'custom', message: 'expected local hours as HH:MM-HH:MM, e.g. 08:00-20:00' });
    return;
  }
  if (minutes(to) <= minutes(from))
    ctx.addIssue({
      code: 'custom',
      message: 'the range ends before it starts (split an overnight shift over two days)',
    });
});

const DayHours = z
  .union([HoursRange, z.array(HoursRange)], {
    error: 'expected local hours HH:MM-HH:MM or a list of them, e.g. 08:00-20:00',
  })
  .transform((v) => (typeof v === 'string' ? [v] : v))
  .superRefine((ranges, ctx) => {
    const sorted = ranges.map((r) => r.split('-').map((p) => minutes(p.trim()))).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i][0] < sorted[i - 1][1])
        ctx.addIssue({ code: 'custom', message: 'opening ranges of one day overlap' });
  });

/**
 * When a site works, in its local time: `'24/7'`, or per weekday one range or a list of ranges (a missing
 * weekday is closed). Ranges are normalised to arrays.
 * @example OpeningHours.parse({ mon: '09:00-17:00' }) // => { mon: ['09:00-17:00'] }
 */
export const OpeningHours = z.union(
  [
    z.literal('24/7'),
    z.strictObject({
      mon: DayHours.optional(),
      tue: DayHours.optional(),
      wed: DayHours.optional(),
      thu: DayHours.optional(),
      fri: DayHours.optional(),
      sat: DayHours.optional(),
      sun: DayHours.optional(),
    }),
  ],
  { error: 'hours must be \'24/7\' or weekday ranges such as { "mon": "08:00-20:00" }' },
);
export type OpeningHours = z.infer<typeof OpeningHours>;

/**
 * A place where reviewers work. `languages` maps each staffed language to a productivity factor (1 = the
 * queue's AHT; 0.8 = 20 % slower). Exactly one of `costPerHour` (paid hour), `costPerFteMonth` or `costPerItem`
 * (vendor pricing) is given, in `currency`. `rampCurve[k]` is the productivity of a hire in tenure week k+1
 * and ends at 1. `vendorMinimumHoursPerWeek` is a vendor's contracted minimum of paid hours.
 * @example Site.parse(loadCapacityConfig('data/demo/config.json').sites[0]).kind // => 'in-house'
 */
export const Site = z.strictObject({
  id: Id,
  name: z.string().optional(),
  kind: z.enum(['in-house', 'vendor'], { error: "kind must be 'in-house' or 'vendor'" }),
  timeZone: TimeZone,
  hours: OpeningHours,
  languages: z
    .record(LanguageCode, z.number().positive('productivity must be > 0').max(2, 'productivity must be <= 2'))
    .refine((r) => Object.keys(r).length > 0, 'a site staffs at least one language'),
  minHeadcount: count('minHeadcount').default(0),
  maxHeadcount: count('maxHeadcount'),
  currentHeadcount: z.record(LanguageCode, count('headcount')).default({}),
  paidHoursPerWeek: positive('paidHoursPerWeek').max(168, 'a week has 168 hours'),
  shrinkage: Fraction.refine((x) => x < 1, 'shrinkage must be < 1'),
  occupancyCap: Fraction.refine((x) => x > 0, 'occupancyCap must be > 0'),
  costPerHour: nonNegative('costPerHour').optional(),
  costPerFteMonth: nonNegative('costPerFteMonth').optional(),
  costPerItem: nonNegative('costPerItem').optional(),
  currency: CurrencyCode,
  qualityScore: Fraction.optional(),
  monthlyAttrition: Fraction.default(0),
  rampCurve: z
    .array(z.number().gt(0, 'ramp productivity must be > 0').max(1, 'ramp productivity must be <= 1'))
    .min(1, 'a ramp curve has at least one week')
    .default([1]),
  leadTimeWeeks: nonNegative('leadTimeWeeks').default(0),
  trainingWeeks: nonNegative('trainingWeeks').default(0),
  holidayCalendar: HolidayCalendar.optional(),
  closedOnHolidays: z.boolean().optional(),
  vendorMinimumHoursPerWeek: nonNegative('vendorMinimumHoursPerWeek').optional(),
  overtimeMaxShare: Fraction.default(0.1),
  overtimeCostMultiplier: z.number().min(1, 'overtimeCostMultiplier must be >= 1').default(1.5),
  surgeMaxFte: nonNegative('surgeMaxFte').default(0),
  surgeCostMultiplier: z.number().min(1, 'surgeCostMultiplier must be >= 1').default(1.25),
});
export type Site = z.infer<typeof Site>;

const scopeList = (what: string) => z.array(z.string().min(1)).min(1, `${what} must not be empty when given`);

/**
 * A launch added by a scenario: volume of the matching series rises by `uplift` (0.3 = +30 %), linearly over
 * `rampDays` from `start` (a step when omitted). Omitted queues / languages / markets mean "all".
 * @example LaunchSpec.parse({ name: 'ja-live', start: '2025-09-01', uplift: 0.2 }).uplift // => 0.2
 */
export const LaunchSpec = z.strictObject({
  name: z.string().min(1),
  queues: scopeList('queues').optional(),
  languages: scopeList('languages').optional(),
  markets: scopeList('markets').optional(),
  start: IsoDateTime,
  uplift: z.number().gt(-1, 'uplift must be above -1 (-100 %)'),
  rampDays: positive('rampDays').optional(),
});
export type LaunchSpec = z.infer<typeof LaunchSpec>;

/**
 * A volume adjustment carried by a config (usually added by `applyScenario`): multiply the volume of the
 * matching series by `1 + change`. Omitted queues / languages mean "all".
 * @example VolumeAdjustment.parse({ change: 0.1 }).change // => 0.1
 */
export const VolumeAdjustment = z.strictObject({
  change: z.number().gt(-1, 'volumeChange must be above -1 (-100 %)'),
  queues: scopeList('queues').optional(),
  languages: scopeList('languages').optional(),
  source: z.string().optional(),
});
export type VolumeAdjustment = z.infer<typeof VolumeAdjustment>;

/**
 * A named what-if: `volumeChange` (+0.1 = +10 % volume), `automationShareChange` (+0.1 = +10 points, clamped to
 * what the LLM share leaves), `ahtChange` (−0.1 = 10 % faster handling), `closeSites`, `addLaunch`. `queues`
 * and `languages` restrict the volume, automation and AHT changes.
 * @example Scenario.parse({ name: 'more-bots', automationShareChange: 0.1 }).automationShareChange // => 0.1
 */
export const Scenario = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  queues: scopeList('queues').optional(),
  languages: scopeList('languages').optional(),
  volumeChange: z.number().gt(-1, 'volumeChange must be above -1 (-100 %)').optional(),
  automationShareChange: z.number().min(-1).max(1).optional(),
  ahtChange: z.number().gt(-1, 'ahtChange must be above -1 (-100 %)').optional(),
  closeSites: z.array(z.string()).optional(),
  addLaunch: LaunchSpec.optional(),
});
export type Scenario = z.infer<typeof Scenario>;

const CapacityConfigShape = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  reportingCurrency: CurrencyCode,
  currencies: z.record(CurrencyCode, positive('an exchange rate')).default({}),
  languages: z.array(LanguageCode).optional(),
  markets: z.array(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 country code such as US')).optional(),
  queues: z.array(Queue).min(1, 'at least one queue is needed'),
  sites: z.array(Site).min(1, 'at least one site is needed'),
  scenarios: z.array(Scenario).default([]),
  volumeAdjustments: z.array(VolumeAdjustment).default([]),
  launches: z.array(LaunchSpec).default([]),
  appliedScenario: z.string().optional(),
});

/**
 * The capacity configuration: queues, sites, currencies and scenarios. `currencies[c]` is the value of one
 * unit of `c` in `reportingCurrency` (EUR-reporting: `{ USD: 0.92 }`). Per-field rules live in the field
 * schemas; rules across fields (shares, headcounts, currencies, references, unique ids) in `crossCheck`.
 * @example CapacityConfig.parse(JSON.parse(readFileSync('data/demo/config.json', 'utf8'))).sites.length // => 5
 */
export const CapacityConfig = CapacityConfigShape.superRefine((cfg, ctx) => {
  for (const issue of crossCheck(cfg))
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.reason, input: issue.value });
});
export type CapacityConfig = z.infer<typeof CapacityConfig>;
/** The configuration as written in a file (before defaults are filled in). */
export type CapacityConfigInput = z.input<typeof CapacityConfig>;
