import type { MonitorReport } from './monitor-report.ts';

/** One resource's contribution to DR readiness: fine, a reason it is not ready, or unreadable. */
export type ReadinessFinding = { ok: true } | { ok: false; reason: string } | { ok: null; reason: string };

/**
 * Not ready as soon as one resource is known not ready (that is certain whatever the unreadable
 * ones say); otherwise unknown if any resource could not be read; otherwise ready.
 */
export function combineReadiness(findings: readonly ReadinessFinding[]): MonitorReport['readiness'] {
  const notReady = findings.flatMap((f) => (f.ok === false ? [f.reason] : []));
  if (notReady.length > 0) return { state: 'not-ready', reasons: notReady };
  const unreadable = findings.flatMap((f) => (f.ok === null ? [f.reason] : []));
  if (unreadable.length > 0) return { state: 'unknown', reasons: unreadable };
  return { state: 'ready', reasons: [] };
}
