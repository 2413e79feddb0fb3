/**
 * Versioned documents: events calendars (`/v1/events`) and capacity configurations with their scenarios
 * (`/v1/configs`). Create, read (current or `?version=`), replace with `If-Match: "<version>"` (409 when
 * someone wrote first, 428 without If-Match), list versions. Bodies are validated by the library
 * (`parseEvents`, `validateCapacityConfig`) before anything is stored.
 */

import { z } from 'zod';
import { validateCapacityConfig } from '../../capacity/config.ts';
import type { DocumentKind, DocumentMeta, StoredDocument } from '../../store/types.ts';
import { found, type Resource } from '../context.ts';
import { validateEvents } from '../data.ts';
import { ApiError } from '../problem.ts';
import { DocumentMetaOut, ERROR_RESPONSES, IdParams } from '../schemas.ts';
import { parseIfMatch } from './datasets.ts';

interface KindSpec {
  readonly kind: DocumentKind;
  readonly path: string;
  /** Body field holding the document. */
  readonly field: 'events' | 'config';
  readonly what: string;
  readonly validate: (doc: unknown) => void;
  readonly docSchema: z.ZodType;
}

const KINDS: readonly KindSpec[] = [
  {
    kind: 'events',
    path: '/v1/events',
    field: 'events',
    what: 'events calendar',
    validate: (doc) => void validateEvents(doc),
    docSchema: z.array(z.unknown()).describe('Events in the modcap event schema (see data/demo/events.json)'),
  },
  {
    kind: 'config',
    path: '/v1/configs',
    field: 'config',
    what: 'capacity configuration',
    validate: (doc) => void validateCapacityConfig(doc, 'config'),
    docSchema: z
      .record(z.string(), z.unknown())
      .describe('Capacity configuration (see data/demo/config.json)'),
  },
];

const metaOut = (d: DocumentMeta) => ({
  id: d.id,
  name: d.name,
  version: d.version,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

/** Routes of both document kinds. */
export const documentsResource: Resource = (app, ctx) => {
  for (const k of KINDS) {
    const Body = z.object({ name: z.string().min(1).max(200), [k.field]: k.docSchema }).strict();
    const PutBody = z
      .object({ name: z.string().min(1).max(200).optional(), [k.field]: k.docSchema })
      .strict();
    const Out = DocumentMetaOut.extend({ [k.field]: z.unknown() });
    const full = (d: StoredDocument) => ({ ...metaOut(d), [k.field]: d.doc });

    app.post(
      k.path,
      { schema: { body: Body, response: { 201: Out, ...ERROR_RESPONSES } } },
      async (req, reply) => {
        const body = req.body as Record<string, unknown> & { name: string };
        k.validate(body[k.field]);
        const d = await ctx.store.createDocument(k.kind, { name: body.name, doc: body[k.field] });
        return reply
          .code(201)
          .header('location', `${k.path}/${d.id}`)
          .header('etag', `"${d.version}"`)
          .send(full(d));
      },
    );

    app.get(
      k.path,
      { schema: { response: { 200: z.object({ items: z.array(DocumentMetaOut) }), ...ERROR_RESPONSES } } },
      async () => ({ items: (await ctx.store.listDocuments(k.kind)).map(metaOut) }),
    );

    app.get(
      `${k.path}/:id`,
      {
        schema: {
          params: IdParams,
          querystring: z.object({ version: z.coerce.number().int().min(1).optional() }),
          response: { 200: Out, ...ERROR_RESPONSES },
        },
      },
      async (req, reply) => {
        const d = found(
          await ctx.store.getDocument(k.kind, req.params.id, req.query.version),
          k.what,
          req.params.id,
        );
        return reply.header('etag', `"${d.version}"`).send(full(d));
      },
    );

    app.put(
      `${k.path}/:id`,
      {
        schema: {
          description:
            'Replaces the document: send If-Match with the version you read ("3"); 409 when it moved.',
          params: IdParams,
          body: PutBody,
          response: { 200: Out, ...ERROR_RESPONSES },
        },
      },
      async (req, reply) => {
        const version = parseIfMatch(req.headers['if-match']);
        if (version === undefined)
          throw new ApiError(
            'PRECONDITION_REQUIRED',
            `send If-Match with the version of the ${k.what} you read`,
          );
        found(await ctx.store.getDocument(k.kind, req.params.id), k.what, req.params.id);
        const body = req.body as Record<string, unknown> & { name?: string };
        k.validate(body[k.field]);
        const d = await ctx.store.updateDocument(
          k.kind,
          req.params.id,
          { name: body.name, doc: body[k.field] },
          { ifVersion: version },
        );
        return reply.header('etag', `"${d.version}"`).send(full(d));
      },
    );

    app.get(
      `${k.path}/:id/versions`,
      {
        schema: {
          params: IdParams,
          response: { 200: z.object({ versions: z.array(DocumentMetaOut) }), ...ERROR_RESPONSES },
        },
      },
      async (req) => ({
        versions: found(
          await ctx.store.listDocumentVersions(k.kind, req.params.id),
          k.what,
          req.params.id,
        ).map(metaOut),
      }),
    );
  }
};
