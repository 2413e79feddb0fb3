/** Headcount of one site: required vs available per language and week, with hires and attrition. */

import type { TopLevelSpec } from 'vega-lite';
import type { CapacityPlan } from '../../capacity/plan/plan.ts';
import { ModcapError } from '../../errors.ts';
import { COLORS, chartTitle, round3, topLevel } from './common.ts';

/** Options of {@link headcountChart}. */
export interface HeadcountChartOptions {
  readonly width?: number;
}

/**
 * Headcount chart of one site of a plan, three panels sharing the week axis (weeks labelled by their UTC
 * start date):
 * 1. available effective FTE stacked by language (bars), against the required FTE of all its languages
 *    (black line) and the paid headcount including trainees (grey dashed line);
 * 2. how gaps are covered: overtime and vendor surge FTE, and what stays uncovered (stacked bars);
 * 3. hires starting (up, by language) and expected attrition (down), in people per week.
 *
 * @throws ModcapError BAD_ARGUMENT when the plan has no such site
 * @example headcountChart(plan, 'dublin') // a three-panel chart titled "Headcount: dublin (scenario base)"
 */
export function headcountChart(
  plan: Pick<CapacityPlan, 'sites' | 'weekLabels' | 'scenario'>,
  site: string,
  options: HeadcountChartOptions = {},
): TopLevelSpec {
  const rows = plan.sites.filter((s) => s.site === site);
  if (rows.length === 0)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `plan has no site "${site}" (sites: ${[...new Set(plan.sites.map((s) => s.site))].join(', ')})`,
      { field: 'site', value: site },
    );
  const label = (w: number) => plan.weekLabels[w] ?? `week ${w}`;
  const perLanguage: Record<string, unknown>[] = [];
  const flows: Record<string, unknown>[] = [];
  const cover: Record<string, unknown>[] = [];
  const weeks = plan.weekLabels.length;
  const totals = Array.from({ length: weeks }, () => ({ required: 0, paid: 0 }));
  for (const s of rows)
    for (const w of s.headcount.weeks) {
      const week = label(w.week);
      perLanguage.push({
        week,
        language: s.language,
        effective: round3(w.effectiveFte),
        required: round3(w.required),
        paid: round3(w.paidHeadcount),
        overtime: round3(w.overtimeFte),
        surge: round3(w.surgeFte),
        uncovered: round3(w.uncoveredFte),
      });
      if (w.week < weeks) {
        totals[w.week].required += w.required;
        totals[w.week].paid += w.paidHeadcount;
      }
      for (const [kind, v] of [
        ['overtime', w.overtimeFte],
        ['vendor surge', w.surgeFte],
        ['uncovered', w.uncoveredFte],
      ] as const)
        if (v > 1e-9) cover.push({ week, kind, language: s.language, fte: round3(v) });
      if (w.hiresStarting > 1e-9)
        flows.push({ week, language: s.language, flow: 'hires starting', people: round3(w.hiresStarting) });
      if (w.attritionLoss > 1e-9)
        flows.push({ week, language: s.language, flow: 'attrition', people: -round3(w.attritionLoss) });
    }
  const lineKinds = ['Required FTE (all languages)', 'Paid headcount (incl. trainees)'];
  const lineRows = totals.flatMap((t, w) => [
    { week: label(w), what: lineKinds[0], fte: round3(t.required) },
    { week: label(w), what: lineKinds[1], fte: round3(t.paid) },
  ]);
  const width = options.width ?? 860;
  const x = {
    field: 'week',
    type: 'ordinal',
    title: 'Week starting (UTC)',
    sort: plan.weekLabels,
    scale: { domain: [...plan.weekLabels] },
    axis: { labelAngle: -45 },
  };
  const languages = [...new Set(rows.map((r) => r.language))].sort();

  const supply = {
    title: { text: 'Required vs available (effective FTE)', fontSize: 13 },
    width,
    height: 240,
    layer: [
      {
        data: { values: perLanguage },
        mark: { type: 'bar' },
        encoding: {
          x,
          y: {
            field: 'effective',
            type: 'quantitative',
            stack: 'zero',
            title: 'FTE (full-time equivalents)',
          },
          color: {
            field: 'language',
            type: 'nominal',
            title: 'Available FTE by language',
            scale: { domain: languages, scheme: 'tableau10' },
          },
          tooltip: [
            { field: 'week', title: 'Week' },
            { field: 'language', title: 'Language' },
            { field: 'required', type: 'quantitative', title: 'Required FTE', format: ',.1f' },
            { field: 'effective', type: 'quantitative', title: 'Effective FTE', format: ',.1f' },
            { field: 'paid', type: 'quantitative', title: 'Paid heads', format: ',.1f' },
            { field: 'overtime', type: 'quantitative', title: 'Overtime FTE', format: ',.1f' },
            { field: 'surge', type: 'quantitative', title: 'Surge FTE', format: ',.1f' },
            { field: 'uncovered', type: 'quantitative', title: 'Uncovered FTE', format: ',.1f' },
          ],
        },
      },
      {
        data: { values: lineRows },
        mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'fte', type: 'quantitative' },
          color: {
            field: 'what',
            type: 'nominal',
            title: 'Lines',
            scale: { domain: lineKinds, range: [COLORS.required, COLORS.paid] },
          },
          strokeDash: {
            field: 'what',
            type: 'nominal',
            legend: null,
            scale: {
              domain: lineKinds,
              range: [
                [1, 0],
                [5, 3],
              ],
            },
          },
          tooltip: [
            { field: 'week', title: 'Week' },
            { field: 'what', title: 'Line' },
            { field: 'fte', type: 'quantitative', title: 'FTE / people', format: ',.1f' },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  const gaps = {
    title: { text: 'Gaps covered by overtime and surge, and left uncovered (FTE)', fontSize: 13 },
    width,
    height: 140,
    data: { values: cover.length ? cover : [{ week: label(0), kind: 'overtime', language: '', fte: 0 }] },
    mark: { type: 'bar' },
    encoding: {
      x,
      y: { field: 'fte', type: 'quantitative', aggregate: 'sum', title: 'FTE' },
      color: {
        field: 'kind',
        type: 'nominal',
        title: 'Gap cover',
        scale: {
          domain: ['overtime', 'vendor surge', 'uncovered'],
          range: [COLORS.overtime, COLORS.surge, COLORS.uncovered],
        },
      },
      tooltip: [
        { field: 'week', title: 'Week' },
        { field: 'kind', title: 'Cover' },
        { field: 'fte', type: 'quantitative', aggregate: 'sum', title: 'FTE', format: ',.1f' },
      ],
    },
  };
  const people = {
    title: {
      text: 'Hiring plan and attrition: hires starting (up), expected attrition (down)',
      fontSize: 13,
    },
    width,
    height: 170,
    data: {
      values: flows.length ? flows : [{ week: label(0), language: '', flow: 'hires starting', people: 0 }],
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          y: { field: 'people', type: 'quantitative', aggregate: 'sum', title: 'People per week' },
          color: {
            field: 'flow',
            type: 'nominal',
            title: 'Flow',
            scale: { domain: ['hires starting', 'attrition'], range: [COLORS.hires, COLORS.attrition] },
          },
          tooltip: [
            { field: 'week', title: 'Week' },
            { field: 'flow', title: 'Flow' },
            { field: 'language', title: 'Language' },
            { field: 'people', type: 'quantitative', title: 'People', format: ',.1f' },
          ],
        },
      },
      { mark: { type: 'rule', color: '#666' }, encoding: { y: { datum: 0 } } },
    ],
  };
  const hc = rows.map((r) => r.headcount);
  const hires = hc.reduce((a, h) => a + h.totals.hires, 0);
  const uncovered = hc.reduce((a, h) => a + h.totals.uncoveredFteWeeks, 0);
  const notes = [
    `Scenario ${plan.scenario} · languages ${languages.join(', ')} · ${round3(hires)} hires over the plan · ${round3(uncovered)} uncovered FTE-weeks.`,
    `Lead time ${hc[0]?.leadTimeWeeks ?? 0} weeks, training ${hc[0]?.trainingWeeks ?? 0} weeks, weekly attrition ${((hc[0]?.weeklyAttrition ?? 0) * 100).toFixed(2)} %.`,
  ];
  return topLevel({
    title: chartTitle(`Headcount: ${site} (scenario ${plan.scenario})`, notes),
    vconcat: [supply, gaps, people],
    resolve: { scale: { color: 'independent' } },
  });
}
