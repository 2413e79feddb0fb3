import { describe, expect, it } from 'vitest';
import { countQuotes, splitCsvRecord } from '../../../src/forecast/io/csv.ts';

describe('splitCsvRecord (RFC 4180)', () => {
  it('splits plain fields, keeping empty ones', () => {
    expect(splitCsvRecord('a,b,,d')).toEqual(['a', 'b', '', 'd']);
    expect(splitCsvRecord('a,')).toEqual(['a', '']);
    expect(splitCsvRecord('')).toEqual(['']);
  });

  it('unquotes fields with commas, doubled quotes and line breaks', () => {
    expect(splitCsvRecord('"a,b","say ""hi""","x\ny",""')).toEqual(['a,b', 'say "hi"', 'x\ny', '']);
    expect(splitCsvRecord('1,"q",')).toEqual(['1', 'q', '']);
  });

  it('reports broken quoting', () => {
    expect(splitCsvRecord('a,b"c')).toMatch(/quote inside an unquoted field \(field 2\)/);
    expect(splitCsvRecord('"a"b,c')).toMatch(/after the closing quote/);
    expect(splitCsvRecord('"abc')).toMatch(/unterminated/);
  });

  it('countQuotes counts double quotes', () => {
    expect(countQuotes('"a""b"')).toBe(4);
    expect(countQuotes('none')).toBe(0);
  });
});
