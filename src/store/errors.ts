/**
 * Errors of the store. They carry a stable `code` (like ModcapError) so the API can map them to HTTP answers
 * in one place: STORE_CONFLICT → 409, STORE_NOT_FOUND → 404.
 */

/** Which kind of record an error is about. */
export type StoreResource =
  | 'dataset'
  | 'volume-row'
  | 'document'
  | 'forecast'
  | 'result'
  | 'plan'
  | 'job'
  | 'api-key';

/**
 * Why a write conflicted:
 * - `version`: the caller's `ifVersion` is not the stored version any more (someone else wrote first);
 * - `duplicate`: a row with the same key already exists (or appears twice in the batch);
 * - `exists`: a record with this id already exists;
 * - `state`: the record is not in a state that allows the change (e.g. a job no longer owned by the worker).
 */
export type ConflictReason = 'version' | 'duplicate' | 'exists' | 'state';

/** A write that would lose or contradict stored data. Nothing was written. */
export class StoreConflictError extends Error {
  readonly code = 'STORE_CONFLICT' as const;
  readonly status = 409;
  readonly resource: StoreResource;
  readonly id: string;
  readonly reason: ConflictReason;
  readonly details: Record<string, unknown>;

  constructor(
    resource: StoreResource,
    id: string,
    reason: ConflictReason,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(`${resource} ${JSON.stringify(id)}: ${message}`);
    this.name = 'StoreConflictError';
    this.resource = resource;
    this.id = id;
    this.reason = reason;
    this.details = details;
  }
}

/** The record does not exist (or was deleted). */
export class StoreNotFoundError extends Error {
  readonly code = 'STORE_NOT_FOUND' as const;
  readonly status = 404;
  readonly resource: StoreResource;
  readonly id: string;

  constructor(resource: StoreResource, id: string, message = 'not found') {
    super(`${resource} ${JSON.stringify(id)}: ${message}`);
    this.name = 'StoreNotFoundError';
    this.resource = resource;
    this.id = id;
  }
}

/** True when `e` is a {@link StoreConflictError} (also across module copies, by code). */
export function isStoreConflict(e: unknown): e is StoreConflictError {
  return e instanceof StoreConflictError || (e as { code?: unknown } | null)?.code === 'STORE_CONFLICT';
}

/** True when `e` is a {@link StoreNotFoundError} (also across module copies, by code). */
export function isStoreNotFound(e: unknown): e is StoreNotFoundError {
  return e instanceof StoreNotFoundError || (e as { code?: unknown } | null)?.code === 'STORE_NOT_FOUND';
}

/**
 * The conflict of a write guarded by `ifVersion` whose stored version has moved on.
 * @example throw versionConflict('dataset', 'd1', 3, 4); // dataset "d1": version is 4, not 3
 */
export function versionConflict(
  resource: StoreResource,
  id: string,
  expectedVersion: number | undefined,
  actualVersion: unknown,
): StoreConflictError {
  return new StoreConflictError(
    resource,
    id,
    'version',
    `version is ${actualVersion}, not ${expectedVersion}`,
    {
      expectedVersion,
      actualVersion,
    },
  );
}

/** The conflict of a job update by a worker that no longer runs the job (`cur` is the job's stored row). */
export function jobStateConflict(
  id: string,
  workerId: string,
  cur: { readonly status?: unknown; readonly worker_id?: unknown },
): StoreConflictError {
  return new StoreConflictError(
    'job',
    id,
    'state',
    `job is ${cur.status}${cur.worker_id ? ` (worker ${cur.worker_id})` : ''}, not running for worker ${workerId}`,
    { status: cur.status, workerId: cur.worker_id },
  );
}

/** The conflict of saving a plan over an existing one without `replace: true`. */
export function planExistsConflict(id: string): StoreConflictError {
  return new StoreConflictError(
    'plan',
    id,
    'exists',
    'a plan with this id exists (pass replace: true to swap it)',
  );
}
