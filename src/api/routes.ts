/**
 * The route table: every `/v1` route with the roles that may use it, in ONE place. The app refuses to start
 * when a registered `/v1` route is missing here (see `app.ts`), and the role-matrix test walks this table.
 *
 * Roles (DESIGN.md): `planner` creates and changes everything; `analyst` reads everything and runs
 * investigations and anomaly detection; `finance` reads plans and costs only; `admin` manages keys.
 */

import type { Role } from '../store/types.ts';

/** Every role, in a fixed order. */
export const ROLES: readonly Role[] = ['planner', 'analyst', 'finance', 'admin'];

/** One route of the API. `url` uses Fastify's `:param` syntax. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly roles: readonly Role[];
  readonly summary: string;
}

const P: Role = 'planner';
const A: Role = 'analyst';
const F: Role = 'finance';
const READ: readonly Role[] = [P, A];
const PLAN_READ: readonly Role[] = [P, A, F];

/** The route table. */
export const ROUTE_TABLE: readonly RouteSpec[] = [
  // API keys
  { method: 'POST', url: '/v1/keys', roles: ['admin'], summary: 'Create an API key (shown once)' },
  { method: 'GET', url: '/v1/keys', roles: ['admin'], summary: 'List API keys (never the keys)' },
  { method: 'DELETE', url: '/v1/keys/:id', roles: ['admin'], summary: 'Revoke an API key' },
  // volumes datasets
  {
    method: 'POST',
    url: '/v1/datasets',
    roles: [P],
    summary: 'Upload a volumes history (CSV or JSON lines)',
  },
  { method: 'GET', url: '/v1/datasets', roles: READ, summary: 'List datasets' },
  { method: 'GET', url: '/v1/datasets/:id', roles: READ, summary: 'One dataset' },
  {
    method: 'POST',
    url: '/v1/datasets/:id/actuals',
    roles: [P],
    summary: 'Append actuals (all or nothing)',
  },
  {
    method: 'POST',
    url: '/v1/datasets/:id/anomalies',
    roles: READ,
    summary: 'Detect anomalies of a history',
  },
  { method: 'GET', url: '/v1/datasets/:id/anomalies', roles: READ, summary: 'Anomaly results of a dataset' },
  { method: 'GET', url: '/v1/anomalies/:id', roles: READ, summary: 'One anomaly result' },
  // events calendars
  { method: 'POST', url: '/v1/events', roles: [P], summary: 'Create an events calendar' },
  { method: 'GET', url: '/v1/events', roles: READ, summary: 'List events calendars' },
  {
    method: 'GET',
    url: '/v1/events/:id',
    roles: READ,
    summary: 'One events calendar (current or ?version=)',
  },
  { method: 'PUT', url: '/v1/events/:id', roles: [P], summary: 'Replace an events calendar (If-Match)' },
  { method: 'GET', url: '/v1/events/:id/versions', roles: READ, summary: 'Versions of an events calendar' },
  // capacity configurations
  { method: 'POST', url: '/v1/configs', roles: [P], summary: 'Create a capacity configuration' },
  { method: 'GET', url: '/v1/configs', roles: READ, summary: 'List capacity configurations' },
  { method: 'GET', url: '/v1/configs/:id', roles: READ, summary: 'One configuration (current or ?version=)' },
  { method: 'PUT', url: '/v1/configs/:id', roles: [P], summary: 'Replace a configuration (If-Match)' },
  { method: 'GET', url: '/v1/configs/:id/versions', roles: READ, summary: 'Versions of a configuration' },
  // forecasts and jobs
  { method: 'POST', url: '/v1/forecasts', roles: [P], summary: 'Start a forecast job' },
  { method: 'GET', url: '/v1/forecasts', roles: READ, summary: 'List forecasts' },
  { method: 'GET', url: '/v1/forecasts/:id', roles: READ, summary: 'One forecast (series list)' },
  {
    method: 'GET',
    url: '/v1/forecasts/:id/series/:seriesId',
    roles: READ,
    summary: 'One forecast series with intervals and the chosen model',
  },
  {
    method: 'GET',
    url: '/v1/forecasts/:id/charts/:file',
    roles: READ,
    summary: 'A forecast chart (fan-, backtest-, decomposition-<seriesId>) as .svg, .png or .json',
  },
  { method: 'GET', url: '/v1/jobs', roles: READ, summary: 'List jobs' },
  { method: 'GET', url: '/v1/jobs/:id', roles: READ, summary: 'Job status with progress' },
  // investigations
  { method: 'POST', url: '/v1/investigations', roles: READ, summary: 'Investigate a forecast miss' },
  { method: 'GET', url: '/v1/investigations', roles: READ, summary: 'List investigations' },
  { method: 'GET', url: '/v1/investigations/:id', roles: READ, summary: 'One investigation' },
  // plans and costs
  { method: 'POST', url: '/v1/plans', roles: [P], summary: 'Start a plan job' },
  { method: 'GET', url: '/v1/plans', roles: PLAN_READ, summary: 'List plans' },
  { method: 'GET', url: '/v1/plans/:id', roles: PLAN_READ, summary: 'One plan (summary per scenario)' },
  {
    method: 'GET',
    url: '/v1/plans/:id/requirements',
    roles: PLAN_READ,
    summary: 'Headcount per site × language × week',
  },
  { method: 'GET', url: '/v1/plans/:id/hiring', roles: PLAN_READ, summary: 'Hiring decisions' },
  {
    method: 'GET',
    url: '/v1/plans/:id/sla',
    roles: PLAN_READ,
    summary: 'Service level and backlog projection',
  },
  { method: 'GET', url: '/v1/plans/:id/costs', roles: PLAN_READ, summary: 'Costs grouped, in a currency' },
  {
    method: 'GET',
    url: '/v1/plans/:id/costs/compare',
    roles: PLAN_READ,
    summary: 'Costs of scenarios side by side',
  },
  {
    method: 'GET',
    url: '/v1/plans/:id/charts/:file',
    roles: PLAN_READ,
    summary: 'A plan chart (headcount-<site>, cost-by-site-month) as .svg, .png or .json',
  },
  {
    method: 'GET',
    url: '/v1/plans/:id/report.html',
    roles: PLAN_READ,
    summary: 'The self-contained HTML report of a plan',
  },
];

const byId = new Map(ROUTE_TABLE.map((r) => [`${r.method} ${r.url}`, r]));

/** The table entry of a route, or `undefined`. @example routeSpec('GET', '/v1/plans/:id')?.roles // => ['planner', 'analyst', 'finance'] */
export function routeSpec(method: string, url: string): RouteSpec | undefined {
  return byId.get(`${method} ${url}`);
}
