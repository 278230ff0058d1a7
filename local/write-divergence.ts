import type { Application } from './application.ts';
import type { WorldContext } from './context.ts';
import type { AppRole } from './endpoints.ts';
import type { DbInstance, RdsModel } from './rds/model.ts';
import type { Route53Model } from './route53/model.ts';

/**
 * The writes a failover must never hide, and the one-writer rule, watched every second:
 * - reachable by application traffic: a region's application serves and some client may be
 *   sent there by the public record (the authoritative answer, or an older one still cached
 *   within its TTL: right after a switch, both regions are reachable).
 * - diverged writes: the application keeps writing to an old primary its traffic reaches after
 *   the replica stopped applying its writes; those writes exist only there (worst case: every
 *   write of the stream); a database fenced read only refuses them.
 * - single writer: at no moment may two instances of one plan database both be writable (up,
 *   available, not read only) and reachable by application traffic.
 */
export interface WriteWatch {
  /** Diverged writes per plan database (0 when none). */
  divergedWrites(): { databaseId: string; writes: number; since: number | null }[];
  /** Each moment two writers were reachable, per database. */
  singleWriterViolations(): { databaseId: string; from: number; to: number | null }[];
  stop(): void;
}

export function watchWrites(
  context: WorldContext,
  parts: { rds: RdsModel; application: Application; route53: Route53Model },
): WriteWatch {
  const { plan, scheduler, events, timings } = context;
  const { rds, application, route53 } = parts;
  const diverged = new Map(
    plan.databases.map((db) => [db.id, { writes: 0, since: null as number | null, carry: 0 }]),
  );
  const violations: { databaseId: string; from: number; to: number | null }[] = [];
  const interval = timings.trafficProbeSeconds * 1000;

  const writable = (instance: DbInstance | undefined): boolean =>
    instance !== undefined &&
    context.isRegionUp(instance.region) &&
    instance.role !== 'replica' &&
    instance.status === 'available' &&
    !rds.parameterGroups.readOnly(instance);
  const reachable = (at: number): Record<AppRole, boolean> => {
    const targets = route53.reachableTargets(at);
    return {
      primary: targets.has(plan.application.primary.target.toLowerCase()) && application.serves('primary'),
      dr: targets.has(plan.application.dr.target.toLowerCase()) && application.serves('dr'),
    };
  };

  const sample = (at: number) => {
    const reached = reachable(at);
    for (const db of plan.databases) {
      const old = rds.find(db.primary.region, db.primary.identifier);
      const promoted = rds.find(db.replica.region, db.replica.identifier);
      const endedAt = rds.replicationEndedAt(db.id);
      const state = diverged.get(db.id);
      if (state && endedAt !== undefined && at > endedAt && reached.primary && writable(old)) {
        state.carry += (interval / 1000) * timings.writesPerSecond;
        const whole = Math.floor(state.carry);
        if (whole > 0) {
          if (state.writes === 0) {
            state.since = at;
            events.record(
              'writes.diverged',
              at,
              `${db.id}: the old primary ${db.primary.identifier} takes writes its replica never gets`,
              { databaseId: db.id },
              db.primary.region,
            );
          }
          state.writes += whole;
          state.carry -= whole;
        }
      }
      const twoWriters = writable(old) && reached.primary && writable(promoted) && reached.dr;
      const open = violations.find((v) => v.databaseId === db.id && v.to === null);
      if (twoWriters && !open) {
        violations.push({ databaseId: db.id, from: at, to: null });
        events.record(
          'single-writer.violated',
          at,
          `${db.id}: ${db.primary.identifier} and ${db.replica.identifier} are both writable and reachable`,
          { databaseId: db.id },
        );
      } else if (!twoWriters && open) open.to = at;
    }
  };
  const stop = scheduler.every(interval, sample);
  return {
    divergedWrites: () =>
      plan.databases.map((db) => ({
        databaseId: db.id,
        writes: diverged.get(db.id)?.writes ?? 0,
        since: diverged.get(db.id)?.since ?? null,
      })),
    singleWriterViolations: () => violations.map((v) => ({ ...v })),
    stop,
  };
}
