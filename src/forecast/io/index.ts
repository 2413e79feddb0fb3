/**
 * Reading volumes into series: streaming CSV / JSON-lines reader with row-level validation, regular
 * grids in named time zones (DST-aware days and weeks), aggregation, future grid points, horizon
 * durations, and arquero table helpers.
 */
export { type AggregateOptions, aggregate } from './aggregate.ts';
export { calendarFor, canonicalTimeZone, DAY_MS, HOUR_MS, isoWeekday, ZoneCalendar } from './calendar.ts';
export { columnLayout, orderKeyColumns, REQUIRED_COLUMNS, RESERVED_COLUMNS } from './columns.ts';
export { csvCell, splitCsvRecord } from './csv.ts';
export { type Duration, durationToSteps, parseDuration } from './duration.ts';
export { futureTimestamps } from './future.ts';
export { type GridPlacement, inferFrequency, MAX_GRID_LENGTH, placeOnGrid } from './grid.ts';
export { DEFAULT_MAX_ERRORS, ErrorCollector, formatRowError, type RowError } from './problems.ts';
export { formatFromPath, readVolumes, readVolumesFromStream } from './read.ts';
export { parseVolume, rowSchema, type VolumeRow } from './row.ts';
export { seriesId } from './series-id.ts';
export { type ByteSource, openText } from './source.ts';
export { seriesToTable, TABLE_COLUMNS, type TableToSeriesOptions, tableToSeries } from './table.ts';
export { type ParsedTimestamp, parseIsoTimestamp, resolveTimestamp } from './timestamp.ts';
export type { ReadStreamOptions, ReadVolumesOptions, VolumeFormat, VolumeSeries } from './types.ts';
