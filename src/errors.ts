/**
 * The one registry of typed errors (STYLE.md §8). Each code has a message template, an HTTP status and a
 * "how to solve" hint; each error carries the data that explains it.
 */

export const ERROR_CODES = {
  INPUT_EMPTY: {
    status: 400,
    hint: 'The file has no data rows. Check the path and that the header is followed by rows.',
  },
  INPUT_PARSE: { status: 400, hint: 'Fix the row named in the error; nothing was imported.' },
  INPUT_MISSING_COLUMN: {
    status: 400,
    hint: 'Add the column to the header (timestamp, queue, language, volume are required).',
  },
  INPUT_DUPLICATE_KEY: {
    status: 400,
    hint: 'Each series may have one row per period; remove or sum the duplicates.',
  },
  INPUT_IRREGULAR_GRID: {
    status: 400,
    hint: 'Timestamps must sit on one regular grid (hour, day or week) in the declared time zone.',
  },
  INPUT_UNKNOWN_TIMEZONE: { status: 400, hint: 'Use an IANA time zone name such as Europe/Berlin or UTC.' },
  INPUT_INVALID: { status: 400, hint: 'A value failed validation; see the field and reason.' },
  INPUT_NOT_FOUND: { status: 404, hint: 'Check the path; the input file does not exist.' },
  MODEL_FIT: {
    status: 422,
    hint: 'The model could not fit this series; the runner falls back to a simpler model.',
  },
  SERIES_TOO_SHORT: { status: 422, hint: 'Give more history, or choose a model that needs fewer points.' },
  BAD_ARGUMENT: { status: 400, hint: 'Check the argument named in the error.' },
  EXPLAIN_NO_OVERLAP: {
    status: 422,
    hint: 'The forecast and the actuals must share series keys and timestamps; check both files and --from/--to.',
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in an input file an error was found. */
export interface ErrorLocation {
  file?: string;
  /** 1-based line number in the file (the header is line 1 of a CSV). */
  line?: number;
  column?: string;
  value?: unknown;
}

/** A typed error with a stable `code`, the data that explains it, and a hint. */
export class ModcapError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint: string;
  readonly details: ErrorLocation & Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: ErrorLocation & Record<string, unknown> = {}) {
    const where = formatLocation(details);
    super(where ? `${where}: ${message}` : message);
    this.name = 'ModcapError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.hint = ERROR_CODES[code].hint;
    this.details = details;
  }
}

function formatLocation(d: ErrorLocation): string {
  const parts: string[] = [];
  if (d.file !== undefined) parts.push(d.file);
  if (d.line !== undefined) parts.push(`line ${d.line}`);
  if (d.column !== undefined) parts.push(`column ${d.column}`);
  if (d.value !== undefined) parts.push(`value ${JSON.stringify(d.value)}`);
  return parts.join(', ');
}
