/** Events and holidays: parse events files, shape them onto a series' grid, estimate and apply their effects. */
export { readCsv } from './csv.ts';
export {
  type ApplyEventEffectsOptions,
  applyEventEffects,
  type EffectSource,
  type EventEffect,
  type EventEffectsInput,
  type EventImpact,
  eventEffects,
} from './effects.ts';
export { type HolidayOptions, holidaysBetween, holidaysInYear, isKnownHolidayCountry } from './holidays.ts';
export { eventsFor } from './match.ts';
export { EVENT_CSV_COLUMNS, loadEvents, type ParseEventsOptions, parseEvents } from './parse.ts';
export {
  type BuildRegressorsOptions,
  buildRegressors,
  type EventColumn,
  type FutureTimestamps,
  type RegressorColumn,
  type RegressorSet,
} from './regressors.ts';
export {
  EVENT_TYPES,
  EventShape,
  EventSpec,
  EventsFile,
  type EventType,
  IsoDateTime,
  isDateOnly,
} from './schema.ts';
export { type EventSpan, eventShape, eventSpan } from './shape.ts';
export { addDays, continueGrid, localDates, periodEnds, resolveEndInstant, resolveInstant } from './time.ts';
