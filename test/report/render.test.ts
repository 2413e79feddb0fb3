import { inflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { fanChart, forecastView, headcountChart } from '../../src/report/charts/index.ts';
import { compileSpec, dejavuFontFiles, toPng, toPngImage, toSvg } from '../../src/report/render.ts';
import { fontWidths, textWidth } from '../../src/report/text-width.ts';
import { dailyForecast, dailySeries, EVENTS, svgTexts, tinyPlans } from './fixtures.ts';

/**
 * A minimal PNG decoder (8-bit RGB or RGBA, not interlaced — what resvg writes): parses the chunks,
 * inflates the IDAT stream with node:zlib and undoes the per-row filters (PNG spec §9).
 */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      expect(data[12]).toBe(0); // no interlace
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) out[(y * width + x) * 4 + k] = cur[x * channels + k];
      out[(y * width + x) * 4 + 3] = channels === 4 ? cur[x * channels + 3] : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

/** Share of pixels that are not (near) white, and the number of distinct colours. */
function pixelStats(rgba: Uint8Array): { inked: number; colours: number } {
  let inked = 0;
  const colours = new Set<number>();
  const n = rgba.length / 4;
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    if (r < 235 || g < 235 || b < 235) inked++;
    colours.add((r << 16) | (g << 8) | b);
  }
  return { inked: inked / n, colours: colours.size };
}

describe('toSvg', () => {
  it('renders text in DejaVu Sans', async () => {
    const svg = await toSvg(
      fanChart(forecastView(dailyForecast()), { history: dailySeries(), events: EVENTS }),
    );
    expect(svg).toMatch(/font-family="DejaVu Sans/);
    expect(svgTexts(svg).length).toBeGreaterThan(20);
  });

  it('throws a ModcapError on a spec that does not compile', () => {
    expect(() =>
      compileSpec({ mark: 'bar', encoding: { x: { field: 'a', type: 'nope' } } } as never),
    ).toThrow(/does not compile|Vega-Lite/);
  });
});

describe('toPng', () => {
  it('writes a PNG that decodes to the size resvg reports, and is not blank', async () => {
    const svg = await toSvg(
      fanChart(forecastView(dailyForecast()), { history: dailySeries(), events: EVENTS }),
    );
    const image = toPngImage(svg);
    const decoded = decodePng(image.png);
    expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
    expect(Buffer.from(decoded.rgba).equals(image.pixels)).toBe(true);
    const w = Number(/width="(\d+(\.\d+)?)"/.exec(svg)?.[1]);
    expect(decoded.width).toBe(Math.round(w * 2)); // scale 2 by default
    const stats = pixelStats(decoded.rgba);
    expect(stats.inked).toBeGreaterThan(0.05); // bands, lines, axes and text
    expect(stats.inked).toBeLessThan(0.9); // not a solid block either
    expect(stats.colours).toBeGreaterThan(50); // anti-aliased text and several series colours
  });

  it('draws the labels: without fonts the same SVG loses its text pixels', async () => {
    const [plan] = await tinyPlans();
    const svg = await toSvg(headcountChart(plan, 'home'));
    const withFonts = toPngImage(svg, { scale: 1 });
    const without = toPngImage(svg, { scale: 1, withoutFonts: true });
    expect([without.width, without.height]).toEqual([withFonts.width, withFonts.height]);
    const a = pixelStats(withFonts.pixels).inked;
    const b = pixelStats(without.pixels).inked;
    expect(a).toBeGreaterThan(b * 1.05); // text adds ink
    // the title's area (top-left band above the panels) is blank without fonts and inked with them
    const band = (px: Buffer, width: number) => {
      let ink = 0;
      for (let y = 10; y < 34; y++)
        for (let x = 10; x < 300; x++) {
          const i = 4 * (y * width + x);
          if (px[i] < 200) ink++;
        }
      return ink;
    };
    expect(band(withFonts.pixels, withFonts.width)).toBeGreaterThan(300);
    expect(band(without.pixels, without.width)).toBe(0);
  });

  it('rejects a silly scale', async () => {
    const svg = await toSvg(headcountChart((await tinyPlans())[0], 'home'));
    expect(() => toPng(svg, { scale: 0 })).toThrow(/scale/);
  });
});

describe('text widths', () => {
  const regular = fontWidths(dejavuFontFiles().find((f) => f.endsWith('DejaVuSans.ttf')) as string);

  it('reads advance widths from the font (DejaVu Sans: space 651/2048 em, digits 1303/2048 em)', () => {
    // DejaVu Sans has 2048 units per em, a 651-unit space and 1303-unit tabular digits; the next test
    // checks whole strings independently against resvg's own text layout
    expect(regular.advance(0x20)).toBeCloseTo(651 / 2048, 6);
    expect(regular.advance('0'.codePointAt(0) as number)).toBeCloseTo(1303 / 2048, 6);
    expect(textWidth(regular, 'iiii', 12)).toBeLessThan(textWidth(regular, 'MMMM', 12));
  });

  it("agrees with resvg's own layout of the same text to within 3 %", () => {
    const text = 'Backtest MAE (items per hour)';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="200"><text x="0" y="100" font-family="DejaVu Sans" font-size="100">${text}</text></svg>`;
    const r = new Resvg(svg, {
      font: { fontFiles: dejavuFontFiles(), loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    });
    const box = r.getBBox();
    if (!box) throw new Error('resvg drew no text');
    expect(Math.abs(box.width - textWidth(regular, text, 100)) / box.width).toBeLessThan(0.03);
  });
});
