/** Queue charts of a plan: backlog and oldest-item age (deferred), service level per hour (real-time). */

import type { TopLevelSpec } from 'vega-lite';
import type { CapacityPlan } from '../../capacity/plan/plan.ts';
import { ModcapError } from '../../errors.ts';
import { COLORS, chartTitle, round3, timeX, topLevel } from './common.ts';

const HOUR_MS = 3_600_000;

/** Options of {@link backlogChart}. */
export interface BacklogChartOptions {
  readonly width?: number;
}

/**
 * Backlog chart of one deferred queue × language of a plan: items waiting at the end of each hour, and the
 * age of the oldest waiting item in hours, with the SLA's time limit as a red rule.
 *
 * @throws ModcapError BAD_ARGUMENT when the plan has no such deferred queue
 * @example backlogChart(plan, 'reviews', 'en') // titled "Backlog: reviews · en (scenario base)"
 */
export function backlogChart(
  plan: Pick<CapacityPlan, 'deferred' | 'startMs' | 'scenario'>,
  queue: string,
  language: string,
  options: BacklogChartOptions = {},
): TopLevelSpec {
  const d = plan.deferred.find((x) => x.queue === queue && x.language === language);
  if (!d)
    throw new ModcapError('BAD_ARGUMENT', `plan has no deferred queue ${queue} × ${language}`, {
      field: 'queue',
      value: `${queue}|${language}`,
    });
  const rows = Array.from(d.backlog, (b, t) => ({
    t: plan.startMs + t * HOUR_MS,
    backlog: round3(b),
    age: round3(d.oldestAgeHours[t]),
    arrivals: round3(d.arrivals[t]),
  }));
  const width = options.width ?? 860;
  const within = d.sla.withinHours;
  const maxAge = d.oldestAgeHours.reduce((a, b) => Math.max(a, b), 0);
  const tooltip = [
    { field: 't', type: 'temporal', title: 'Hour (UTC)', format: '%Y-%m-%d %H:%M' },
    { field: 'arrivals', type: 'quantitative', title: 'Arrivals (items/hour)', format: ',.1f' },
    { field: 'backlog', type: 'quantitative', title: 'Backlog (items)', format: ',.0f' },
    { field: 'age', type: 'quantitative', title: 'Oldest item (hours)', format: ',.1f' },
  ];
  const backlogPanel = {
    title: { text: 'Backlog at the end of each hour', fontSize: 13 },
    width,
    height: 180,
    data: { values: rows },
    mark: { type: 'area', line: { color: COLORS.point, strokeWidth: 1 }, color: '#c6dbef' },
    encoding: {
      x: timeX('t'),
      y: { field: 'backlog', type: 'quantitative', title: 'Backlog (items waiting)' },
      tooltip,
    },
  };
  const agePanel = {
    title: { text: 'Age of the oldest waiting item', fontSize: 13 },
    width,
    height: 180,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', color: COLORS.point, strokeWidth: 1.2 },
        encoding: {
          x: timeX('t'),
          y: {
            field: 'age',
            type: 'quantitative',
            title: 'Oldest item age (hours)',
            scale: { domainMax: Math.max(maxAge, within) * 1.1 },
          },
          tooltip,
        },
      },
      {
        data: { values: [{ within, label: `SLA: ${Math.round(d.sla.level * 100)} % within ${within} h` }] },
        layer: [
          {
            mark: { type: 'rule', color: COLORS.target, strokeDash: [6, 3], strokeWidth: 2 },
            encoding: { y: { field: 'within', type: 'quantitative' } },
          },
          {
            mark: {
              type: 'text',
              align: 'right',
              baseline: 'bottom',
              dy: -3,
              color: COLORS.target,
              fontWeight: 'bold',
            },
            encoding: {
              y: { field: 'within', type: 'quantitative' },
              x: { value: width },
              text: { field: 'label' },
            },
          },
        ],
      },
    ],
  };
  const notes = [
    `Scenario ${plan.scenario} · AHT ${d.ahtSeconds} s · formula share done within the SLA ${(d.achievedShareWithin * 100).toFixed(1)} % (target ${Math.round(d.sla.level * 100)} %).`,
    d.infeasibleWeeks.length
      ? `${d.infeasibleWeeks.length} week(s) cannot meet the SLA with the open hours: ${d.infeasibleWeeks
          .slice(0, 3)
          .map((w) => `week ${w.week}`)
          .join(', ')}.`
      : 'Every week can meet the SLA with the open hours.',
  ];
  return topLevel({
    title: chartTitle(`Backlog: ${queue} · ${language} (scenario ${plan.scenario})`, notes),
    vconcat: [backlogPanel, agePanel],
  });
}

/** Options of {@link serviceLevelChart}. */
export interface ServiceLevelChartOptions {
  /** First hour shown, on the plan's grid (default: the start of the busiest week). */
  readonly fromHour?: number;
  /** Hours shown (default 168: one week). */
  readonly hours?: number;
  readonly width?: number;
}

/**
 * Service level per hour of one real-time queue × language of a plan: the share of contacts answered within
 * the SLA time (line, percent) against the SLA target (red rule), and below it the contacts offered and
 * the agents staffed per hour. Hours when no site staffing the language is open have no service level and
 * are marked as grey ticks at the bottom. Shows one week by default (the busiest, by contacts).
 *
 * @throws ModcapError BAD_ARGUMENT when the plan has no such real-time queue, or the window is outside the plan
 * @example serviceLevelChart(plan, 'livestream_reports', 'en') // one week of hourly service level
 */
export function serviceLevelChart(
  plan: Pick<CapacityPlan, 'realTime' | 'startMs' | 'scenario'>,
  queue: string,
  language: string,
  options: ServiceLevelChartOptions = {},
): TopLevelSpec {
  const r = plan.realTime.find((x) => x.queue === queue && x.language === language);
  if (!r)
    throw new ModcapError('BAD_ARGUMENT', `plan has no real-time queue ${queue} × ${language}`, {
      field: 'queue',
      value: `${queue}|${language}`,
    });
  const { contacts, agents, serviceLevel } = r.staffing;
  const H = contacts.length;
  const hours = Math.min(options.hours ?? 168, H);
  let from = options.fromHour;
  if (from === undefined) {
    let best = -1;
    from = 0;
    for (let w = 0; w * 168 < H; w++) {
      let s = 0;
      for (let t = w * 168; t < Math.min(H, (w + 1) * 168); t++) s += contacts[t];
      if (s > best) {
        best = s;
        from = w * 168;
      }
    }
    from = Math.min(from, H - hours);
  }
  if (!(Number.isInteger(from) && from >= 0 && from + hours <= H && hours > 0))
    throw new ModcapError('BAD_ARGUMENT', `hours ${from}..${from + hours} are outside the plan (0..${H})`, {
      field: 'fromHour',
      value: options.fromHour,
    });
  const rows: Record<string, unknown>[] = [];
  let closed = 0;
  for (let t = from; t < from + hours; t++) {
    const isClosed = contacts[t] > 0 && agents[t] === 0;
    if (isClosed) closed++;
    rows.push({
      t: plan.startMs + t * HOUR_MS,
      sl: isClosed ? null : round3(serviceLevel[t] * 100),
      contacts: round3(contacts[t]),
      agents: agents[t],
      closed: isClosed ? 1 : 0,
    });
  }
  const target = r.sla.level * 100;
  const slValues = rows.map((x) => x.sl).filter((v): v is number => typeof v === 'number');
  const minSl = Math.min(target, ...slValues);
  const width = options.width ?? 860;
  const tooltip = [
    { field: 't', type: 'temporal', title: 'Hour (UTC)', format: '%Y-%m-%d %H:%M' },
    { field: 'contacts', type: 'quantitative', title: 'Contacts (per hour)', format: ',.1f' },
    { field: 'agents', type: 'quantitative', title: 'Agents', format: ',d' },
    { field: 'sl', type: 'quantitative', title: 'Service level (%)', format: '.1f' },
  ];
  const slPanel = {
    title: { text: `Service level: share answered within ${r.sla.targetSeconds} s`, fontSize: 13 },
    width,
    height: 200,
    data: { values: rows },
    layer: [
      {
        // closed hours have no service level: the line breaks there
        mark: {
          type: 'line',
          color: COLORS.point,
          strokeWidth: 1.5,
          point: { size: 12 },
          invalid: 'break-paths-show-domains',
        },
        encoding: {
          x: timeX('t', 'Hour (UTC)'),
          y: {
            field: 'sl',
            type: 'quantitative',
            title: 'Service level (% of contacts)',
            scale: { domain: [Math.max(0, Math.floor(minSl / 5) * 5 - 5), 100] },
          },
          tooltip,
        },
      },
      // (a layer filtered to nothing would make vega warn about an empty extent)
      ...(closed
        ? [
            {
              mark: { type: 'tick', color: '#999', thickness: 3, size: 10 },
              transform: [{ filter: 'datum.closed === 1' }],
              encoding: { x: timeX('t', 'Hour (UTC)'), y: { value: 195 }, tooltip },
            },
          ]
        : []),
      {
        data: { values: [{ target, label: `SLA target: ${target} % within ${r.sla.targetSeconds} s` }] },
        layer: [
          {
            mark: { type: 'rule', color: COLORS.target, strokeDash: [6, 3], strokeWidth: 2 },
            encoding: { y: { field: 'target', type: 'quantitative' } },
          },
          {
            mark: {
              type: 'text',
              align: 'right',
              baseline: 'top',
              dy: 3,
              color: COLORS.target,
              fontWeight: 'bold',
            },
            encoding: {
              y: { field: 'target', type: 'quantitative' },
              x: { value: width },
              text: { field: 'label' },
            },
          },
        ],
      },
    ],
  };
  const loadPanel = {
    title: {
      text: 'Contacts offered (grey, left axis) and agents staffed (orange, right axis)',
      fontSize: 13,
    },
    width,
    height: 150,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.4, color: '#888' },
        encoding: {
          x: timeX('t', 'Hour (UTC)'),
          y: {
            field: 'contacts',
            type: 'quantitative',
            title: 'Contacts per hour',
            axis: { titleColor: '#666' },
          },
          tooltip,
        },
      },
      {
        mark: { type: 'line', strokeWidth: 1.6, color: COLORS.chosen, interpolate: 'step-after' },
        encoding: {
          x: timeX('t', 'Hour (UTC)'),
          y: {
            field: 'agents',
            type: 'quantitative',
            title: 'Agents staffed',
            axis: { orient: 'right', titleColor: COLORS.chosen },
          },
          tooltip,
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
  const model =
    r.sla.patienceSeconds !== undefined ? `Erlang A (mean patience ${r.sla.patienceSeconds} s)` : 'Erlang C';
  const notes = [
    `Scenario ${plan.scenario} · ${model} · AHT ${r.ahtSeconds} s · contact-weighted service level over the plan ${(r.meanServiceLevel * 100).toFixed(1)} %.`,
    `Hours ${from}–${from + hours} of the plan${options.fromHour === undefined ? ' (the busiest week)' : ''}${closed ? `; ${closed} hours with no site open (grey ticks, contacts unserved)` : ''}.`,
  ];
  return topLevel({
    title: chartTitle(`Service level per hour: ${queue} · ${language} (scenario ${plan.scenario})`, notes),
    vconcat: [slPanel, loadPanel],
  });
}
