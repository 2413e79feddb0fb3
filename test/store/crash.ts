/** Helpers of the crash and multi-process tests: run a fixture in a child node process, kill it at a moment. */

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Path of a fixture script under test/store/fixtures. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** What a child did. */
export interface ChildRun {
  /** `SIGKILL` when we killed it, else `null`. */
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from the `writing` line to the exit. */
  readonly writeMs: number;
}

/**
 * Runs `node --import tsx <script> <json args>` in the repository; with `killAfterMs`, sends SIGKILL that long
 * after the child printed `writing`.
 */
export function runChild(script: string, args: unknown, killAfterMs?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let writingAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!writingAt && stdout.includes('writing\n')) {
        writingAt = performance.now();
        if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      resolve({ code, signal, stdout, stderr, writeMs: writingAt ? performance.now() - writingAt : 0 }),
    );
  });
}

/** SHA-256 of a value's JSON, to compare big row sets quickly. */
export const digest = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex');
