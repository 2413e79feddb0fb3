/**
 * One shape for a forecast of one series, whether it comes straight from `forecastSeries` (a
 * `SeriesForecast`) or from the stored JSON document `modcap forecast` writes (`forecastJson`), so every
 * forecast chart reads the same fields.
 */

import type { EventEffect } from '../../forecast/events/index.ts';
import type { CandidateScore } from '../../forecast/models/auto.ts';
import type { forecastJson } from '../../forecast/output.ts';
import type { SeriesForecast } from '../../forecast/pipeline.ts';

/** The stored forecast document (`forecastJson`), as written or read back with `JSON.parse`. */
export type ForecastDocument = ReturnType<typeof forecastJson>;
/** One series of a {@link ForecastDocument}. */
export type ForecastDocumentSeries = ForecastDocument['series'][number];

/** What a chart needs of one series' forecast. Times are epoch ms. */
export interface ForecastView {
  readonly id: string;
  readonly key: Readonly<Record<string, string>>;
  readonly freq: string;
  readonly timeZone: string;
  readonly model: string;
  readonly timestamps: readonly number[];
  readonly point: readonly number[];
  /** Intervals by level (percent), widest last as stored. */
  readonly intervals: readonly { level: number; lower: readonly number[]; upper: readonly number[] }[];
  readonly selection: {
    readonly scores: readonly CandidateScore[];
    readonly chosen: readonly string[];
    /** Backtest MAE of combining the best k candidates, when the selection tried combinations. */
    readonly combinations: readonly { k: number; mae: number }[];
    readonly backtest?: { origins?: number; horizon?: number; step?: number; metric?: string };
  };
  readonly eventImpacts: readonly {
    name: string;
    type: string;
    source: string;
    relativeEffect: number;
    applied: boolean;
    extraVolume: number;
    peakRelativeEffect: number;
    steps: number;
    from?: number;
    to?: number;
  }[];
  readonly eventEffects: readonly EventEffect[];
  /** Anomalies removed from history before fitting. */
  readonly cleaned: readonly {
    kind: string;
    start: number;
    end: number;
    observed: number;
    expected: number;
  }[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly historyLength: number;
  readonly fallback?: { reason: string; model: string };
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
const ms = (v: unknown): number | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'number' ? v : Date.parse(String(v));

function isDocumentSeries(x: SeriesForecast | ForecastDocumentSeries): x is ForecastDocumentSeries {
  return Array.isArray((x as ForecastDocumentSeries).forecast);
}

function selectionOf(sel: {
  scores?: unknown;
  chosen?: unknown;
  combinations?: unknown;
  backtest?: unknown;
}) {
  const scores = ((sel.scores as CandidateScore[] | undefined) ?? []).map((s) => ({ ...s, mae: num(s.mae) }));
  const combinations = Array.isArray(sel.combinations)
    ? (sel.combinations as { k: unknown; mae: unknown }[]).map((c) => ({ k: num(c.k), mae: num(c.mae) }))
    : [];
  const backtest =
    sel.backtest && typeof sel.backtest === 'object'
      ? (sel.backtest as ForecastView['selection']['backtest'])
      : undefined;
  return { scores, chosen: (sel.chosen as string[] | undefined) ?? [], combinations, backtest };
}

/**
 * A {@link ForecastView} of a `SeriesForecast` or of one series of the stored forecast document (JSON
 * `null`s, which stand for NaN, become NaN; ISO times become epoch ms).
 * @example forecastView(doc.series[0]).intervals.map((i) => i.level) // => [80, 95]
 */
export function forecastView(x: SeriesForecast | ForecastDocumentSeries): ForecastView {
  if (!isDocumentSeries(x)) {
    return {
      id: x.id,
      key: x.key,
      freq: x.freq,
      timeZone: x.timeZone,
      model: x.model,
      timestamps: x.timestamps,
      point: x.point,
      intervals: x.intervals,
      selection: selectionOf(x.selection),
      eventImpacts: x.eventImpacts,
      eventEffects: x.eventEffects,
      cleaned: x.cleaned.map((a) => ({
        kind: a.kind,
        start: a.start,
        end: a.end,
        observed: a.observed,
        expected: a.expected,
      })),
      params: x.params,
      historyLength: x.historyLength,
      ...(x.fallback && { fallback: x.fallback }),
    };
  }
  const rows = x.forecast;
  const levels = rows.length
    ? Object.keys(rows[0].intervals)
        .map(Number)
        .sort((a, b) => a - b)
    : [];
  return {
    id: x.id,
    key: x.key,
    freq: x.freq,
    timeZone: x.timeZone,
    model: x.model,
    timestamps: rows.map((r) => ms(r.timestamp) as number),
    point: rows.map((r) => num(r.point)),
    intervals: levels.map((level) => ({
      level,
      lower: rows.map((r) => num(r.intervals[String(level)]?.[0])),
      upper: rows.map((r) => num(r.intervals[String(level)]?.[1])),
    })),
    selection: selectionOf(x.selection as Parameters<typeof selectionOf>[0]),
    eventImpacts: (x.eventImpacts ?? []).map((i) => ({
      ...i,
      relativeEffect: num(i.relativeEffect),
      extraVolume: num(i.extraVolume),
      peakRelativeEffect: num(i.peakRelativeEffect),
      from: ms(i.from),
      to: ms(i.to),
    })),
    eventEffects: x.eventEffects ?? [],
    cleaned: (x.cleaned ?? []).map((a) => ({
      kind: a.kind,
      start: ms(a.start) as number,
      end: ms(a.end) as number,
      observed: num(a.observed),
      expected: num(a.expected),
    })),
    params: (x.params ?? {}) as Record<string, unknown>,
    historyLength: x.historyLength,
    ...(x.fallback && { fallback: x.fallback }),
  };
}

/**
 * The ids of the `n` series with the largest total point forecast, largest first.
 * @example largestSeries(doc.series.map(forecastView), 2) // => ['comments|en|US', 'comments|hi|IN']
 */
export function largestSeries(views: readonly ForecastView[], n: number): string[] {
  return views
    .map((v) => ({ id: v.id, total: v.point.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) }))
    .sort((a, b) => b.total - a.total)
    .slice(0, n)
    .map((v) => v.id);
}
