/**
 * The capacity configuration: zod schemas (the single source of its types), loading with every problem
 * reported at once, and scenario application. Split by idea under `./config/`.
 */
export { type ConfigIssue, crossCheck } from './config/checks.ts';
export {
  type CapacityConfigIssue,
  formatConfigPath,
  loadCapacityConfig,
  type ParseCapacityConfigOptions,
  parseCapacityConfig,
  validateCapacityConfig,
} from './config/parse.ts';
export { applyScenario } from './config/scenario.ts';
export {
  CapacityConfig,
  type CapacityConfigInput,
  CurrencyCode,
  DeferredSla,
  Fraction,
  HolidayCalendar,
  HoursRange,
  Id,
  LanguageCode,
  LaunchSpec,
  OpeningHours,
  Queue,
  QueueQuality,
  RealTimeSla,
  Scenario,
  Site,
  Sla,
  TimeZone,
  VolumeAdjustment,
  WEEKDAYS,
  type Weekday,
} from './config/schema.ts';
