/**
 * API keys: `Authorization: Bearer <key>` or `x-api-key: <key>`. Keys are looked up by their SHA-256 only
 * (the store never sees a key). Lookups are cached for a few seconds (hits and misses) so the hot read paths
 * cost no database round trip; creating or revoking a key through this process clears the cache, other
 * processes see a revocation within the cache lifetime.
 */

import { randomBytes } from 'node:crypto';
import { apiKeyHash } from '../store/common.ts';
import type { ApiKeyRecord, Store } from '../store/types.ts';
import { ApiError } from './problem.ts';

/** Who is calling: the key record (id, role, name). */
export type Principal = Pick<ApiKeyRecord, 'id' | 'role' | 'name'>;

/**
 * A new random API key: `mck_` + 32 random bytes in base64url (256 bits).
 * @example newApiKey().startsWith('mck_') // => true
 */
export function newApiKey(): string {
  return `mck_${randomBytes(32).toString('base64url')}`;
}

/** The key sent with a request, or `undefined`. Bearer is case-insensitive; surrounding spaces are ignored. */
export function keyFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x.trim() !== '') return x.trim();
  return undefined;
}

/** Resolves key hashes to principals through the store, with a small time-bounded cache. */
export class KeyResolver {
  private readonly store: Store;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(store: Store, options: { ttlMs?: number; maxEntries?: number } = {}) {
    this.store = store;
    this.ttlMs = options.ttlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The principal of a key hash, or `null` for an unknown or revoked key. */
  async resolve(hash: string): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit !== undefined && hit.until > now) return hit.principal;
    const rec = await this.store.findKeyByHash(hash);
    const principal = rec && rec.revokedAt === null ? { id: rec.id, role: rec.role, name: rec.name } : null;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(hash, { principal, until: now + this.ttlMs });
    return principal;
  }

  /** Forgets every cached lookup (after a key is created or revoked). */
  clear(): void {
    this.cache.clear();
  }
}

/**
 * Authenticates a request's headers: the principal, or ApiError UNAUTHORIZED (no key, unknown or revoked key).
 */
export async function authenticate(
  resolver: KeyResolver,
  headers: Record<string, string | string[] | undefined>,
): Promise<Principal> {
  const key = keyFromHeaders(headers);
  if (key === undefined)
    throw new ApiError('UNAUTHORIZED', 'no API key: send Authorization: Bearer <key> or x-api-key');
  const principal = await resolver.resolve(apiKeyHash(key));
  if (principal === null) throw new ApiError('UNAUTHORIZED', 'unknown or revoked API key');
  return principal;
}
