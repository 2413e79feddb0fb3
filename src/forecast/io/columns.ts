import { ModcapError } from '../../errors.ts';

/** Columns with a fixed meaning; every other column is part of the series key. */
export const RESERVED_COLUMNS: readonly string[] = ['timestamp', 'volume', 'timezone'];
/** Columns every volumes file must have. */
export const REQUIRED_COLUMNS: readonly string[] = ['timestamp', 'queue', 'language', 'volume'];
/** Key columns that lead the series id, in this order; further key columns follow sorted by name. */
export const LEADING_KEY_COLUMNS: readonly string[] = ['queue', 'language', 'market'];

/** The role of each column of a volumes file. */
export interface ColumnLayout {
  /** All column names in file order. */
  readonly names: readonly string[];
  /** Key columns in series-id order: queue, language, market, then the others sorted by name. */
  readonly keys: readonly string[];
  /** Whether a `timezone` column is present. */
  readonly hasTimeZone: boolean;
}

/**
 * Orders key column names for a series id: `queue`, `language`, `market`, then the others sorted by name
 * (code-point order, so the order does not depend on the locale).
 *
 * @example orderKeyColumns(['site', 'language', 'queue']) // => ['queue', 'language', 'site']
 */
export function orderKeyColumns(names: readonly string[]): string[] {
  const lead = LEADING_KEY_COLUMNS.filter((c) => names.includes(c));
  const rest = names
    .filter((c) => !LEADING_KEY_COLUMNS.includes(c))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...lead, ...rest];
}

/**
 * Works out the role of each column from a header (or from the fields of the first JSON line).
 *
 * @throws ModcapError INPUT_MISSING_COLUMN when timestamp, queue, language or volume is missing;
 *   INPUT_INVALID when a name is empty or repeated (`details.reason` holds the message without location)
 * @example columnLayout(['timestamp', 'queue', 'language', 'volume'], 'v.csv').keys // => ['queue', 'language']
 */
export function columnLayout(names: readonly string[], file: string, line = 1): ColumnLayout {
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '') {
      const reason = 'a column has an empty name';
      throw new ModcapError('INPUT_INVALID', reason, { file, line, value: n, reason });
    }
    if (seen.has(n)) {
      const reason = `column "${n}" appears twice`;
      throw new ModcapError('INPUT_INVALID', reason, { file, line, column: n, reason });
    }
    seen.add(n);
  }
  for (const r of REQUIRED_COLUMNS) {
    if (!seen.has(r)) {
      const reason = `required column "${r}" is missing`;
      throw new ModcapError('INPUT_MISSING_COLUMN', reason, {
        file,
        line,
        column: r,
        columns: [...names],
        reason,
      });
    }
  }
  return {
    names: [...names],
    keys: orderKeyColumns(names.filter((n) => !RESERVED_COLUMNS.includes(n))),
    hasTimeZone: seen.has('timezone'),
  };
}
