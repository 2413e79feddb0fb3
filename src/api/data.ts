/**
 * Wiring between stored records and the library's inputs: uploads → dataset rows, stored rows → series,
 * stored documents → events and capacity configurations, stored forecasts → `StoredForecast`. No maths.
 *
 * Time zones: a dataset has one declared zone (`timeZone`, the default of rows without a `timezone` column).
 * When an upload's series use other zones (a `timezone` column), the zone is kept in each row's key under the
 * reserved column `timezone` (listed last in `keyColumns`); it never becomes part of a series id, because the
 * reader treats `timezone` as the zone column when the rows are read back.
 */

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type CapacityConfig, validateCapacityConfig } from '../capacity/config.ts';
import { ModcapError } from '../errors.ts';
import { parseEvents } from '../forecast/events/index.ts';
import type { EventSpec } from '../forecast/events/schema.ts';
import { parseForecast } from '../forecast/explain/read-forecast.ts';
import type { StoredForecast } from '../forecast/explain/types.ts';
import {
  type ByteSource,
  readVolumesFromStream,
  type VolumeFormat,
  type VolumeSeries,
} from '../forecast/io/index.ts';
import type { Provenance } from '../forecast/output.ts';
import { MODCAP_VERSION } from '../forecast/output.ts';
import type { DatasetMeta, Store, VolumeRow } from '../store/types.ts';

/** The reserved key column that carries a series' time zone inside stored rows. */
export const ZONE_COLUMN = 'timezone';

/** What an upload produced: series (validated whole) and the rows to store. */
export interface ParsedUpload {
  readonly series: VolumeSeries[];
  readonly rows: VolumeRow[];
  /** Key columns to store (series key columns, then `timezone` when a series' zone differs from the default). */
  readonly keyColumns: string[];
}

/**
 * Reads an upload with the library's streaming reader (all or nothing, row-level errors) and turns its series
 * into rows to store (gaps are not rows).
 * @throws ModcapError every input error of `readVolumesFromStream`
 */
export async function parseUpload(
  source: ByteSource,
  options: { file: string; format: VolumeFormat; timeZone: string },
): Promise<ParsedUpload> {
  const series = await readVolumesFromStream(source, options);
  const keyNames: string[] = [];
  for (const s of series) for (const k of Object.keys(s.key)) if (!keyNames.includes(k)) keyNames.push(k);
  const zoned = series.some((s) => s.timeZone !== options.timeZone);
  const keyColumns = zoned ? [...keyNames, ZONE_COLUMN] : keyNames;
  const rows: VolumeRow[] = [];
  for (const s of series) {
    const key: Record<string, string> = {};
    for (const k of keyNames) key[k] = s.key[k] ?? '';
    if (zoned) key[ZONE_COLUMN] = s.timeZone;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isNaN(v)) rows.push({ key, timestampMs: s.timestamps[i], volume: v });
    }
  }
  return { series, rows, keyColumns };
}

/** JSON lines of stored rows, as the volumes reader reads them (`timezone` as the zone column). */
async function* rowLines(rows: readonly VolumeRow[]): AsyncGenerator<string> {
  let chunk = '';
  for (const r of rows) {
    chunk += `${JSON.stringify({ timestamp: new Date(r.timestampMs).toISOString(), ...r.key, volume: r.volume })}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * Series of rows read back through the library reader (grids, gaps, zones as on upload).
 * @throws ModcapError when the rows do not make regular series (e.g. appended actuals off the grid)
 */
export function rowsToSeries(
  rows: readonly VolumeRow[],
  timeZone: string,
  label: string,
): Promise<VolumeSeries[]> {
  return readVolumesFromStream(Readable.from(rowLines(rows)), { file: label, format: 'jsonl', timeZone });
}

/**
 * The series of a stored dataset.
 * @throws ModcapError INPUT_NOT_FOUND when the dataset does not exist
 */
export async function datasetSeries(
  store: Store,
  id: string,
): Promise<{ meta: DatasetMeta; series: VolumeSeries[] }> {
  const meta = await store.getDataset(id);
  const rows = meta && (await store.getDatasetRows(id));
  if (!meta || !rows)
    throw new ModcapError('INPUT_NOT_FOUND', `dataset "${id}" does not exist`, {
      field: 'datasetId',
      value: id,
    });
  return { meta, series: await rowsToSeries(rows, meta.timeZone, `dataset ${id}`) };
}

/** Key columns of a dataset as users see them (without the reserved zone column). */
export function visibleKeyColumns(meta: DatasetMeta): string[] {
  return meta.keyColumns.filter((c) => c !== ZONE_COLUMN);
}

/**
 * Validates an events calendar (a JSON array of events) with the library parser.
 * @throws ModcapError INPUT_INVALID / INPUT_PARSE naming the array index, field, value and reason
 */
export function validateEvents(events: unknown): EventSpec[] {
  return parseEvents(JSON.stringify(events ?? null), { file: 'events', format: 'json' });
}

/** A stored events calendar (version given or current) as events. */
export async function loadStoredEvents(
  store: Store,
  id: string,
  version?: number,
): Promise<{ events: EventSpec[]; version: number; doc: unknown }> {
  const d = await store.getDocument('events', id, version);
  if (!d)
    throw new ModcapError(
      'INPUT_NOT_FOUND',
      `events calendar "${id}"${version ? ` version ${version}` : ''} does not exist`,
      {
        field: 'eventsId',
        value: id,
      },
    );
  return { events: validateEvents(d.doc), version: d.version, doc: d.doc };
}

/** A stored capacity configuration (version given or current), validated. */
export async function loadStoredConfig(
  store: Store,
  id: string,
  version?: number,
): Promise<{ config: CapacityConfig; version: number; doc: unknown }> {
  const d = await store.getDocument('config', id, version);
  if (!d)
    throw new ModcapError(
      'INPUT_NOT_FOUND',
      `configuration "${id}"${version ? ` version ${version}` : ''} does not exist`,
      {
        field: 'configId',
        value: id,
      },
    );
  return { config: validateCapacityConfig(d.doc, `config ${id}`), version: d.version, doc: d.doc };
}

/** A stored forecast as the planner and `explainMiss` read it. */
export async function loadStoredForecast(
  store: Store,
  id: string,
): Promise<{ forecast: StoredForecast; doc: unknown }> {
  const rec = await store.getForecast(id);
  if (!rec)
    throw new ModcapError('INPUT_NOT_FOUND', `forecast "${id}" does not exist`, {
      field: 'forecastId',
      value: id,
    });
  return { forecast: parseForecast(JSON.stringify(rec.doc), `forecast-${id}.json`), doc: rec.doc };
}

/** SHA-256 (hex) of a JSON value's text, for provenance. */
export function sha256Json(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex');
}

/** A provenance block for stored inputs (`inputs[].path` names the record, e.g. `dataset:<id>@v2`). */
export function storedProvenance(inputs: { path: string; sha256: string }[], request: unknown): Provenance {
  return {
    modcap: MODCAP_VERSION,
    node: process.version,
    createdAt: new Date().toISOString(),
    inputs,
    request,
  };
}
