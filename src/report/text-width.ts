/**
 * Text widths from the DejaVu fonts' own advance widths, for vega's headless layout. Without a canvas,
 * vega estimates every string as 0.8 em per character, which is ~40 % too wide for DejaVu Sans: axis
 * titles then overflow their panels, labels are cut short and legends drift. Reading the `hmtx` table of
 * the TTF gives the widths resvg will actually draw (kerning aside).
 */

import { readFileSync } from 'node:fs';

/** Advance widths of one font, in em, by code point. */
export interface FontWidths {
  /** Advance width in em of a code point; the font's default glyph width for unmapped ones. */
  advance(codePoint: number): number;
}

/**
 * Reads the advance widths of a TrueType font: `head` (units per em), `hhea` (number of metrics), `hmtx`
 * (advances) and the Unicode BMP `cmap` subtable (platform 3, encoding 1, format 4).
 * @throws Error when the file is not a TrueType font with those tables
 * @example fontWidths('DejaVuSans.ttf').advance(0x20) // => 0.318 (the space)
 */
export function fontWidths(path: string): FontWidths {
  const buf = readFileSync(path);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tables = new Map<string, number>();
  const numTables = dv.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(
      dv.getUint8(rec),
      dv.getUint8(rec + 1),
      dv.getUint8(rec + 2),
      dv.getUint8(rec + 3),
    );
    tables.set(tag, dv.getUint32(rec + 8));
  }
  const need = (tag: string) => {
    const off = tables.get(tag);
    if (off === undefined) throw new Error(`${path}: no ${tag} table`);
    return off;
  };
  const unitsPerEm = dv.getUint16(need('head') + 18);
  const numberOfHMetrics = dv.getUint16(need('hhea') + 34);
  const hmtx = need('hmtx');
  const glyphAdvance = (glyph: number) =>
    dv.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1)) / unitsPerEm;

  // cmap format 4 (segment mapping to delta values)
  const cmap = need('cmap');
  let sub = -1;
  for (let i = 0; i < dv.getUint16(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    if (dv.getUint16(rec) === 3 && dv.getUint16(rec + 2) === 1) sub = cmap + dv.getUint32(rec + 4);
  }
  if (sub < 0 || dv.getUint16(sub) !== 4) throw new Error(`${path}: no Unicode BMP cmap (format 4)`);
  const segX2 = dv.getUint16(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const ranges = deltas + segX2;
  const glyphOf = (cp: number): number => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segX2; s += 2) {
      if (cp > dv.getUint16(ends + s)) continue;
      const start = dv.getUint16(starts + s);
      if (cp < start) return 0;
      const delta = dv.getInt16(deltas + s);
      const ro = dv.getUint16(ranges + s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = dv.getUint16(ranges + s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    advance(cp: number): number {
      let w = cache.get(cp);
      if (w === undefined) {
        w = glyphAdvance(glyphOf(cp));
        cache.set(cp, w);
      }
      return w;
    },
  };
}

/**
 * Width of a string in pixels at a font size, from advance widths (no kerning).
 * @example textWidth(fontWidths('DejaVuSans.ttf'), 'Hi', 10) // => 9.4 (roughly)
 */
export function textWidth(font: FontWidths, text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += font.advance(ch.codePointAt(0) as number);
  return em * fontSize;
}
