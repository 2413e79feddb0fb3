import type { Progress } from '../forecast/runner.ts';

/**
 * A progress callback that prints `label: done/total (failed) elapsed, eta` to stderr at most once a
 * second and at the end.
 */
export function progressPrinter(label: string): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (p.done !== p.total && now - last < 1000) return;
    last = now;
    const rate = p.done / Math.max(p.elapsedMs, 1);
    const eta = rate > 0 ? (p.total - p.done) / rate / 1000 : 0;
    const failed = p.failed ? `, ${p.failed} failed` : '';
    process.stderr.write(
      `${label}: ${p.done}/${p.total} series${failed}, ${(p.elapsedMs / 1000).toFixed(1)} s` +
        (p.done < p.total ? `, about ${eta.toFixed(0)} s left\n` : ' done\n'),
    );
  };
}
