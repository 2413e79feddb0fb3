/**
 * The bad-input property suite, shared by fuzz.test.ts (SQLite) and fuzz.postgres.test.ts (PostgreSQL).
 *
 * Bad input, property-based (fast-check): malformed JSON bodies, query strings, headers, path ids and volume
 * uploads thrown at EVERY write route of the route table (every non-GET route in src/api/routes.ts; the test
 * checks it reached each one). Each generated request is broken by construction (an unknown or missing
 * field, a wrong type, a bad row in an upload, an unknown id, a bad If-Match, a wrong media type, invalid
 * JSON, an over-size body…), so the property is: the answer is a 4xx problem+json (never 5xx, never 2xx), and
 * the store is unchanged — a fingerprint of every table taken before and after each request by the backing
 * (SQLite: row counts and `PRAGMA data_version`, which moves on any commit by another connection; PostgreSQL:
 * row counts and the newest row version `xmin` of each table, which moves on any insert or update).
 *
 * Volume (per backing, asserted): requests through `app.inject` (fast, in-process) and more over real HTTP on a
 * loopback port, to cover the socket path (content-length, chunking, the real parsers).
 */

import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { App } from '../../src/api/context.ts';
import { InProcessJobQueue } from '../../src/api/jobs.ts';
import { ROUTE_TABLE } from '../../src/api/routes.ts';
import type { Role, Store } from '../../src/store/types.ts';
import { type Call, demoConfigFor, type Seeded, seedForecast } from './fixtures/seed.ts';
import { makeKeys } from './helpers.ts';

const BODY_LIMIT = 64 * 1024;

/** One generated request; `route` is the route-table key it aims at. */
interface Req {
  readonly route: string;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
}

type FieldType = 'string' | 'number' | 'boolean' | 'array' | 'object';

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;

/** Any JSON value whose type is not `t`. */
const wrongTyped = (t: FieldType) => fc.jsonValue({ maxDepth: 2 }).filter((v) => typeOf(v) !== t);

/** Text that JSON.parse rejects. */
const notJson = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('{', '{"a":', '[1,2', '{a:1}', "{'a':1}", '{"a":1,}', 'NaN'),
  )
  .filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return s.trim() !== '';
    }
  });

/** An id no record has (random text, URL-encoded; never empty). */
const unknownId = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 60 }),
    fc.uuid(),
    fc.constantFrom('..', '%', 'null', ' ', '\u0000'),
  )
  .map((s) => encodeURIComponent(s));

/** A JSON route: its valid base body and field types; every request made from it breaks the body. */
interface JsonRoute {
  readonly route: string;
  readonly url: fc.Arbitrary<string>;
  readonly base: Record<string, unknown>;
  readonly fields: Readonly<Record<string, FieldType>>;
  readonly required: readonly string[];
  readonly headers?: fc.Arbitrary<Record<string, string>>;
  /** Extra route-specific breakages (well-formed JSON of the right shape that must still be refused). */
  readonly semantic?: fc.Arbitrary<Record<string, unknown>>;
}

function jsonRequests(r: JsonRoute): fc.Arbitrary<Req> {
  const method = r.route.split(' ')[0] as Req['method'];
  const json = (body: unknown) => JSON.stringify(body);
  const known = Object.keys(r.fields);
  const bodies: fc.Arbitrary<{ payload: string; type: string }>[] = [
    // an unknown field (every body schema is strict)
    fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.includes(k) && k !== '__proto__'),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([k, v]) => ({ payload: json({ ...r.base, [k]: v }), type: 'application/json' })),
    // prototype poisoning
    fc.constant({
      payload: `{"__proto__":{"polluted":1},${json(r.base).slice(1)}`,
      type: 'application/json',
    }),
    // a wrong type in one field
    fc.constantFrom(...known).chain((k) =>
      wrongTyped(r.fields[k]).map((v) => ({
        payload: json({ ...r.base, [k]: v }),
        type: 'application/json',
      })),
    ),
    // not an object at all
    fc
      .jsonValue({ maxDepth: 2 })
      .filter((v) => typeOf(v) !== 'object')
      .map((v) => ({ payload: json(v), type: 'application/json' })),
    // not JSON
    notJson.map((s) => ({ payload: s, type: 'application/json' })),
    // a media type the route does not take
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
      )
      .map((type) => ({ payload: json(r.base), type })),
    // over the body limit
    fc.integer({ min: 1, max: 4096 }).map((extra) => ({
      payload: json({ ...r.base, name: 'x'.repeat(BODY_LIMIT + extra) }),
      type: 'application/json',
    })),
  ];
  if (r.required.length)
    bodies.push(
      fc.constantFrom(...r.required).map((k) => {
        const { [k]: _, ...rest } = r.base;
        return { payload: json(rest), type: 'application/json' };
      }),
    );
  if (r.semantic) bodies.push(r.semantic.map((b) => ({ payload: json(b), type: 'application/json' })));
  return fc
    .record({
      url: r.url,
      body: fc.oneof(...bodies),
      headers: r.headers ?? fc.constant({}),
      query: junkQuery,
    })
    .map(({ url, body, headers, query }) => ({
      route: r.route,
      method,
      url: `${url}${query}`,
      headers: { 'content-type': body.type, ...headers },
      payload: body.payload,
    }));
}

/** Query strings the routes ignore or refuse (never the cause of an acceptance). */
const junkQuery = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 })), { maxLength: 3 })
    .map((kv) => `?${kv.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`),
  fc.constantFrom('?', '?&&', '?a', '?a=1&a=2', '?%', '?%zz=1'),
);

// ------------------------------------------------------------------------------ uploads

const QUEUES = ['reviews', 'comments'];
const LANGS = ['en', 'de'];
const T0 = Date.parse('2031-01-01T00:00:00Z');

/** Valid hourly rows (distinct keys × timestamps), in the future so they never collide with seeded data. */
const goodRows = fc
  .uniqueArray(
    fc.record({
      q: fc.constantFrom(...QUEUES),
      l: fc.constantFrom(...LANGS),
      h: fc.nat(200),
      v: fc.nat(10_000),
    }),
    { minLength: 1, maxLength: 30, selector: (r) => `${r.q}|${r.l}|${r.h}` },
  )
  .map((rows) => rows.map((r) => ({ ...r, ts: new Date(T0 + r.h * 3_600_000).toISOString() })));

type Row = { q: string; l: string; ts: string; v: number };

/** A CSV with at least one bad row (or a bad header). */
const badCsv = fc
  .tuple(
    goodRows,
    fc.nat(),
    fc.constantFrom(
      'negative',
      'text-volume',
      'bad-time',
      'missing-cell',
      'empty-key',
      'duplicate',
      'infinite',
      'bad-header',
      'bad-zone',
    ),
    fc.string({ minLength: 1, maxLength: 10 }),
  )
  .map(([rows, at, fault, junk]) => {
    const header =
      fault === 'bad-zone' ? 'timestamp,queue,language,timezone,volume' : 'timestamp,queue,language,volume';
    const line = (r: Row) =>
      fault === 'bad-zone' ? `${r.ts},${r.q},${r.l},UTC,${r.v}` : `${r.ts},${r.q},${r.l},${r.v}`;
    const lines = rows.map(line);
    const i = at % lines.length;
    const r = rows[i];
    const bad: Record<string, string> = {
      negative: `${r.ts},${r.q},${r.l},-${r.v + 1}`,
      'text-volume': `${r.ts},${r.q},${r.l},${/^\d/.test(junk) ? `x${junk}` : junk.replaceAll(',', ';') || 'x'}`,
      'bad-time': `not-${junk.replaceAll(',', ';')},${r.q},${r.l},${r.v}`,
      'missing-cell': `${r.ts},${r.q},${r.v}`,
      'empty-key': `${r.ts},,${r.l},${r.v}`,
      duplicate: line(r),
      infinite: `${r.ts},${r.q},${r.l},Infinity`,
      'bad-header': '',
      'bad-zone': `${r.ts},${r.q},${r.l},Mars/${junk.replaceAll(',', ';') || 'x'},${r.v}`,
    };
    if (fault === 'bad-header') return `time,queue,lang,count\n${lines.join('\n')}\n`;
    lines.splice(i, fault === 'duplicate' ? 0 : 1, bad[fault]);
    return `${header}\n${lines.join('\n')}\n`;
  });

/** JSON lines with at least one bad line. */
const badJsonl = fc
  .tuple(
    goodRows,
    fc.nat(),
    fc.oneof(
      notJson,
      fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    ),
  )
  .map(([rows, at, junk]) => {
    const lines = rows.map((r) =>
      JSON.stringify({ timestamp: r.ts, queue: r.q, language: r.l, volume: r.v }),
    );
    const i = at % lines.length;
    const r = rows[i];
    const parsed = (() => {
      try {
        return JSON.parse(junk);
      } catch {
        return undefined;
      }
    })();
    // a JSON value that is not a row object, or a row with a negative volume
    lines[i] =
      parsed === undefined || typeOf(parsed) !== 'object'
        ? junk.replaceAll('\n', ' ') || '{'
        : JSON.stringify({ timestamp: r.ts, queue: r.q, language: r.l, volume: -1 - r.v });
    return `${lines.join('\n')}\n`;
  });

/** An upload body: bad CSV / JSON lines, gzip of them or gzip-looking garbage, random bytes, a wrong type. */
const badUpload: fc.Arbitrary<{ payload: string | Buffer; type: string }> = fc.oneof(
  badCsv.map((payload) => ({ payload, type: 'text/csv' })),
  badJsonl.map((payload) => ({ payload, type: 'application/x-ndjson' })),
  badCsv.map((s) => ({ payload: gzipSync(s), type: 'text/csv' })),
  fc.uint8Array({ minLength: 0, maxLength: 200 }).map((b) => ({
    payload: Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(b)]),
    type: 'text/csv',
  })),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => ({ payload: Buffer.from(b), type: 'text/csv' })),
  fc.string({ maxLength: 200 }).map((payload) => ({ payload, type: 'application/x-ndjson' })),
  badCsv.map((payload) => ({
    payload,
    type: fc.sample(fc.constantFrom('text/plain', 'application/json'), 1)[0],
  })),
  fc.integer({ min: 1, max: 4096 }).map((extra) => ({
    payload: `timestamp,queue,language,volume\n${'2031-01-01T00:00:00Z,reviews,en,1\n'.repeat(Math.ceil((BODY_LIMIT + extra) / 34))}`,
    type: 'text/csv',
  })),
);

/** A valid upload (used only where the query string or the id is what breaks the request). */
const goodCsv = goodRows.map(
  (rows) =>
    `timestamp,queue,language,volume\n${rows.map((r) => `${r.ts},${r.q},${r.l},${r.v}`).join('\n')}\n`,
);

const validZone = (z: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return true;
  } catch {
    return false;
  }
};

function uploadRequests(s: Seeded): fc.Arbitrary<Req>[] {
  const create = fc
    .oneof(
      // a bad body with a good query
      fc.record({ body: badUpload, query: fc.constant('?name=fuzz&timeZone=UTC') }),
      // a good body with a bad query: no name, empty or long name, an unknown zone, a long file name
      fc.record({
        body: goodCsv.map((payload) => ({ payload, type: 'text/csv' })),
        query: fc.oneof(
          fc.constantFrom('', '?timeZone=UTC', '?name=', '?name=&timeZone=UTC'),
          fc.integer({ min: 201, max: 400 }).map((n) => `?name=${'n'.repeat(n)}`),
          fc
            .string({ minLength: 1, maxLength: 30 })
            .filter((z) => !validZone(z))
            .map((z) => `?name=fuzz&timeZone=${encodeURIComponent(z)}`),
          fc.integer({ min: 201, max: 300 }).map((n) => `?name=fuzz&file=${'f'.repeat(n)}`),
        ),
      }),
    )
    .map(({ body, query }) => ({
      route: 'POST /v1/datasets',
      method: 'POST' as const,
      url: `/v1/datasets${query}`,
      headers: { 'content-type': body.type },
      payload: body.payload,
    }));
  const append = fc
    .oneof(
      fc.record({ id: fc.constant(s.datasetId), body: badUpload }),
      // periods already stored: a conflict
      fc.record({
        id: fc.constant(s.datasetId),
        body: fc.constant({
          payload: 'timestamp,queue,language,market,volume\n2024-12-01T00:00:00Z,reviews,en,US,5\n',
          type: 'text/csv',
        }),
      }),
      fc.record({ id: unknownId, body: goodCsv.map((payload) => ({ payload, type: 'text/csv' })) }),
    )
    .chain(({ id, body }) =>
      fc
        .oneof(
          fc.constant({}),
          fc.constantFrom({ 'if-match': '"99"' }, { 'if-match': 'abc' }, { 'if-match': '"-1"' }),
        )
        .map((h) => ({
          route: 'POST /v1/datasets/:id/actuals',
          method: 'POST' as const,
          url: `/v1/datasets/${id}/actuals`,
          headers: { 'content-type': body.type, ...h },
          payload: body.payload,
        })),
    );
  return [create, append];
}

// ------------------------------------------------------------------------------ the routes

function writeRoutes(s: Seeded, eventsId: string, configId: string, keyId: string): fc.Arbitrary<Req>[] {
  const config = demoConfigFor(QUEUES, LANGS, ['dublin', 'manila']);
  const ifMatchOk = fc.constant({ 'if-match': '"1"' });
  const ifMatchBad = fc.oneof(
    fc.constant({}),
    fc.integer({ min: 2, max: 999 }).map((v) => ({ 'if-match': `"${v}"` })),
    fc
      .string({ maxLength: 12 })
      .filter((t) => !/\d/.test(t) && /^[\x20-\x7e]*$/.test(t))
      .map((t) => ({ 'if-match': t })),
  );
  const docRoutes = (
    path: string,
    field: 'events' | 'config',
    id: string,
    doc: unknown,
    badDoc: fc.Arbitrary<unknown>,
  ) => [
    jsonRequests({
      route: `POST ${path}`,
      url: fc.constant(path),
      base: { name: 'fuzz', [field]: doc },
      fields: { name: 'string', [field]: field === 'events' ? 'array' : 'object' },
      required: ['name', field],
      semantic: fc.oneof(
        badDoc.map((d) => ({ name: 'fuzz', [field]: d })),
        fc.constantFrom('', 'x'.repeat(201)).map((name) => ({ name, [field]: doc })),
      ),
    }),
    // PUT: a broken body with the right If-Match
    jsonRequests({
      route: `PUT ${path}/:id`,
      url: fc.constant(`${path}/${id}`),
      base: { name: 'fuzz', [field]: doc },
      fields: { name: 'string', [field]: field === 'events' ? 'array' : 'object' },
      required: [field],
      headers: ifMatchOk,
      semantic: badDoc.map((d) => ({ [field]: d })),
    }),
    // PUT: a good body with a missing, stale or malformed If-Match, or an unknown id
    fc
      .oneof(fc.record({ id: fc.constant(id), h: ifMatchBad }), fc.record({ id: unknownId, h: ifMatchOk }))
      .map(({ id: target, h }) => ({
        route: `PUT ${path}/:id`,
        method: 'PUT' as const,
        url: `${path}/${target}`,
        headers: { 'content-type': 'application/json', ...h },
        payload: JSON.stringify({ name: 'fuzz', [field]: doc }),
      })),
  ];

  // events that parse as JSON but are not events; configurations that are not configurations
  const badEvents = fc.oneof(
    fc.array(fc.object({ maxDepth: 1 }), { minLength: 1, maxLength: 3 }),
    fc.constant([{ type: 'launch' }]),
    fc.constant([{ type: 'holiday', country: 'XX', name: 1 }]),
  );
  const badConfig = fc.oneof(
    fc.object({ maxDepth: 2 }),
    fc.constant({ ...config, queues: [] }),
    fc.constant({ ...config, sites: 'none' }),
    fc.constant({ ...config, reportingCurrency: 12 }),
  );

  return [
    jsonRequests({
      route: 'POST /v1/keys',
      url: fc.constant('/v1/keys'),
      base: { role: 'finance', name: 'fuzz' },
      fields: { role: 'string', name: 'string' },
      required: ['role'],
      semantic: fc.oneof(
        fc
          .string({ maxLength: 12 })
          .filter((r) => !['planner', 'analyst', 'finance', 'admin'].includes(r))
          .map((role) => ({ role })),
        fc.constantFrom('', 'x'.repeat(201)).map((name) => ({ role: 'analyst', name })),
      ),
    }),
    fc
      .record({ id: unknownId, body: fc.oneof(fc.constant(undefined), notJson) })
      .filter(({ id }) => id !== keyId)
      .map(({ id, body }) => ({
        route: 'DELETE /v1/keys/:id',
        method: 'DELETE' as const,
        url: `/v1/keys/${id}`,
        headers: (body === undefined ? {} : { 'content-type': 'application/json' }) as Record<string, string>,
        payload: body,
      })),
    ...uploadRequests(s),
    jsonRequests({
      route: 'POST /v1/datasets/:id/anomalies',
      url: fc.oneof(
        fc.constant(`/v1/datasets/${s.datasetId}/anomalies`),
        unknownId.map((id) => `/v1/datasets/${id}/anomalies`),
      ),
      base: { level: 95 },
      fields: { level: 'number', eventsId: 'string' },
      required: [],
      semantic: fc.oneof(
        fc.oneof(fc.double({ max: 50 }), fc.double({ min: 100 })).map((level) => ({ level })),
        unknownId.map((e) => ({ eventsId: decodeURIComponent(e) })),
      ),
    }),
    ...docRoutes('/v1/events', 'events', eventsId, [], badEvents),
    ...docRoutes('/v1/configs', 'config', configId, config, badConfig),
    jsonRequests({
      route: 'POST /v1/forecasts',
      url: fc.constant('/v1/forecasts'),
      base: { datasetId: s.datasetId, horizon: '2w', levels: [80], models: ['snaive'] },
      fields: {
        datasetId: 'string',
        horizon: 'string',
        levels: 'array',
        eventsId: 'string',
        preset: 'string',
        models: 'array',
        clean: 'boolean',
      },
      required: ['datasetId', 'horizon'],
      semantic: fc.oneof(
        unknownId.map((id) => ({ datasetId: decodeURIComponent(id), horizon: '2w' })),
        fc
          .string({ maxLength: 8 })
          .filter((h) => !/^\s*\d+(\.\d+)?\s*[hdw]\s*$/i.test(h))
          .map((horizon) => ({ datasetId: s.datasetId, horizon })),
        fc
          .constantFrom([], [0], [100], [50, 80, 90, 95, 99, 60])
          .map((levels) => ({ datasetId: s.datasetId, horizon: '2w', levels })),
        fc
          .string({ maxLength: 8 })
          .filter(
            (m) => !['snaive', 'ar', 'ets', 'mstl', 'theta', 'regression', 'croston', 'tsb'].includes(m),
          )
          .map((m) => ({ datasetId: s.datasetId, horizon: '2w', models: [m] })),
        unknownId.map((e) => ({ datasetId: s.datasetId, horizon: '2w', eventsId: decodeURIComponent(e) })),
      ),
    }),
    jsonRequests({
      route: 'POST /v1/investigations',
      url: fc.constant('/v1/investigations'),
      base: { forecastId: s.forecastId, datasetId: s.datasetId, grain: 'day' },
      fields: {
        forecastId: 'string',
        datasetId: 'string',
        eventsId: 'string',
        from: 'string',
        to: 'string',
        grain: 'string',
      },
      required: ['forecastId', 'datasetId'],
      semantic: fc.oneof(
        unknownId.map((id) => ({ forecastId: decodeURIComponent(id), datasetId: s.datasetId })),
        unknownId.map((id) => ({ forecastId: s.forecastId, datasetId: decodeURIComponent(id) })),
        fc
          .string({ maxLength: 12 })
          .filter((t) => Number.isNaN(Date.parse(t)) || !/^\d{4}-\d\d-\d\d/.test(t))
          .map((from) => ({ forecastId: s.forecastId, datasetId: s.datasetId, from })),
        fc
          .string({ maxLength: 6 })
          .filter((g) => g !== 'day' && g !== 'week')
          .map((grain) => ({ forecastId: s.forecastId, datasetId: s.datasetId, grain })),
      ),
    }),
    jsonRequests({
      route: 'POST /v1/plans',
      url: fc.constant('/v1/plans'),
      base: { forecastId: s.forecastId, configId, scenarios: ['base'] },
      fields: {
        forecastId: 'string',
        configId: 'string',
        configVersion: 'number',
        scenarios: 'array',
        basis: 'string',
        weeks: 'number',
        qualityWeight: 'number',
        seed: 'number',
        simulate: 'boolean',
      },
      required: ['forecastId', 'configId'],
      semantic: fc.oneof(
        unknownId.map((id) => ({ forecastId: decodeURIComponent(id), configId })),
        unknownId.map((id) => ({ forecastId: s.forecastId, configId: decodeURIComponent(id) })),
        fc
          .integer({ min: 2, max: 1000 })
          .map((v) => ({ forecastId: s.forecastId, configId, configVersion: v })),
        fc
          .string({ minLength: 1, maxLength: 10 })
          .filter((n) => !['base', 'all', 'automation-plus-10'].includes(n))
          .map((n) => ({ forecastId: s.forecastId, configId, scenarios: [n] })),
        fc
          .oneof(fc.integer({ max: 0 }), fc.integer({ min: 53 }), fc.double({ min: 1.1, max: 1.9 }))
          .map((weeks) => ({ forecastId: s.forecastId, configId, weeks })),
        fc
          .string({ maxLength: 10 })
          .filter((b) => !/^(mean|point|upper_\d+(\.\d+)?)$/.test(b))
          .map((basis) => ({ forecastId: s.forecastId, configId, basis })),
      ),
    }),
  ];
}

// ------------------------------------------------------------------------------ the test

/** Where the store lives, and how to tell that nothing in it changed. */
export interface FuzzBacking {
  readonly label: string;
  open(): Promise<Store>;
  /** A fingerprint of every table that changes with any committed write. */
  fingerprint(): Promise<string>;
  close(): Promise<void>;
}

/** The property: every generated bad request at every write route answers 4xx and stores nothing. */
export function fuzzSuite(backing: FuzzBacking, INJECT_RUNS: number, HTTP_RUNS: number): void {
  describe(`property: malformed input at every write route (${backing.label})`, () => {
    let store: Store;
    let app: App;
    let keys: Record<Role, string>;
    let requests: fc.Arbitrary<Req>;

    beforeAll(async () => {
      store = await backing.open();
      keys = await makeKeys(store);
      // seed with a running job runner, then fuzz an app whose queue never runs (nothing should be queued)
      const seedApp = await buildApp({ store, runner: { forecastWorkers: 1, pollMs: 50 } });
      await seedApp.ready();
      const call: Call = async (method, url, body, headers = {}) => {
        const r = await seedApp.inject({
          method: method as 'GET',
          url,
          headers: { authorization: `Bearer ${keys.planner}`, ...headers },
          payload: body as string | object | undefined,
        });
        return { status: r.statusCode, body: r.json() };
      };
      const seeded = await seedForecast(call);
      const ev = await call('POST', '/v1/events', { name: 'fuzz events', events: [] });
      expect(ev.status).toBe(201);
      await seedApp.close();
      const keyId = (await store.listKeys())[0].id;
      requests = fc.oneof(...writeRoutes(seeded, ev.body.id as string, seeded.configId, keyId));
      app = await buildApp({
        store,
        jobs: new InProcessJobQueue(store),
        rateLimit: false,
        bodyLimitBytes: BODY_LIMIT,
        uploadLimitBytes: BODY_LIMIT,
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await backing.close();
    });

    const roleOf = (route: string): Role => {
      const spec = ROUTE_TABLE.find((r) => `${r.method} ${r.url}` === route);
      if (!spec) throw new Error(`not in the route table: ${route}`);
      return spec.roles[0];
    };

    it(`${INJECT_RUNS} generated bad requests through app.inject and ${HTTP_RUNS} over HTTP: all 4xx, nothing stored`, async () => {
      const start = await backing.fingerprint();
      const hits = new Map<string, number>();
      const statuses = new Map<number, number>();
      let sent = 0;
      const check = async (req: Req, status: number, body: string, type: string | undefined) => {
        sent++;
        hits.set(req.route, (hits.get(req.route) ?? 0) + 1);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const where = `${req.method} ${req.url.slice(0, 120)} (${req.headers['content-type'] ?? ''}) → ${status} ${body.slice(0, 300)}`;
        expect(status, where).toBeGreaterThanOrEqual(400);
        expect(status, where).toBeLessThan(500);
        expect(type, where).toContain('application/problem+json');
        expect(body, where).not.toMatch(/\n\s+at |node_modules|\/work\//);
        expect(await backing.fingerprint(), where).toBe(start);
      };

      await fc.assert(
        fc.asyncProperty(requests, async (req) => {
          const r = await app.inject({
            method: req.method,
            url: req.url,
            headers: { authorization: `Bearer ${keys[roleOf(req.route)]}`, ...req.headers },
            payload: req.payload,
          });
          await check(req, r.statusCode, r.body, r.headers['content-type'] as string | undefined);
        }),
        { numRuns: INJECT_RUNS, seed: 20250305 },
      );
      const injected = sent;

      const addr = app.server.address();
      const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      for (const req of fc.sample(requests, { numRuns: HTTP_RUNS, seed: 5 })) {
        const r = await fetch(`${base}${req.url}`, {
          method: req.method,
          headers: { authorization: `Bearer ${keys[roleOf(req.route)]}`, ...req.headers },
          body:
            typeof req.payload === 'string' || req.payload === undefined
              ? req.payload
              : new Uint8Array(req.payload),
        });
        await check(req, r.status, await r.text(), r.headers.get('content-type') ?? undefined);
      }

      expect(injected).toBe(INJECT_RUNS);
      expect(sent).toBe(INJECT_RUNS + HTTP_RUNS);
      const writeRoutesOfTable = ROUTE_TABLE.filter((r) => r.method !== 'GET').map(
        (r) => `${r.method} ${r.url}`,
      );
      expect([...hits.keys()].sort()).toEqual(writeRoutesOfTable.sort());
      for (const n of hits.values()) expect(n).toBeGreaterThan(INJECT_RUNS / 100);
      expect(await store.listJobs()).toHaveLength(1); // only the seeding forecast
      console.log(
        `fuzz (${backing.label}): ${sent} requests; per route ${JSON.stringify(Object.fromEntries(hits))}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
    }, 300_000);
  });
}
