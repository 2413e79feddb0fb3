/**
 * What every chart shares: the font, the look (sizes of titles, labels and legends), the Vega-Lite schema,
 * and small helpers for labels and time axes.
 */

import type { Config, TopLevelSpec } from 'vega-lite';

/**
 * The font every chart asks for. The PNG renderer loads exactly this family from the `dejavu-fonts-ttf`
 * package (see `render.ts`); browsers without it fall back to their sans-serif.
 */
export const FONT_FAMILY = 'DejaVu Sans';

/** The Vega-Lite schema the specs are written against. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Vega-Lite config shared by every chart: font, sizes and a white background. */
export const CHART_CONFIG: Config = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 12,
  title: { fontSize: 16, subtitleFontSize: 11, subtitleColor: '#444', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260, titleFontWeight: 'bold' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320, titleLimit: 320, symbolSize: 120 },
  header: { labelFontSize: 12, titleFontSize: 12, labelFontWeight: 'bold' },
  text: { fontSize: 11 },
  view: { stroke: '#ddd' },
};

/** Colours used across charts, so one thing has one colour in every chart. */
export const COLORS = {
  history: '#444444',
  point: '#1f5fa8',
  band: ['#9ecae1', '#c6dbef', '#deebf7'],
  anomaly: '#d62728',
  event: '#7b4fa0',
  chosen: '#e6750b',
  candidate: '#6f94c0',
  screened: '#c4c4c4',
  actual: '#222222',
  forecast: '#1f5fa8',
  above: '#d62728',
  below: '#2ca02c',
  target: '#d62728',
  required: '#111111',
  paid: '#777777',
  overtime: '#f0a33a',
  surge: '#9467bd',
  uncovered: '#d62728',
  hires: '#2a9d55',
  attrition: '#c0392b',
} as const;

/** A chart's title block: the title and one or more subtitle lines. */
export function chartTitle(text: string, subtitle?: string | readonly string[]) {
  const lines = subtitle === undefined ? [] : typeof subtitle === 'string' ? [subtitle] : [...subtitle];
  return lines.length ? { text, subtitle: lines } : { text };
}

/** Adds the schema and the shared config to a spec body. */
export function topLevel(body: Record<string, unknown>): TopLevelSpec {
  return { $schema: VEGA_LITE_SCHEMA, config: CHART_CONFIG, ...body } as TopLevelSpec;
}

/**
 * A series key as a short label, values joined with ` · ` in key order.
 * @example keyLabel({ queue: 'reviews', language: 'ja', market: 'JP' }) // => 'reviews · ja · JP'
 */
export function keyLabel(key: Readonly<Record<string, string>>): string {
  return Object.values(key)
    .filter((v) => v !== '')
    .join(' · ');
}

/**
 * A file-name-safe slug of a label.
 * @example slug('reviews|ja|JP') // => 'reviews-ja-jp'
 */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'chart'
  );
}

/** Name of one period of a grid, for axis units: `hour`, `day`, `week`. */
export function perPeriod(freq: string): string {
  return freq === 'hour' || freq === 'day' || freq === 'week' ? freq : 'period';
}

/** An x encoding on a UTC time axis (epoch-ms field); a `utc` scale makes vega format the labels in UTC. */
export function timeX(field: string, title = 'Time (UTC)', extra: Record<string, unknown> = {}) {
  return {
    field,
    type: 'temporal',
    title,
    scale: { type: 'utc' },
    axis: { format: '%d %b %Y', labelAngle: -30, labelOverlap: true, tickCount: 8 },
    ...extra,
  };
}

/**
 * Rounds for display: 3 significant digits below 100, whole numbers above.
 * @example round3(0.123456) // => 0.123
 */
export function round3(v: number): number {
  if (!Number.isFinite(v)) return v;
  return Math.abs(v) >= 100 ? Math.round(v) : Number(v.toPrecision(3));
}

/**
 * Mean of `values` per UTC day (epoch-ms `timestamps`); NaN values are skipped.
 * @example dailyMean([0, 3_600_000], [2, 4]) // => { timestamps: [0], values: [3] }
 */
export function dailyMean(
  timestamps: readonly number[],
  values: readonly number[],
): { timestamps: number[]; values: number[] } {
  const out = new Map<number, { s: number; n: number }>();
  for (let i = 0; i < timestamps.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const day = Math.floor(timestamps[i] / 86_400_000) * 86_400_000;
    const acc = out.get(day) ?? { s: 0, n: 0 };
    acc.s += v;
    acc.n++;
    out.set(day, acc);
  }
  const days = [...out.keys()].sort((a, b) => a - b);
  return {
    timestamps: days,
    values: days.map(
      (d) => (out.get(d) as { s: number; n: number }).s / (out.get(d) as { s: number; n: number }).n,
    ),
  };
}
