/** Capacity: from forecast volume to reviewers per site and language (started: queueing maths and configuration). */
export * from './config.ts';
export {
  asa,
  erlangA,
  erlangB,
  erlangC,
  occupancy,
  serviceLevel,
} from './erlang.ts';
export * from './staffing.ts';
