import { describe, expect, it } from 'vitest';
import { orderKeyColumns } from '../../../src/forecast/io/columns.ts';
import { seriesId } from '../../../src/forecast/io/series-id.ts';

describe('seriesId', () => {
  it('joins queue, language, market, then other keys sorted by name', () => {
    expect(seriesId({ market: 'JP', language: 'ja', queue: 'reviews' })).toBe('reviews|ja|JP');
    expect(seriesId({ site: 's1', channel: 'app', queue: 'q', language: 'en' })).toBe('q|en|app|s1');
  });

  it('does not depend on the order of the object keys', () => {
    expect(seriesId({ b: '2', a: '1', language: 'en', queue: 'q' })).toBe(
      seriesId({ queue: 'q', language: 'en', a: '1', b: '2' }),
    );
  });

  it('escapes | and \\ so different keys never share an id', () => {
    const a = seriesId({ queue: 'a|b', language: 'en' });
    const b = seriesId({ queue: 'a', language: 'b|en' });
    expect(a).toBe('a\\|b|en');
    expect(a).not.toBe(b);
    expect(seriesId({ queue: 'x\\', language: 'en' })).toBe('x\\\\|en');
  });

  it('keeps empty values as empty parts', () => {
    expect(seriesId({ queue: 'q', language: 'en', market: '' })).toBe('q|en|');
  });

  it('orderKeyColumns puts the leading columns first', () => {
    expect(orderKeyColumns(['z', 'market', 'a', 'queue'])).toEqual(['queue', 'market', 'a', 'z']);
  });
});
