import { type ColumnTable, table } from 'arquero';
import { ModcapError } from '../../errors.ts';
import type { Frequency, Series } from '../types.ts';
import { calendarFor, canonicalTimeZone } from './calendar.ts';
import { orderKeyColumns } from './columns.ts';
import { placeOnGrid } from './grid.ts';
import { seriesId } from './series-id.ts';
import type { VolumeSeries } from './types.ts';

/** Columns of a series table that are not key columns. */
export const TABLE_COLUMNS: readonly string[] = ['id', 'timeZone', 'freq', 'timestamp', 'volume'];

/**
 * Series as one long arquero table, one row per series per period: the key columns (queue, language,
 * market, others sorted; `''` where a series lacks a column), then `id`, `timeZone`, `freq`,
 * `timestamp` (epoch ms) and `volume` (`NaN` for a gap). Use it for table verbs (filter, groupby,
 * rollup, join) across series.
 *
 * @example seriesToTable(series).groupby('queue').rollup({ total: op.sum('volume') })
 */
export function seriesToTable(series: readonly Series[]): ColumnTable {
  const keyNames = new Set<string>();
  for (const s of series) for (const k of Object.keys(s.key)) keyNames.add(k);
  const keys = orderKeyColumns([...keyNames]);
  let rows = 0;
  for (const s of series) rows += s.timestamps.length;
  const cols: Record<string, unknown[] | Float64Array> = {};
  for (const k of keys) cols[k] = new Array<string>(rows);
  const id = new Array<string>(rows);
  const timeZone = new Array<string>(rows);
  const freq = new Array<string>(rows);
  const timestamp = new Float64Array(rows);
  const volume = new Float64Array(rows);
  let r = 0;
  for (const s of series) {
    for (let i = 0; i < s.timestamps.length; i++, r++) {
      for (const k of keys) (cols[k] as string[])[r] = s.key[k] ?? '';
      id[r] = s.id;
      timeZone[r] = s.timeZone;
      freq[r] = s.freq;
      timestamp[r] = s.timestamps[i];
      volume[r] = s.values[i];
    }
  }
  return table({ ...cols, id, timeZone, freq, timestamp, volume });
}

/** Options of {@link tableToSeries}. */
export interface TableToSeriesOptions {
  /** Zone when the table has no `timeZone` column. Default `UTC`. */
  readonly timeZone?: string;
  /** Step of every series when the table has no `freq` column; default inferred per series. */
  readonly freq?: Frequency;
}

function toMillis(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Date.parse(v);
  return Number.NaN;
}

/**
 * Series from a long table (the inverse of {@link seriesToTable}): rows are grouped by the key columns
 * (every column except id, timeZone, freq, timestamp, volume), sorted by time and placed on a complete
 * grid (holes become `NaN`). `timestamp` may hold epoch ms, `Date`s or ISO strings with an offset.
 *
 * @throws ModcapError INPUT_MISSING_COLUMN (timestamp, volume, queue or language absent),
 *   INPUT_UNKNOWN_TIMEZONE, INPUT_PARSE (timestamp), INPUT_DUPLICATE_KEY, INPUT_IRREGULAR_GRID;
 *   `details.row` is the 0-based table row
 * @example tableToSeries(seriesToTable(series)) // => the same series
 */
export function tableToSeries(t: ColumnTable, options: TableToSeriesOptions = {}): VolumeSeries[] {
  const names = t.columnNames();
  for (const c of ['timestamp', 'volume', 'queue', 'language']) {
    if (!names.includes(c)) {
      throw new ModcapError('INPUT_MISSING_COLUMN', `the table has no "${c}" column`, { column: c });
    }
  }
  const keys = orderKeyColumns(names.filter((c) => !TABLE_COLUMNS.includes(c)));
  const n = t.numRows();
  const ts = t.array('timestamp');
  const vol = t.array('volume');
  const zoneCol = names.includes('timeZone') ? t.array('timeZone') : undefined;
  const freqCol = names.includes('freq') ? t.array('freq') : undefined;
  const keyCols = keys.map((k) => t.array(k));
  const groups = new Map<string, number[]>();
  for (let r = 0; r < n; r++) {
    let text = '';
    for (const c of keyCols) text += `${c[r] ?? ''}\u0000`;
    let g = groups.get(text);
    if (!g) {
      g = [];
      groups.set(text, g);
    }
    g.push(r);
  }
  const out: VolumeSeries[] = [];
  for (const rows of groups.values()) {
    const r0 = rows[0];
    const key: Record<string, string> = {};
    keys.forEach((k, j) => {
      key[k] = String(keyCols[j][r0] ?? '');
    });
    const id = seriesId(key);
    const zoneName = String(zoneCol?.[r0] ?? options.timeZone ?? 'UTC');
    const zone = canonicalTimeZone(zoneName);
    if (zone === null) {
      throw new ModcapError('INPUT_UNKNOWN_TIMEZONE', `unknown time zone "${zoneName}"`, {
        row: r0,
        series: id,
      });
    }
    const freq = (freqCol?.[r0] as Frequency | undefined) ?? options.freq;
    const points = rows.map((r) => ({ r, t: toMillis(ts[r]), v: Number(vol[r] ?? Number.NaN) }));
    for (const p of points) {
      if (!Number.isFinite(p.t)) {
        throw new ModcapError('INPUT_PARSE', 'timestamp is not a time', {
          row: p.r,
          column: 'timestamp',
          value: ts[p.r],
        });
      }
      if (p.v < 0 || p.v === Number.POSITIVE_INFINITY) {
        throw new ModcapError('INPUT_INVALID', 'volume must be a finite number ≥ 0', {
          row: p.r,
          column: 'volume',
          value: p.v,
        });
      }
    }
    points.sort((a, b) => a.t - b.t || a.r - b.r);
    for (let i = 1; i < points.length; i++) {
      if (points[i].t === points[i - 1].t) {
        throw new ModcapError('INPUT_DUPLICATE_KEY', `series ${id} has two rows for one period`, {
          row: points[i].r,
          otherRow: points[i - 1].r,
          series: id,
          value: new Date(points[i].t).toISOString(),
        });
      }
    }
    const placed = placeOnGrid(
      points.map((p) => p.t),
      calendarFor(zone),
      freq,
    );
    if (!placed.ok) {
      const o = placed.offGrid[0];
      throw new ModcapError('INPUT_IRREGULAR_GRID', o.reason, { row: points[o.index].r, series: id });
    }
    const values = new Array<number>(placed.timestamps.length).fill(Number.NaN);
    points.forEach((p, i) => {
      values[placed.positions[i]] = p.v;
    });
    let gaps = 0;
    for (const v of values) if (Number.isNaN(v)) gaps++;
    out.push({ key, id, freq: placed.freq, timeZone: zone, timestamps: placed.timestamps, values, gaps });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
