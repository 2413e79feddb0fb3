/**
 * Small, fast inputs for the report tests: a real forecast of a short daily series (with an event and an
 * injected spike), a real plan of two weeks of a tiny hourly forecast (one real-time, one deferred queue,
 * two sites, a scenario), and a real explain result of two series where one language missed.
 */

import { applyScenario, validateCapacityConfig } from '../../src/capacity/config.ts';
import { type CapacityPlan, planCapacity } from '../../src/capacity/plan/plan.ts';
import type { EventSpec } from '../../src/forecast/events/index.ts';
import { type ExplainResult, explainMiss, parseForecast } from '../../src/forecast/explain/index.ts';
import { forecastSeries, type SeriesForecast } from '../../src/forecast/pipeline.ts';
import type { Series } from '../../src/forecast/types.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** 140 days of a weekly-seasonal daily series with a spike on day 100 and a step on day 70. */
export function dailySeries(): Series {
  const start = Date.UTC(2025, 0, 6); // a Monday
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let d = 0; d < 140; d++) {
    timestamps.push(start + d * DAY);
    const weekly = [1.1, 1.05, 1, 1, 0.95, 0.7, 0.65][d % 7];
    const step = d >= 70 ? 1.25 : 1;
    const noise = 1 + 0.03 * Math.sin(d * 1.7);
    values.push(1000 * weekly * step * noise * (d === 100 ? 3 : 1));
  }
  return {
    key: { queue: 'reviews', language: 'en', market: 'US' },
    id: 'reviews|en|US',
    freq: 'day',
    timeZone: 'UTC',
    timestamps,
    values,
  };
}

/** Events: a policy step in history, and a promotion inside the 28-day horizon. */
export const EVENTS: EventSpec[] = [
  { name: 'Policy step', type: 'policy', start: '2025-03-17', shape: { kind: 'step' } },
  {
    name: 'Spring promo',
    type: 'promotion',
    start: '2025-06-05',
    end: '2025-06-08',
    shape: { kind: 'window' },
    uplift: 0.3,
  },
];

let forecastCache: SeriesForecast | undefined;
/** The forecast of {@link dailySeries}, 28 days ahead. */
export function dailyForecast(): SeriesForecast {
  forecastCache ??= forecastSeries(dailySeries(), { horizon: 28, events: EVENTS, holidays: false });
  return forecastCache;
}

const START = Date.UTC(2026, 0, 5); // a Monday
const WEEKS = 2;

function forecastText(series: [string, string, number][]): string {
  const lines = ['queue,language,market,timestamp,point,lower_80,upper_80'];
  for (const [q, l, base] of series)
    for (let h = 0; h < WEEKS * 168; h++) {
      const v = base * (1 + 0.5 * Math.sin((2 * Math.PI * (h % 24)) / 24)) * (1 + 0.1 * Math.floor(h / 168));
      lines.push(`${q},${l},XX,${new Date(START + h * HOUR).toISOString()},${v},${v * 0.8},${v * 1.2}`);
    }
  return `${lines.join('\n')}\n`;
}

function config(scenario?: string) {
  const c = validateCapacityConfig(
    {
      reportingCurrency: 'EUR',
      currencies: { USD: 0.9 },
      queues: [
        {
          id: 'live',
          ahtSeconds: 120,
          automationShare: 0.5,
          sla: { kind: 'real-time', level: 0.8, targetSeconds: 30 },
        },
        {
          id: 'posts',
          ahtSeconds: 60,
          automationShare: 0.6,
          sla: { kind: 'deferred', level: 0.9, withinHours: 24 },
        },
      ],
      sites: [
        {
          id: 'home',
          kind: 'in-house',
          timeZone: 'UTC',
          hours: '24/7',
          languages: { en: 1, de: 1 },
          maxHeadcount: 500,
          currentHeadcount: { en: 5, de: 2 },
          paidHoursPerWeek: 40,
          shrinkage: 0.25,
          occupancyCap: 0.9,
          costPerHour: 30,
          currency: 'USD',
          leadTimeWeeks: 0,
          trainingWeeks: 0,
          monthlyAttrition: 0.05,
        },
        {
          id: 'vendor',
          kind: 'vendor',
          timeZone: 'UTC',
          hours: '24/7',
          languages: { en: 1 },
          maxHeadcount: 200,
          currentHeadcount: { en: 3 },
          paidHoursPerWeek: 40,
          shrinkage: 0.3,
          occupancyCap: 0.85,
          costPerHour: 22,
          currency: 'EUR',
          leadTimeWeeks: 1,
          trainingWeeks: 0,
        },
      ],
      scenarios: [{ name: 'more-bots', automationShareChange: 0.2 }],
    },
    'report-test-config',
  );
  return scenario ? applyScenario(c, scenario) : { ...c, appliedScenario: 'base' };
}

let plansCache: Promise<CapacityPlan[]> | undefined;
/** Two plans (base, more-bots) of two weeks of a tiny forecast: live (real-time) and posts (deferred), en and de. */
export function tinyPlans(): Promise<CapacityPlan[]> {
  plansCache ??= (async () => {
    const forecast = parseForecast(
      forecastText([
        ['live', 'en', 60],
        ['posts', 'en', 300],
        ['posts', 'de', 80],
      ]),
      'tiny.csv',
    );
    return [
      await planCapacity(forecast, config(), { basis: 'point', simulate: false }),
      await planCapacity(forecast, config('more-bots'), { basis: 'point', simulate: false }),
    ];
  })();
  return plansCache;
}

/** A forecast of two series for ten days, and actuals where `ja` came in 40 % above and `en` on target. */
export function tinyExplain(): ExplainResult {
  const start = Date.UTC(2025, 5, 2);
  const lines = ['queue,language,timestamp,point,lower_80,upper_80'];
  const actuals: Series[] = [];
  for (const [language, base, factor] of [
    ['en', 1000, 1],
    ['ja', 400, 1.4],
  ] as const) {
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let d = 0; d < 10; d++) {
      const f = base * (1 + 0.1 * Math.sin(d));
      lines.push(`reviews,${language},${new Date(start + d * DAY).toISOString()},${f},${f * 0.9},${f * 1.1}`);
      timestamps.push(start + d * DAY);
      values.push(f * factor);
    }
    actuals.push({
      key: { queue: 'reviews', language },
      id: `reviews|${language}`,
      freq: 'day',
      timeZone: 'UTC',
      timestamps,
      values,
    });
  }
  return explainMiss(parseForecast(`${lines.join('\n')}\n`, 'f.csv').rows, actuals);
}

/** The strings of every `<text>` element (each line of a multi-line one) of an SVG, entities decoded. */
export function svgTexts(svg: string): string[] {
  const out: string[] = [];
  const decode = (s: string) =>
    s
      .replace(/<[^>]+>/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&amp;/g, '&')
      .trim();
  for (const m of svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)) {
    const lines = [...m[1].matchAll(/<tspan\b[^>]*>([\s\S]*?)<\/tspan>/g)];
    // a multi-line text (a subtitle) is one <text> with a <tspan> per line: one entry per line
    if (lines.length) for (const l of lines) out.push(decode(l[1]));
    else out.push(decode(m[1]));
  }
  return out;
}
