/**
 * The fixed design of the demo dataset: which series exist, their levels and growth, the daily, weekly
 * and yearly profiles, the holiday effects, the dispersion and the calendar of known events. The seed
 * changes only the random parts (count noise, day-level noise, and the unknown anomalies: spam waves,
 * viral posts, outages, gaps); everything in this file is the same for every seed, and data/demo/README.md
 * is rendered from it.
 */

/** A moderation queue of the demo. */
export type DemoQueue = 'reviews' | 'listings' | 'comments' | 'livestream_reports' | 'appeals';

/** The demo's queues, in output order. */
export const DEMO_QUEUES: readonly DemoQueue[] = [
  'reviews',
  'listings',
  'comments',
  'livestream_reports',
  'appeals',
];

/** A language with the one market and IANA time zone its content comes from in the demo. */
export interface DemoLocale {
  language: string;
  market: string;
  timezone: string;
}

/** The demo's languages, in output order (each with its market and time zone). */
export const DEMO_LOCALES: readonly DemoLocale[] = [
  { language: 'en', market: 'US', timezone: 'America/New_York' },
  { language: 'es', market: 'MX', timezone: 'America/Mexico_City' },
  { language: 'pt', market: 'BR', timezone: 'America/Sao_Paulo' },
  { language: 'de', market: 'DE', timezone: 'Europe/Berlin' },
  { language: 'ja', market: 'JP', timezone: 'Asia/Tokyo' },
  { language: 'hi', market: 'IN', timezone: 'Asia/Kolkata' },
];

/** The instant the trend is anchored at: level × exp(growth × years since this instant). */
export const TREND_EPOCH = '2024-11-01T00:00:00Z';

/**
 * Mean items per hour at the trend epoch, averaged over the daily and weekly profile (before the yearly
 * profile, holidays and events).
 * Appeals in de / ja / hi are intermittent: most hours are zero.
 */
export const LEVELS: Record<DemoQueue, Record<string, number>> = {
  reviews: { en: 2400, es: 700, pt: 650, de: 520, ja: 800, hi: 380 },
  listings: { en: 1300, es: 420, pt: 380, de: 300, ja: 460, hi: 220 },
  comments: { en: 4200, es: 1900, pt: 1700, de: 750, ja: 1100, hi: 1400 },
  livestream_reports: { en: 320, es: 110, pt: 140, de: 45, ja: 70, hi: 90 },
  appeals: { en: 22, es: 5, pt: 3.5, de: 1.2, ja: 0.5, hi: 0.25 },
};

/** Continuous growth per year (log scale) = queue part + language part. */
export const GROWTH_QUEUE: Record<DemoQueue, number> = {
  reviews: 0.05,
  listings: 0.03,
  comments: 0.08,
  livestream_reports: 0.2,
  appeals: 0.04,
};

/** Language part of the growth per year (log scale). */
export const GROWTH_LANGUAGE: Record<string, number> = {
  en: 0,
  es: 0.08,
  pt: 0.1,
  de: -0.03,
  ja: 0.02,
  hi: 0.25,
};

/**
 * Negative-binomial dispersion `size` per queue: Var = μ + μ²/size, so the extra coefficient of
 * variation on top of Poisson noise is 1/sqrt(size).
 */
export const DISPERSION: Record<DemoQueue, number> = {
  reviews: 150,
  listings: 150,
  comments: 200,
  livestream_reports: 30,
  appeals: 10,
};

/** Day-level noise: an AR(1) on the log mean per local day, with this sd and lag-1 correlation. */
export const DAY_NOISE = { sd: 0.05, rho: 0.7 } as const;

/**
 * The base daily shape by local hour 0..23 (a night trough at 4:00, an evening peak at 20:00). Each queue
 * uses base(h − shift)^power, normalised to mean 1 over the day, linearly interpolated between hours.
 */
export const BASE_DAILY: readonly number[] = [
  0.55, 0.38, 0.27, 0.21, 0.19, 0.22, 0.32, 0.48, 0.66, 0.82, 0.93, 1.0, 1.06, 1.08, 1.07, 1.08, 1.12, 1.2,
  1.32, 1.45, 1.55, 1.52, 1.3, 0.9,
];

/** Per queue: how much sharper (power > 1) or flatter the daily shape is, and the shift of its peak in hours. */
export const DAILY: Record<DemoQueue, { power: number; shiftHours: number }> = {
  reviews: { power: 1, shiftHours: 0 },
  listings: { power: 0.8, shiftHours: -5 },
  comments: { power: 1.1, shiftHours: 0.5 },
  livestream_reports: { power: 1.4, shiftHours: 1.5 },
  appeals: { power: 0.6, shiftHours: -6 },
};

/** On Saturdays and Sundays (local) the daily shape runs this many hours later (people sleep in). */
export const WEEKEND_DAILY_SHIFT_HOURS = 1;

/** Day-of-week factors Monday..Sunday in local time, normalised to mean 1 when applied. */
export const WEEKLY: Record<DemoQueue, readonly number[]> = {
  reviews: [0.97, 0.95, 0.95, 0.96, 0.98, 1.07, 1.12],
  listings: [1.08, 1.07, 1.06, 1.05, 1.0, 0.88, 0.86],
  comments: [0.97, 0.96, 0.96, 0.97, 1.01, 1.06, 1.07],
  livestream_reports: [0.88, 0.87, 0.88, 0.93, 1.08, 1.22, 1.14],
  appeals: [1.12, 1.08, 1.06, 1.04, 1.0, 0.84, 0.86],
};

/** One yearly bump: log-factor `size` × a Gaussian in local day of year (0 = 1 January) with this sd in days. */
export interface YearlyBump {
  dayOfYear: number;
  sdDays: number;
  size: number;
  why: string;
}

/** Yearly seasonality per queue: exp(Σ size·exp(−d²/2sd²)), d the circular distance in days. */
export const YEARLY: Record<DemoQueue, readonly YearlyBump[]> = {
  reviews: [
    { dayOfYear: 335, sdDays: 18, size: 0.3, why: 'Q4 shopping peak (Black Friday to Christmas)' },
    { dayOfYear: 6, sdDays: 8, size: 0.12, why: 'post-Christmas reviews of gifts' },
    { dayOfYear: 212, sdDays: 30, size: -0.06, why: 'summer lull' },
  ],
  listings: [
    { dayOfYear: 326, sdDays: 20, size: 0.22, why: 'sellers list before the Q4 peak' },
    { dayOfYear: 361, sdDays: 6, size: -0.15, why: 'year-end lull' },
    { dayOfYear: 79, sdDays: 20, size: 0.06, why: 'spring clean-out' },
  ],
  comments: [
    { dayOfYear: 216, sdDays: 25, size: -0.07, why: 'summer holidays' },
    { dayOfYear: 0, sdDays: 10, size: 0.05, why: 'new-year activity' },
  ],
  livestream_reports: [
    { dayOfYear: 343, sdDays: 20, size: 0.12, why: 'holiday-season live shopping' },
    { dayOfYear: 205, sdDays: 25, size: -0.05, why: 'summer lull' },
  ],
  appeals: [{ dayOfYear: 347, sdDays: 20, size: 0.15, why: 'follows the Q4 review peak' }],
};

/**
 * Public-holiday effects per queue (relative: −0.3 = −30%), on the holiday itself (whole local day), on the
 * day before and on the day after. Holidays come from `date-holidays` for the series' market, type
 * 'public' only. A holiday day takes only the `on` effect; a day both after one holiday and before
 * another takes both.
 */
export const HOLIDAY_EFFECT: Record<DemoQueue, { on: number; before: number; after: number }> = {
  reviews: { on: -0.1, before: 0.04, after: 0.1 },
  listings: { on: -0.3, before: -0.05, after: 0.12 },
  comments: { on: 0.15, before: 0.05, after: 0 },
  livestream_reports: { on: 0.3, before: 0.1, after: -0.05 },
  appeals: { on: -0.45, before: -0.1, after: 0.3 },
};

/** The shape of an event's effect over time (see `eventShapeAt` in generate.ts for the exact formulas). */
export type EventShape =
  | { kind: 'step' }
  | { kind: 'ramp'; days: number }
  | { kind: 'spike'; decayDays: number }
  | { kind: 'window'; preDays?: number; postDays?: number };

/** An event a user knows about, as written to events.json (omitted queues/languages/markets = all). */
export interface DemoEvent {
  name: string;
  type: 'launch' | 'policy' | 'promotion' | 'outage' | 'other';
  start: string;
  end?: string;
  queues?: string[];
  languages?: string[];
  markets?: string[];
  shape: EventShape;
  uplift?: number;
  description?: string;
}

/** A known event with its true relative effect: the mean is multiplied by (1 + trueUplift)^shape(t). */
export interface DemoEventSpec extends DemoEvent {
  trueUplift: number;
}

/**
 * The known events. Instants are UTC; `end` is exclusive. Past events carry no `uplift` in events.json
 * (a user knows the date, not the size; the engine estimates it) but truth.json has `trueUplift`.
 * The last one starts after the end of the history: a planned launch with the uplift the planner expects.
 */
export const KNOWN_EVENTS: readonly DemoEventSpec[] = [
  {
    name: 'Live Shopping launch LATAM',
    type: 'launch',
    start: '2025-04-15T03:00:00Z',
    queues: ['livestream_reports'],
    languages: ['es', 'pt'],
    shape: { kind: 'ramp', days: 28 },
    trueUplift: 0.7,
    description: 'Live shopping opens in Mexico and Brazil; livestream reports ramp up over four weeks.',
  },
  {
    name: 'Harassment policy expansion',
    type: 'policy',
    start: '2025-06-02T14:00:00Z',
    queues: ['comments'],
    shape: { kind: 'step' },
    trueUplift: 0.25,
    description: 'A broader harassment policy sends more comments to human review in every language.',
  },
  {
    name: 'Summer Sale 2025',
    type: 'promotion',
    start: '2025-07-08T04:00:00Z',
    end: '2025-07-12T04:00:00Z',
    queues: ['reviews', 'listings', 'comments'],
    markets: ['US', 'MX', 'BR', 'DE', 'JP'],
    shape: { kind: 'window', preDays: 3, postDays: 7 },
    trueUplift: 0.35,
    description: 'Four-day sale; sellers list in the three days before it, buyers review in the week after.',
  },
  {
    name: 'Marketplace launch Japan',
    type: 'launch',
    start: '2025-09-09T15:00:00Z',
    queues: ['listings', 'reviews'],
    languages: ['ja'],
    shape: { kind: 'ramp', days: 45 },
    trueUplift: 0.5,
    description: 'The C2C marketplace opens in Japan (local midnight 10 September).',
  },
  {
    name: 'India app relaunch',
    type: 'launch',
    start: '2026-02-01T18:30:00Z',
    languages: ['hi'],
    markets: ['IN'],
    shape: { kind: 'ramp', days: 60 },
    trueUplift: 0.4,
    description: 'A redesigned app in India lifts every queue in Hindi over two months.',
  },
  {
    name: 'Review-spam classifier v3',
    type: 'policy',
    start: '2026-03-17T16:00:00Z',
    queues: ['reviews'],
    languages: ['en', 'es', 'pt', 'de'],
    shape: { kind: 'step' },
    trueUplift: -0.2,
    description: 'A new classifier auto-removes review spam, so fewer reviews reach humans.',
  },
  {
    name: 'Summer Sale 2026',
    type: 'promotion',
    start: '2026-07-14T04:00:00Z',
    end: '2026-07-18T04:00:00Z',
    queues: ['reviews', 'listings', 'comments'],
    markets: ['US', 'MX', 'BR', 'DE', 'JP'],
    shape: { kind: 'window', preDays: 3, postDays: 7 },
    trueUplift: 0.35,
    description: 'The same four-day sale one year later.',
  },
  {
    name: 'Livestream launch Germany',
    type: 'launch',
    start: '2026-11-16T23:00:00Z',
    queues: ['livestream_reports'],
    languages: ['de'],
    shape: { kind: 'ramp', days: 21 },
    trueUplift: 1.5,
    uplift: 1.5,
    description:
      'Planned: livestreaming opens in Germany (local midnight 17 November); expected +150% after three weeks.',
  },
];

/** How many unknown anomalies per day of history (at least one of each kind is drawn in any range). */
export const ANOMALY_RATES = {
  spamWavesPerDay: 1 / 60,
  viralPostsPerDay: 1 / 90,
  outagesPerDay: 1 / 120,
} as const;
