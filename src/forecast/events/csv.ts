import { ModcapError } from '../../errors.ts';

/** One CSV record with the 1-based line it starts on (the header is line 1). */
export interface CsvRecord {
  readonly line: number;
  readonly cells: string[];
}

/**
 * A small RFC 4180 reader: comma-separated, `"` quoting with `""` escapes, quoted newlines, CRLF or LF,
 * a leading BOM dropped, blank lines skipped. Returns the header and the records with their line numbers.
 * @throws ModcapError INPUT_PARSE on an unterminated quote; INPUT_EMPTY when there is no header
 * @example readCsv('a,b\n1,"x,y"\n').records[0].cells // => ['1', 'x,y']
 */
export function readCsv(text: string, file?: string): { header: string[]; records: CsvRecord[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const all: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0].trim() === '')) all.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      endRecord();
      if (c === '\r' && src[i + 1] === '\n') i++;
      line++;
      recordLine = line;
    } else cell += c;
    i++;
  }
  if (quoted) throw new ModcapError('INPUT_PARSE', 'unterminated quoted field', { file, line: recordLine });
  if (cell !== '' || cells.length > 0) endRecord();
  if (all.length === 0) throw new ModcapError('INPUT_EMPTY', 'no header row', { file });
  const [head, ...records] = all;
  return { header: head.cells.map((h) => h.trim()), records };
}
