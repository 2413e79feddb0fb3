/** Job runner seams: worker ids, recovering the jobs of dead local workers, running a claimed job. */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newWorkerId, recoverDeadLocalJobs, runClaimedJob, workerProcess } from '../../src/api/jobs.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';

/** The pid of a process that has exited (a finished `node -e ''`). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('worker ids', () => {
  it('newWorkerId is host:pid:label and workerProcess reads it back', () => {
    const id = newWorkerId('a');
    expect(id).toBe(`${hostname()}:${process.pid}:a`);
    expect(workerProcess(id)).toEqual({ host: hostname(), pid: process.pid });
    expect(newWorkerId()).not.toBe(newWorkerId());
  });
  it('workerProcess answers undefined for ids it did not make', () => {
    for (const id of ['', 'w1', 'host:abc:x', 'host:0:x', 'host:-3:x'])
      expect(workerProcess(id)).toBeUndefined();
    expect(workerProcess('a:b:77:x')).toEqual({ host: 'a:b', pid: 77 });
  });
});

describe('recoverDeadLocalJobs', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modcap-jobs-'));
    store = await openSqliteStore({ dataDir: dir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-queues a job of a dead worker on this host, fails it when attempts are used, leaves others', async () => {
    const dead = `${hostname()}:${deadPid()}:x`;
    const a = await store.createJob({ kind: 'forecast', params: {} });
    const b = await store.createJob({ kind: 'forecast', params: {}, maxAttempts: 1 });
    const mine = await store.createJob({ kind: 'plan', params: {} });
    const remote = await store.createJob({ kind: 'plan', params: {} });
    const other = await store.createJob({ kind: 'plan', params: {} });
    expect((await store.claimNextJob(dead))?.id).toBe(a.id);
    expect((await store.claimNextJob(dead))?.id).toBe(b.id);
    expect((await store.claimNextJob(newWorkerId()))?.id).toBe(mine.id); // this process: alive
    expect((await store.claimNextJob(`another-host:${deadPid()}:y`))?.id).toBe(remote.id);
    expect((await store.claimNextJob('plain-id'))?.id).toBe(other.id);

    const r = await recoverDeadLocalJobs(store);
    expect(r).toEqual({ requeued: [a.id], failed: [b.id] });
    const ja = await store.getJob(a.id);
    expect(ja?.status).toBe('queued');
    expect(ja?.attempts).toBe(1);
    expect(ja?.error).toMatch(/died during attempt 1/);
    const jb = await store.getJob(b.id);
    expect(jb?.status).toBe('failed');
    for (const id of [mine.id, remote.id, other.id]) expect((await store.getJob(id))?.status).toBe('running');
    // idempotent
    expect(await recoverDeadLocalJobs(store)).toEqual({ requeued: [], failed: [] });
  });

  it('runClaimedJob fails a job with bad parameters for good (an input error is not retried)', async () => {
    const j = await store.createJob({ kind: 'plan', params: { planId: 1 } });
    const w = newWorkerId();
    const claimed = await store.claimNextJob(w);
    expect(claimed?.id).toBe(j.id);
    const after = await runClaimedJob(store, claimed as NonNullable<typeof claimed>, w);
    expect(after?.status).toBe('failed');
    expect(after?.error).toMatch(/planId/);
    expect(after?.attempts).toBe(1);
  });
});
