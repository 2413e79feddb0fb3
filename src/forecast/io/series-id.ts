import { orderKeyColumns } from './columns.ts';

function escapePart(s: string): string {
  return s.replace(/[\\|]/g, (c) => `\\${c}`);
}

/**
 * The stable id of a series key: the key values in column order queue, language, market, then the other
 * key columns sorted by name, joined with `|`. A `|` or `\` inside a value is escaped with `\`, so
 * different keys never share an id.
 *
 * @example seriesId({ market: 'JP', language: 'ja', queue: 'reviews' }) // => 'reviews|ja|JP'
 * @example seriesId({ queue: 'a|b', language: 'en', site: 'x' }) // => 'a\\|b|en|x'
 */
export function seriesId(key: Readonly<Record<string, string>>): string {
  return orderKeyColumns(Object.keys(key))
    .map((c) => escapePart(key[c]))
    .join('|');
}
