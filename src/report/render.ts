/**
 * Rendering Vega-Lite specs without a browser: SVG through vega's headless View (no canvas needed), PNG
 * from that SVG through resvg with the DejaVu fonts shipped by the `dejavu-fonts-ttf` package.
 *
 * Fonts: resvg draws text only with fonts it was given. With `loadSystemFonts: false` and no font files,
 * every label silently disappears; so the DejaVu TTFs are loaded from the npm package (no system fonts
 * needed, the same glyphs on every machine) and every chart's config asks for `DejaVu Sans`
 * ({@link FONT_FAMILY}).
 */

import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ModcapError } from '../errors.ts';
import { FONT_FAMILY } from './charts/common.ts';
import { type FontWidths, fontWidths, textWidth } from './text-width.ts';

const require = createRequire(import.meta.url);

let fontFiles: string[] | undefined;

/**
 * Paths of the DejaVu Sans TTF files (regular, bold, oblique, condensed) in the `dejavu-fonts-ttf` package.
 * @throws ModcapError BAD_ARGUMENT when the package holds no DejaVu Sans font
 * @example dejavuFontFiles().some((f) => f.endsWith('DejaVuSans.ttf')) // => true
 */
export function dejavuFontFiles(): string[] {
  if (fontFiles) return fontFiles;
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const files = readdirSync(dir)
    .filter((f) => /^DejaVuSans(Condensed)?(-[A-Za-z]+)?\.ttf$/.test(f))
    .map((f) => join(dir, f));
  if (!files.some((f) => f.endsWith('DejaVuSans.ttf')))
    throw new ModcapError('BAD_ARGUMENT', `no DejaVuSans.ttf in ${dir}; is dejavu-fonts-ttf installed?`, {
      dir,
    });
  fontFiles = files;
  return files;
}

let measuring = false;

/**
 * Makes vega measure text with the DejaVu Sans advance widths (regular and bold) instead of its
 * 0.8-em-per-character estimate, so the headless layout matches what resvg draws. This sets vega's
 * module-wide `textMetrics.width` (the hook vega offers for canvas-less rendering); it is idempotent and
 * the same for every caller, so concurrent renders are unaffected. Called by {@link toSvg}.
 */
export function useDejaVuTextMetrics(): void {
  if (measuring) return;
  const files = dejavuFontFiles();
  const regular = fontWidths(files.find((f) => f.endsWith('DejaVuSans.ttf')) as string);
  const boldFile = files.find((f) => f.endsWith('DejaVuSans-Bold.ttf'));
  const bold: FontWidths = boldFile ? fontWidths(boldFile) : regular;
  // exported by vega at run time, missing from its type declarations
  const metrics = (vega as unknown as { textMetrics: unknown }).textMetrics as {
    width: (
      item: { fontSize?: number; fontWeight?: string | number; limit?: number },
      text: unknown,
    ) => number;
  };
  metrics.width = (item, text) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const s = text == null ? '' : String(text).trim();
    if (size <= 0 || !s) return 0;
    const w = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? bold : regular;
    const width = textWidth(w, s, size);
    // vega truncates labels to `limit` with this same function; a string over the limit is drawn truncated
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  measuring = true;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec. Vega-Lite's warnings are collected, not printed.
 * @throws ModcapError BAD_ARGUMENT when the spec does not compile
 */
export function compileSpec(spec: TopLevelSpec): { vega: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    level: (_?: number) => logger,
    error: (...a: unknown[]) => {
      throw new ModcapError('BAD_ARGUMENT', `Vega-Lite: ${a.join(' ')}`);
    },
    warn: (...a: unknown[]) => {
      warnings.push(a.join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  try {
    return { vega: compile(spec, { logger: logger as never }).spec as vega.Spec, warnings };
  } catch (e) {
    if (e instanceof ModcapError) throw e;
    throw new ModcapError('BAD_ARGUMENT', `the chart spec does not compile: ${(e as Error).message}`);
  }
}

/** Options of {@link toSvg}. */
export interface SvgOptions {
  /** Receives vega-lite's and vega's warnings (e.g. an empty extent); by default they are dropped. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Renders a Vega-Lite spec to an SVG document with vega's headless View (renderer `none`, so no canvas
 * or browser is needed).
 * @throws ModcapError BAD_ARGUMENT when the spec does not compile
 * @example (await toSvg(fanChart(view))).startsWith('<svg') // => true
 */
export async function toSvg(spec: TopLevelSpec, options: SvgOptions = {}): Promise<string> {
  useDejaVuTextMetrics();
  const compiled = compileSpec(spec);
  const warn = options.onWarning;
  if (warn) for (const w of compiled.warnings) warn(`vega-lite: ${w}`);
  const logger = {
    level: (_?: number) => logger,
    error: (...a: unknown[]) => {
      warn?.(`vega error: ${a.join(' ')}`);
      return logger;
    },
    warn: (...a: unknown[]) => {
      warn?.(`vega: ${a.join(' ')}`);
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  const view = new vega.View(vega.parse(compiled.vega), {
    renderer: 'none',
    logger: logger as unknown as vega.LoggerInterface,
    logLevel: vega.Warn,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link toPng}. */
export interface PngOptions {
  /** Pixel scale over the SVG's size (default 2, sharp on high-density screens and slides). */
  readonly scale?: number;
  /** Load no fonts at all (labels vanish); only for tests that show the fonts matter. */
  readonly withoutFonts?: boolean;
}

/** A PNG and its raw pixels. */
export interface PngImage {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, row by row. */
  readonly pixels: Buffer;
}

/**
 * Rasterises an SVG with resvg and the DejaVu fonts (system fonts are not loaded, so the output is the
 * same on every machine), on a white background.
 * @example toPngImage(svg).width // => 2 × the SVG width
 */
export function toPngImage(svg: string, options: PngOptions = {}): PngImage {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8))
    throw new ModcapError('BAD_ARGUMENT', `scale must be in (0, 8], got ${scale}`, { field: 'scale' });
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: options.withoutFonts
      ? { loadSystemFonts: false, fontFiles: [] }
      : {
          fontFiles: dejavuFontFiles(),
          loadSystemFonts: false,
          defaultFontFamily: FONT_FAMILY,
          sansSerifFamily: FONT_FAMILY,
        },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}

/**
 * Rasterises an SVG to PNG bytes ({@link toPngImage}).
 * @example (await toPng(await toSvg(spec))).subarray(1, 4).toString() // => 'PNG'
 */
export function toPng(svg: string, options: PngOptions = {}): Buffer {
  return toPngImage(svg, options).png;
}
