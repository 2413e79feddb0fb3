import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { csvCell } from './io/csv.ts';
import type { SeriesForecast } from './pipeline.ts';

/** Versions and inputs that produced a result, so a number can be defended. */
export interface Provenance {
  readonly modcap: string;
  readonly node: string;
  readonly createdAt: string;
  readonly inputs: readonly { readonly path: string; readonly sha256: string }[];
  readonly request: unknown;
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The running modcap version (from package.json). */
export const MODCAP_VERSION: string = pkg.version;

/** SHA-256 of a file, streamed. @example await sha256File('data/demo/volumes.csv') // => 'ab12…' */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Builds the provenance block of a result. */
export async function provenance(inputPaths: readonly string[], request: unknown): Promise<Provenance> {
  return {
    modcap: MODCAP_VERSION,
    node: process.version,
    createdAt: new Date().toISOString(),
    inputs: await Promise.all(inputPaths.map(async (path) => ({ path, sha256: await sha256File(path) }))),
    request,
  };
}

/**
 * Forecast rows as CSV: the key columns, `timestamp` (ISO UTC), `point`, `lower_L` / `upper_L` per level,
 * and `model`. One row per series and period. Key columns are the union over all series, in first-seen order.
 * @example forecastCsv(results).split('\n')[0] // => 'queue,language,market,timestamp,point,lower_80,upper_80,...,model'
 */
export function forecastCsv(results: readonly SeriesForecast[]): string {
  const keys: string[] = [];
  for (const r of results) for (const k of Object.keys(r.key)) if (!keys.includes(k)) keys.push(k);
  const levels = results[0]?.intervals.map((i) => i.level) ?? [];
  const header = [
    ...keys,
    'timestamp',
    'point',
    ...levels.flatMap((l) => [`lower_${l}`, `upper_${l}`]),
    'model',
  ];
  const lines = [header.join(',')];
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  for (const r of results) {
    const keyCells = keys.map((k) => csvCell(r.key[k] ?? ''));
    for (let t = 0; t < r.point.length; t++) {
      const cells = [
        ...keyCells,
        new Date(r.timestamps[t]).toISOString(),
        r4(r.point[t]),
        ...r.intervals.flatMap((iv) => [r4(iv.lower[t]), r4(iv.upper[t])]),
        csvCell(r.model),
      ];
      lines.push(cells.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON document of a forecast run: provenance, then per series the forecast and why. */
export function forecastJson(
  results: readonly SeriesForecast[],
  meta: Provenance,
  failures: readonly unknown[] = [],
) {
  return {
    provenance: meta,
    failures,
    series: results.map((r) => ({
      id: r.id,
      key: r.key,
      freq: r.freq,
      timeZone: r.timeZone,
      model: r.model,
      selection: r.selection,
      fallback: r.fallback,
      holidayCalendar: r.holidayCalendar,
      eventEffects: r.eventEffects,
      eventImpacts: r.eventImpacts.map((i) => ({
        ...i,
        from: i.from === undefined ? undefined : new Date(i.from).toISOString(),
        to: i.to === undefined ? undefined : new Date(i.to).toISOString(),
      })),
      gapsFilled: r.gapsFilled,
      cleaned: r.cleaned.map((a) => ({
        kind: a.kind,
        start: new Date(a.start).toISOString(),
        end: new Date(a.end).toISOString(),
        observed: a.observed,
        expected: a.expected,
      })),
      historyLength: r.historyLength,
      params: r.params,
      forecast: r.timestamps.map((ts, t) => ({
        timestamp: new Date(ts).toISOString(),
        point: r.point[t],
        intervals: Object.fromEntries(r.intervals.map((iv) => [iv.level, [iv.lower[t], iv.upper[t]]])),
      })),
    })),
  };
}
