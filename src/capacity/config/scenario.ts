import { ModcapError } from '../../errors.ts';
import type { CapacityConfig, Queue } from './schema.ts';

// Rounded to 12 decimals so that 0.7 + 0.1 reads 0.8, not 0.7999999999999999.
const clamp = (x: number, lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, x)) * 1e12) / 1e12;

/**
 * Applies the named scenario to a configuration and returns a new configuration (the input is not changed):
 * - `automationShareChange` adds points to `automationShare` (clamped to [0, 1 − llmShare]); restricted to
 *   languages, it writes `automationShareByLanguage` entries;
 * - `ahtChange` scales `ahtSeconds` by `1 + ahtChange` (per-language entries too); restricted to languages,
 *   it writes `ahtSecondsByLanguage` entries;
 * - `volumeChange` is appended to `volumeAdjustments` and `addLaunch` to `launches` (workload reads both);
 * - `closeSites` removes those sites.
 * Queue and language restrictions limit the automation, AHT and volume changes. `appliedScenario` names what
 * was applied (`a+b` when scenarios are chained).
 * @throws ModcapError BAD_ARGUMENT for an unknown scenario (listing the known ones), or one that closes every site
 * @example applyScenario(config, 'tokyo-closed').sites.some((s) => s.id === 'tokyo') // => false
 */
export function applyScenario(config: CapacityConfig, name: string): CapacityConfig {
  const sc = config.scenarios.find((s) => s.name === name);
  if (!sc)
    throw new ModcapError(
      'BAD_ARGUMENT',
      `unknown scenario "${name}" (known: ${config.scenarios.map((s) => s.name).join(', ') || 'none'})`,
      { value: name, known: config.scenarios.map((s) => s.name) },
    );
  const out: CapacityConfig = structuredClone(config);
  const inScope = (q: Queue) => sc.queues === undefined || sc.queues.includes(q.id);
  const langs = sc.languages;

  for (const q of out.queues) {
    if (!inScope(q)) continue;
    const d = sc.automationShareChange;
    if (d !== undefined) {
      const hi = 1 - q.llmShare;
      if (langs === undefined) {
        q.automationShare = clamp(q.automationShare + d, 0, hi);
        if (q.automationShareByLanguage)
          for (const l of Object.keys(q.automationShareByLanguage))
            q.automationShareByLanguage[l] = clamp(q.automationShareByLanguage[l] + d, 0, hi);
      } else {
        const by = { ...q.automationShareByLanguage };
        for (const l of langs) by[l] = clamp((by[l] ?? q.automationShare) + d, 0, hi);
        q.automationShareByLanguage = by;
      }
    }
    const c = sc.ahtChange;
    if (c !== undefined) {
      if (langs === undefined) {
        q.ahtSeconds *= 1 + c;
        if (q.ahtSecondsByLanguage)
          for (const l of Object.keys(q.ahtSecondsByLanguage)) q.ahtSecondsByLanguage[l] *= 1 + c;
      } else {
        const by = { ...q.ahtSecondsByLanguage };
        for (const l of langs) by[l] = (by[l] ?? q.ahtSeconds) * (1 + c);
        q.ahtSecondsByLanguage = by;
      }
    }
  }
  if (sc.volumeChange !== undefined)
    out.volumeAdjustments.push({
      change: sc.volumeChange,
      ...(sc.queues && { queues: [...sc.queues] }),
      ...(langs && { languages: [...langs] }),
      source: sc.name,
    });
  if (sc.addLaunch) out.launches.push(structuredClone(sc.addLaunch));
  if (sc.closeSites?.length) {
    const closed = new Set(sc.closeSites);
    out.sites = out.sites.filter((s) => !closed.has(s.id));
    if (out.sites.length === 0)
      throw new ModcapError('BAD_ARGUMENT', `scenario "${name}" closes every site`, { value: name });
  }
  out.appliedScenario = config.appliedScenario ? `${config.appliedScenario}+${name}` : name;
  return out;
}
