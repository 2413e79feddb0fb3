import { csvCell } from '../io/csv.ts';
import type { Accuracy, Comparison } from './compare.ts';
import type { ExplainResult } from './explain.ts';

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
const fix = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const num = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');

/** A CSV field, numbers rounded to 4 decimals and non-finite numbers left empty. */
function cell(v: string | number): string {
  return csvCell(typeof v === 'number' ? (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : '') : v);
}

/**
 * The JSON document of an explain run: the window, totals, per-series accuracy with excursions and
 * missing periods (timestamps as ISO UTC; NaN becomes `null`), the ranked attribution, Adtributor's
 * per-dimension sets, and the classification. The matched value arrays are left out.
 *
 * @example JSON.stringify(explainJson(result)) // => '{"window":{"from":"2025-03-01T00:00:00.000Z",…'
 */
export function explainJson(result: ExplainResult) {
  const c = result.comparison;
  return {
    window: { from: iso(c.from), to: iso(c.to) },
    levels: c.levels,
    total: c.total,
    missing: {
      ...c.missing,
      periodsWithoutActualBySeries: c.series
        .filter((s) => s.missingActuals.length > 0)
        .map((s) => ({ id: s.id, timestamps: s.missingActuals.map(iso) })),
    },
    series: c.series.map((s) => ({
      id: s.id,
      key: s.key,
      freq: s.freq,
      timeZone: s.timeZone,
      accuracy: s.accuracy,
      excursions: s.excursions.map((e) => ({ ...e, timestamp: iso(e.timestamp) })),
    })),
    grain: c.grain && {
      grain: c.grain.grain,
      total: c.grain.total,
      series: c.grain.series.map((s) => ({
        ...s,
        periods: s.periods.map((p) => ({ ...p, timestamp: iso(p.timestamp) })),
      })),
    },
    attribution: result.attribution,
    classification: {
      ...result.classification,
      startsAt:
        result.classification.startsAt === undefined ? undefined : iso(result.classification.startsAt),
    },
  };
}

/**
 * Per-series accuracy as CSV: key columns (union, first-seen order), `n`, `actual`, `forecast`, `mae`,
 * `mape`, `mape_skipped`, `wape`, `bias`, `bias_total`, `bias_percent`, `coverage_L` per level,
 * `excursions`, `missing_actuals`. Empty cells for undefined values.
 *
 * @example accuracyCsv(comparison).split('\n')[0] // => 'queue,language,market,n,actual,forecast,mae,…'
 */
export function accuracyCsv(comparison: Comparison): string {
  const keys: string[] = [];
  for (const s of comparison.series) for (const k of Object.keys(s.key)) if (!keys.includes(k)) keys.push(k);
  const header = [
    ...keys,
    'n',
    'actual',
    'forecast',
    'mae',
    'mape',
    'mape_skipped',
    'wape',
    'bias',
    'bias_total',
    'bias_percent',
    ...comparison.levels.map((l) => `coverage_${l}`),
    'excursions',
    'missing_actuals',
  ];
  const lines = [header.join(',')];
  for (const s of comparison.series) {
    const a = s.accuracy;
    lines.push(
      [
        ...keys.map((k) => s.key[k] ?? ''),
        a.n,
        a.actual,
        a.forecast,
        a.mae,
        a.mape,
        a.mapeSkipped,
        a.wape,
        a.bias,
        a.biasTotal,
        a.biasPercent,
        ...comparison.levels.map((l) => a.intervals.find((i) => i.level === l)?.coverage ?? Number.NaN),
        s.excursions.length,
        s.missingActuals.length,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function accuracyLine(a: Accuracy): string {
  const cov = a.intervals.map((i) => `${i.level} %: ${fix(100 * i.coverage)} %`).join(', ');
  return (
    `actual ${num(a.actual)}, forecast ${num(a.forecast)}, bias ${num(a.biasTotal)} (${fix(a.biasPercent)} %), ` +
    `MAE ${fix(a.mae, 2)}, MAPE ${fix(a.mape)} %${a.mapeSkipped ? ` (${a.mapeSkipped} zero actuals skipped)` : ''}, ` +
    `WAPE ${fix(a.wape)} %${cov ? `, coverage ${cov}` : ''}`
  );
}

/**
 * A readable report of an explain run: window and totals, what is missing, the series with the largest
 * absolute bias, the ranked attribution with shares, and the classification.
 *
 * @example formatExplainReport(result).split('\n')[0] // => 'Forecast vs actuals, 2025-03-01T00:00:00.000Z – …'
 */
export function formatExplainReport(result: ExplainResult, options: { topSeries?: number } = {}): string {
  const c = result.comparison;
  const out: string[] = [];
  out.push(
    `Forecast vs actuals, ${iso(c.from)} – ${iso(c.to)} (${c.series.length} series, ${c.total.n} periods)`,
  );
  out.push(`  total: ${accuracyLine(c.total)}`);
  if (c.grain) out.push(`  by ${c.grain.grain}: ${accuracyLine(c.grain.total)}`);
  const m = c.missing;
  if (m.seriesWithoutActuals.length > 0) {
    out.push(
      `  forecast series without actuals (${m.seriesWithoutActuals.length}): ${m.seriesWithoutActuals.map((s) => s.id).join(', ')}`,
    );
  }
  if (m.seriesWithoutForecast.length > 0) {
    out.push(
      `  actual series without a forecast (${m.seriesWithoutForecast.length}): ${m.seriesWithoutForecast.map((s) => s.id).join(', ')}`,
    );
  }
  if (m.periodsWithoutActual > 0) out.push(`  forecast periods without an actual: ${m.periodsWithoutActual}`);

  const top = [...c.series]
    .sort((a, b) => Math.abs(b.accuracy.biasTotal) - Math.abs(a.accuracy.biasTotal))
    .slice(0, options.topSeries ?? 10);
  if (top.length > 0) {
    out.push('', 'Largest misses by series (actual − forecast):');
    for (const s of top) {
      const a = s.accuracy;
      const above = s.excursions.filter((e) => e.side === 'above').length;
      const below = s.excursions.length - above;
      out.push(
        `  ${s.id.padEnd(28)} ${num(-a.biasTotal).padStart(12)} (${fix(-a.biasPercent)} %)  WAPE ${fix(a.wape)} %` +
          `  outside interval: ${above} above, ${below} below`,
      );
    }
  }

  const at = result.attribution;
  out.push('', `Attribution of the miss (actual − forecast = ${num(at.deviation)}):`);
  if (at.explanations.length === 0) out.push('  nothing to attribute');
  at.explanations.forEach((e, i) => {
    const els = e.elements
      .map(
        (x) =>
          `${Object.entries(x.dimensions)
            .map(([k, v]) => `${k}=${v}`)
            .join(' × ')} (${fix(x.changePercent)} %)`,
      )
      .join(', ');
    out.push(
      `  ${i + 1}. ${els}${e.complete ? '' : '  [below the explanatory-power threshold]'}\n` +
        `     explains ${fix(100 * e.explanatoryPower)} % of the miss, ${fix(100 * e.shareOfMiss)} % of the absolute miss; ` +
        `deviation ${num(e.deviation)}; surprise ${e.surprise.toFixed(4)}; fit ${e.potentialScore.toFixed(2)}`,
    );
  });
  out.push('', `Classification: ${result.classification.kind}`, `  ${result.classification.summary}`);
  return out.join('\n');
}
