/** API keys (admin): create (the key is answered once, only its hash is stored), list, revoke. */

import { z } from 'zod';
import { apiKeyHash } from '../../store/common.ts';
import type { ApiKeyRecord } from '../../store/types.ts';
import { newApiKey } from '../auth.ts';
import { found, type Resource } from '../context.ts';
import { ROLES } from '../routes.ts';
import { ERROR_RESPONSES, IdParams } from '../schemas.ts';

const Role = z.enum(ROLES as unknown as ['planner', 'analyst', 'finance', 'admin']);

const KeyOut = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

const keyOut = (k: ApiKeyRecord) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  createdAt: k.createdAt,
  revokedAt: k.revokedAt,
});

/** Routes under /v1/keys. */
export const keysResource: Resource = (app, ctx) => {
  app.post(
    '/v1/keys',
    {
      schema: {
        body: z.object({ role: Role, name: z.string().min(1).max(200).optional() }).strict(),
        response: {
          201: KeyOut.extend({ key: z.string().describe('The API key: shown only in this answer') }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req, reply) => {
      const key = newApiKey();
      const rec = await ctx.store.createKey({
        role: req.body.role,
        name: req.body.name,
        hash: apiKeyHash(key),
      });
      ctx.keys.clear();
      return reply.code(201).send({ ...keyOut(rec), key });
    },
  );

  app.get(
    '/v1/keys',
    { schema: { response: { 200: z.object({ keys: z.array(KeyOut) }), ...ERROR_RESPONSES } } },
    async () => ({ keys: (await ctx.store.listKeys()).map(keyOut) }),
  );

  app.delete(
    '/v1/keys/:id',
    { schema: { params: IdParams, response: { 200: KeyOut, ...ERROR_RESPONSES } } },
    async (req) => {
      found(await ctx.store.getKey(req.params.id), 'API key', req.params.id);
      const rec = await ctx.store.revokeKey(req.params.id);
      ctx.keys.clear();
      return keyOut(rec);
    },
  );
};
