/**
 * Reports: Vega-Lite chart builders, rendering without a browser (SVG through vega's headless view, PNG
 * through resvg with the DejaVu fonts), the self-contained HTML report of a plan, and `writePlanReport`,
 * which writes all of it to a folder.
 */
export * from './charts/index.ts';
export {
  escapeHtml,
  type ForecastSummaryRow,
  forecastSummary,
  type PlanReportInput,
  planReportHtml,
  type ReportChart,
  vegaBundles,
} from './html.ts';
export {
  compileSpec,
  dejavuFontFiles,
  type PngImage,
  type PngOptions,
  toPng,
  toPngImage,
  toSvg,
  useDejaVuTextMetrics,
} from './render.ts';
export { type FontWidths, fontWidths, textWidth } from './text-width.ts';
export { type WritePlanReportInput, type WrittenReport, writePlanReport } from './write.ts';
