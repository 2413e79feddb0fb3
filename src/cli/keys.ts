import { parseArgs } from 'node:util';
import { newApiKey } from '../api/auth.ts';
import { ROLES } from '../api/routes.ts';
import { ModcapError } from '../errors.ts';
import { apiKeyHash, openStore } from '../store/index.ts';
import type { Role } from '../store/types.ts';

/** Usage of `modcap keys`. */
export const KEYS_USAGE = `modcap keys create --role planner|analyst|finance|admin [--name N] [--data-dir DIR]
modcap keys list [--data-dir DIR]
modcap keys revoke ID [--data-dir DIR]
  API keys of the HTTP API. create prints the new key once (only its SHA-256 is stored); revoke takes
  effect at once in new processes and within seconds in running servers. Storage as for modcap serve
  (DATABASE_URL, else --data-dir / MODCAP_DATA_DIR).`;

/**
 * `modcap keys create|list|revoke`: manages API keys in the configured store.
 * @throws ModcapError BAD_ARGUMENT for an unknown action, role or key id
 * @example await keysCommand(['create', '--role', 'admin', '--name', 'first admin']) // prints mck_…
 */
export async function keysCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        name: { type: 'string' },
        'data-dir': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new ModcapError('BAD_ARGUMENT', `${(e as Error).message}\n\n${KEYS_USAGE}`);
  }
  const [action, ...rest] = positionals;
  if (action !== 'create' && action !== 'list' && action !== 'revoke')
    throw new ModcapError(
      'BAD_ARGUMENT',
      `keys: "${action ?? ''}" is not create, list or revoke\n\n${KEYS_USAGE}`,
    );
  const role = values.role as string | undefined;
  if (action === 'create' && !(ROLES as readonly string[]).includes(role ?? ''))
    throw new ModcapError('BAD_ARGUMENT', `--role: "${role ?? ''}" is not one of ${ROLES.join(', ')}`, {
      value: role,
    });
  if (action === 'revoke' && rest.length !== 1)
    throw new ModcapError('BAD_ARGUMENT', `keys revoke takes one key id\n\n${KEYS_USAGE}`);

  const store = await openStore({ dataDir: values['data-dir'] as string | undefined });
  try {
    if (action === 'create') {
      const key = newApiKey();
      const rec = await store.createKey({
        role: role as Role,
        name: values.name as string | undefined,
        hash: apiKeyHash(key),
      });
      console.error(
        `modcap keys: created ${rec.role} key ${rec.id}${rec.name ? ` (${rec.name})` : ''}; it is shown only now:`,
      );
      console.log(key);
    } else if (action === 'list') {
      console.log('id\trole\tname\tcreated\trevoked');
      for (const k of await store.listKeys())
        console.log(`${k.id}\t${k.role}\t${k.name}\t${k.createdAt}\t${k.revokedAt ?? ''}`);
    } else {
      const id = rest[0];
      if (!(await store.getKey(id)))
        throw new ModcapError('BAD_ARGUMENT', `no API key with id "${id}"`, { value: id });
      const rec = await store.revokeKey(id);
      console.log(`revoked ${rec.id} (${rec.role}) at ${rec.revokedAt}`);
    }
  } finally {
    await store.close();
  }
  return 0;
}
