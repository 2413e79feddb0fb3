/**
 * Stored plans, parsed once: the plan record (meta and JSON document) per plan id, for the routes that read
 * the document (`GET /v1/plans/{id}`, hiring, SLA). Plans change only by replacement, which bumps their
 * revision, so a cached plan is re-checked against its revision at most once per `revalidateMs`, and the
 * least recently used plans are dropped past `maxPlans`. A missing plan is never cached (a job may store it
 * a moment later).
 */

import type { PlanRecord, Store } from '../store/types.ts';

interface Entry {
  readonly plan: PlanRecord;
  checkedAt: number;
}

/** Options of {@link PlanCache}. */
export interface PlanCacheOptions {
  /** How long a cached plan is trusted before its revision is checked again, ms (default 1,000). */
  readonly revalidateMs?: number;
  /** Plans kept (default 32). */
  readonly maxPlans?: number;
}

/** A small cache of immutable plan records. */
export class PlanCache {
  private readonly store: Store;
  private readonly revalidateMs: number;
  private readonly maxPlans: number;
  private readonly plans = new Map<string, Promise<Entry | undefined>>();

  constructor(store: Store, options: PlanCacheOptions = {}) {
    this.store = store;
    this.revalidateMs = options.revalidateMs ?? 1_000;
    this.maxPlans = Math.max(1, options.maxPlans ?? 32);
  }

  /** Forgets a plan. */
  invalidate(planId: string): void {
    this.plans.delete(planId);
  }

  private load(planId: string): Promise<Entry | undefined> {
    const p = this.store.getPlan(planId).then((plan) => (plan ? { plan, checkedAt: Date.now() } : undefined));
    this.plans.set(planId, p);
    p.then(
      (e) => e === undefined && this.plans.get(planId) === p && this.plans.delete(planId),
      () => this.plans.get(planId) === p && this.plans.delete(planId),
    );
    while (this.plans.size > this.maxPlans) {
      const oldest = this.plans.keys().next().value as string;
      this.plans.delete(oldest);
    }
    return p;
  }

  /**
   * The stored plan (meta and document), or `undefined` when it does not exist. Do not mutate the answer.
   * @example (await cache.get(id))?.revision // => 1
   */
  async get(planId: string): Promise<PlanRecord | undefined> {
    const cached = this.plans.get(planId);
    if (cached) {
      // most recently used last
      this.plans.delete(planId);
      this.plans.set(planId, cached);
    }
    const e = await (cached ?? this.load(planId));
    if (!e) return undefined;
    const now = Date.now();
    if (now - e.checkedAt > this.revalidateMs) {
      e.checkedAt = now;
      const meta = await this.store.getPlanMeta(planId);
      if (!meta || meta.revision !== e.plan.revision) {
        this.plans.delete(planId);
        return meta ? (await this.load(planId))?.plan : undefined;
      }
    }
    return e.plan;
  }
}
