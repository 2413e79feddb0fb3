// Helpers of the modcap notebooks (tslab kernel). Plain CommonJS on purpose: tslab compiles each cell with
// its own TypeScript 5.0 to CommonJS and runs it in a vm script, which can neither type-check the
// repository's `.ts`-extension imports nor call `import()` itself; a real CommonJS module can. See
// notebooks/README.md, "How the notebooks import modcap".
'use strict';
const path = require('node:path');
const { pathToFileURL } = require('node:url');

/** The repository root (this file lives in `notebooks/`). */
const ROOT = path.resolve(__dirname, '..');

let registered;

/**
 * Imports a module of the repository by its path from the repository root (e.g. 'src/forecast/index.ts'),
 * through tsx's ESM loader (registered once per kernel), the same loader the CLI uses. Resolves to the
 * module namespace (typed `any` in the notebook).
 * @example const { readVolumes } = await load('src/forecast/index.ts');
 */
async function load(relativePath) {
  registered ??= import('tsx/esm/api').then(({ register }) => register());
  await registered;
  return import(pathToFileURL(path.resolve(ROOT, relativePath)).href);
}

/**
 * Absolute path of a file of the repository (the kernel's working directory is `notebooks/`).
 * @example repo('data/demo/volumes.csv') // => '/…/modcap/data/demo/volumes.csv'
 */
function repo(relativePath) {
  return path.resolve(ROOT, relativePath);
}

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * Formats one table cell: numbers with thousands separators and at most `digits` decimals (NaN as '–'),
 * Dates as ISO minutes (UTC), arrays joined with ', ', objects as JSON, null/undefined as ''.
 */
function formatCell(v, digits) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? '–' : String(v);
    return v.toLocaleString('en-US', { maximumFractionDigits: digits });
  }
  if (v instanceof Date) return `${v.toISOString().slice(0, 16)}Z`;
  if (Array.isArray(v)) return v.map((x) => formatCell(x, digits)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * An HTML table of plain row objects (columns: `options.columns`, else the keys of the first row), numbers
 * right-aligned, for `tslab.display.html(...)`. `options.digits`: decimals kept (default 1);
 * `options.caption`: a caption.
 * @example tslab.display.html(htmlTable([{ site: 'dublin', cost: 1234.5 }])) // a two-column table
 */
function htmlTable(rows, options = {}) {
  const digits = options.digits ?? 1;
  const columns = options.columns ?? (rows.length > 0 ? Object.keys(rows[0]) : []);
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => {
      const cells = columns.map((c) => {
        const v = r[c];
        const align = typeof v === 'number' ? ' style="text-align:right"' : '';
        return `<td${align}>${escapeHtml(formatCell(v, digits))}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** ISO date-time of an epoch-ms instant, to the minute (UTC). @example iso(0) // => '1970-01-01T00:00Z' */
function iso(ms) {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

module.exports = { load, repo, htmlTable, iso, ROOT };
