/**
 * Readiness: the upstream answered a signed call recently, or a cheap probe (one record of a
 * one-second window) succeeds now. The probe's result is cached and shared, so a burst of
 * readiness checks makes at most one upstream call per cache period.
 */
import type { LaafficApi, UpstreamClient } from '../upstream';

export function createReadiness(client: UpstreamClient, api: LaafficApi, cacheMs: number) {
  let lastOkAt = 0;
  let cached: { at: number; ready: boolean } | undefined;
  let probing: Promise<boolean> | undefined;
  client.onEvent((e) => {
    if (e.type === 'attempt' && e.outcome === 'ok') lastOkAt = Date.now();
  });

  return async function check(): Promise<boolean> {
    const now = Date.now();
    if (now - lastOkAt <= cacheMs) return true;
    if (cached && now - cached.at <= cacheMs) return cached.ready;
    probing ??= api
      .queryGroupCallTasks({ current: 1, size: 1, from: now - 1000, to: now }, { signal: AbortSignal.timeout(5_000) })
      .then(
        () => true,
        () => false,
      )
      .then((ready) => {
        cached = { at: Date.now(), ready };
        probing = undefined;
        return ready;
      });
    return probing;
  };
}
