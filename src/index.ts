/** modcap: forecast moderation volume, find what was abnormal, plan reviewer capacity. */
export { ERROR_CODES, type ErrorCode, ModcapError } from './errors.ts';
export * from './forecast/index.ts';
