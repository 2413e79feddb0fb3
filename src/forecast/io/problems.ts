import { type ErrorCode, ModcapError } from '../../errors.ts';

/** One bad row (or pair of rows): where it is, what is wrong, and the error code. */
export interface RowError {
  readonly code: ErrorCode;
  readonly file: string;
  /** 1-based line in the file (a CSV header is line 1). */
  readonly line: number;
  readonly column?: string;
  readonly value?: unknown;
  readonly reason: string;
  /** The other line involved, e.g. the first row of a duplicate key. */
  readonly otherLine?: number;
  /** Id of the series the row belongs to, when known. */
  readonly series?: string;
}

/** Default number of row errors collected before reading stops. */
export const DEFAULT_MAX_ERRORS = 50;
const SHOWN_IN_MESSAGE = 5;

/**
 * Formats one row error as `line 4, column volume, value "-3": reason`.
 *
 * @example formatRowError({ code: 'INPUT_INVALID', file: 'v.csv', line: 4, column: 'volume', value: '-3', reason: 'negative' })
 * // => 'line 4, column volume, value "-3": negative'
 */
export function formatRowError(e: RowError): string {
  const parts = [`line ${e.line}`];
  if (e.column !== undefined) parts.push(`column ${e.column}`);
  if (e.value !== undefined) parts.push(`value ${JSON.stringify(e.value)}`);
  return `${parts.join(', ')}: ${e.reason}`;
}

/**
 * Collects row errors up to a limit, then becomes one {@link ModcapError}: nothing is imported when any
 * row is bad. The thrown error's code is the code of the first error by line; `details.errors` lists
 * all collected errors (sorted by line), `details.truncated` says whether reading stopped at the limit.
 *
 * @example
 * const c = new ErrorCollector('v.csv');
 * c.add({ code: 'INPUT_INVALID', file: 'v.csv', line: 3, column: 'volume', value: '-1', reason: 'negative' });
 * c.toError().message // => 'v.csv: 1 bad row: line 3, column volume, value "-1": negative'
 */
export class ErrorCollector {
  readonly file: string;
  readonly max: number;
  private readonly list: RowError[] = [];

  constructor(file: string, max = DEFAULT_MAX_ERRORS) {
    this.file = file;
    this.max = Math.max(1, max);
  }

  /** Adds an error; returns `true` when the limit is reached and reading should stop. */
  add(e: RowError): boolean {
    if (this.list.length < this.max) this.list.push(e);
    return this.full;
  }

  get full(): boolean {
    return this.list.length >= this.max;
  }

  get count(): number {
    return this.list.length;
  }

  /** The collected errors as one ModcapError (call only when `count > 0`). */
  toError(): ModcapError {
    const errors = [...this.list].sort((a, b) => a.line - b.line);
    const truncated = this.full;
    const n = errors.length;
    const head = `${truncated ? `at least ${n}` : n} bad row${n === 1 ? '' : 's'}${truncated ? ' (reading stopped at the limit)' : ''}`;
    const shown = errors.slice(0, SHOWN_IN_MESSAGE).map(formatRowError).join('; ');
    const more = n > SHOWN_IN_MESSAGE ? `; and ${n - SHOWN_IN_MESSAGE} more in details.errors` : '';
    return new ModcapError(errors[0].code, `${head}: ${shown}${more}`, {
      file: this.file,
      errors,
      truncated,
    });
  }
}
