import type { PlanDatabase } from '../../plan/schema.ts';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';
import { ParameterGroups } from './parameter-groups.ts';

/**
 * RDS as drctl sees it: each plan database is a primary instance in the primary region with a
 * cross-region read replica in the DR region. The primary takes a steady write stream; the
 * replica applies it `lag` seconds behind while its source is reachable. PromoteReadReplica
 * runs available → modifying → rebooting → available, and the instance stops naming a source
 * when replication ends (at the reboot).
 */
export type InstanceRole = 'primary' | 'replica' | 'standalone';

export interface DbInstance {
  identifier: string;
  databaseId: string;
  region: string;
  engine: string;
  engineVersion: string;
  instanceClass: string;
  arn: string;
  createdAt: Date;
  status: string;
  role: InstanceRole;
  /** Source ARN while this instance is a replica. */
  sourceArn: string | undefined;
  /** ARNs of this primary's replicas. */
  replicaArns: string[];
  promotion: { startedAt: number; completedAt: number | null } | undefined;
  /** Status to return to when a temporary status (backing-up) ends. */
  busyUntil: number | undefined;
}

/** The write stream of one database and how far its replica has applied it. */
interface Replication {
  databaseId: string;
  startedAt: number;
  /** ms the primary spent unreachable (no writes then). */
  pausedMs: number;
  pausedSince: number | undefined;
  /** Last applied instant of the primary's timeline; frozen while the source is unreachable. */
  appliedUpTo: number;
  /** Replication ended: the replica was promoted (or the source lost for good). */
  stoppedAt: number | undefined;
  lagSpike: { lagSeconds: number; until: number } | undefined;
  /** Writes and seconds the replica had not received when the primary was lost. */
  loss: { at: number; writesLost: number; secondsLost: number; cause: string } | undefined;
}

export class RdsModel {
  readonly instances = new Map<string, DbInstance>();
  readonly parameterGroups: ParameterGroups;
  private readonly replication = new Map<string, Replication>();
  private readonly context: WorldContext;

  constructor(context: WorldContext) {
    this.context = context;
    this.parameterGroups = new ParameterGroups(context);
    const now = context.clock.now();
    for (const database of context.plan.databases) this.seed(database, now);
    context.scheduler.every(context.timings.replicaLagMetricPeriodSeconds * 1000, (at) =>
      this.publishReplicaLag(at),
    );
  }

  private key(region: string, identifier: string): string {
    return `${region}/${identifier.toLowerCase()}`;
  }

  arnOf(region: string, identifier: string): string {
    return `arn:aws:rds:${region}:${this.context.account}:db:${identifier}`;
  }

  private seed(database: PlanDatabase, now: number): void {
    const deployment = this.context.plan.deployment;
    const base = {
      databaseId: database.id,
      engine: database.engine,
      engineVersion: deployment?.engineVersion ?? (database.engine === 'postgres' ? '16.4' : '8.0.39'),
      instanceClass: deployment?.dbInstanceClass ?? 'db.t4g.medium',
      createdAt: new Date(now - 30 * 86_400_000),
      status: 'available',
      promotion: undefined,
      busyUntil: undefined,
    };
    const primaryArn = this.arnOf(database.primary.region, database.primary.identifier);
    const replicaArn = this.arnOf(database.replica.region, database.replica.identifier);
    this.instances.set(this.key(database.primary.region, database.primary.identifier), {
      ...base,
      identifier: database.primary.identifier,
      region: database.primary.region,
      arn: primaryArn,
      role: 'primary',
      sourceArn: undefined,
      replicaArns: [replicaArn],
    });
    this.instances.set(this.key(database.replica.region, database.replica.identifier), {
      ...base,
      identifier: database.replica.identifier,
      region: database.replica.region,
      arn: replicaArn,
      role: 'replica',
      sourceArn: primaryArn,
      replicaArns: [],
    });
    // The application has been writing for an hour and the replica is `lag` behind.
    this.replication.set(database.id, {
      databaseId: database.id,
      startedAt: now - 3_600_000,
      pausedMs: 0,
      pausedSince: undefined,
      appliedUpTo: now - this.context.timings.replicaLagSeconds * 1000,
      stoppedAt: undefined,
      lagSpike: undefined,
      loss: undefined,
    });
  }

  find(region: string, identifier: string): DbInstance | undefined {
    return this.instances.get(this.key(region, identifier));
  }

  list(region: string): DbInstance[] {
    return [...this.instances.values()].filter((instance) => instance.region === region);
  }

  // ---- API actions ---------------------------------------------------------------------------

  promote(region: string, identifier: string): DbInstance {
    const instance = this.find(region, identifier);
    if (!instance) throw new AwsError('DBInstanceNotFound', `DBInstance ${identifier} not found.`, 404);
    if (instance.role !== 'replica' || !instance.sourceArn) {
      throw new AwsError('InvalidDBInstanceState', `DB Instance ${identifier} is not a read replica.`);
    }
    if (instance.status !== 'available') {
      throw new AwsError(
        'InvalidDBInstanceState',
        `Instance ${identifier} is currently ${instance.status}, and must be available to be promoted.`,
      );
    }
    const { clock, scheduler, events, timings } = this.context;
    const startedAt = clock.now();
    const total = timings.promotionSeconds * 1000;
    const rebootAt = startedAt + Math.round(total * timings.promotionModifyingShare);
    instance.promotion = { startedAt, completedAt: null };
    this.setStatus(instance, 'modifying', startedAt);
    events.record(
      'rds.promotion-started',
      startedAt,
      `PromoteReadReplica ${identifier} accepted`,
      { identifier, databaseId: instance.databaseId },
      region,
    );
    scheduler.at(rebootAt, (at) => {
      this.endReplication(instance, at, 'promotion');
      this.setStatus(instance, 'rebooting', at);
    });
    scheduler.at(startedAt + total, (at) => {
      instance.role = 'standalone';
      const failure = this.promotionFailure(instance);
      if (failure !== undefined) {
        // The instance ends in a status waiting will not change (e.g. incompatible-parameters).
        this.setStatus(instance, failure, at);
        return;
      }
      instance.promotion = { startedAt, completedAt: at };
      this.setStatus(instance, 'available', at);
      events.record(
        'rds.promotion-completed',
        at,
        `${identifier} is a standalone instance`,
        { identifier, databaseId: instance.databaseId, seconds: (at - startedAt) / 1000 },
        region,
      );
    });
    return instance;
  }

  private setStatus(instance: DbInstance, status: string, at: number): void {
    instance.status = status;
    this.context.events.record(
      'rds.status',
      at,
      `${instance.identifier} is ${status}`,
      { identifier: instance.identifier, status },
      instance.region,
    );
  }

  /** The replica stops applying: it was promoted. The old primary forgets it. */
  private endReplication(instance: DbInstance, at: number, cause: string): void {
    const replication = this.replication.get(instance.databaseId);
    if (replication && replication.stoppedAt === undefined) {
      this.advance(replication, at);
      replication.stoppedAt = at;
      this.recordLoss(replication, at, cause);
    }
    const source = [...this.instances.values()].find((candidate) => candidate.arn === instance.sourceArn);
    if (source) source.replicaArns = source.replicaArns.filter((arn) => arn !== instance.arn);
    instance.sourceArn = undefined;
  }

  // ---- faults --------------------------------------------------------------------------------

  /** The instance runs a backup for `seconds`: PromoteReadReplica fails with InvalidDBInstanceState meanwhile. */
  backingUp(identifier: string, seconds: number): void {
    const instance = [...this.instances.values()].find((i) => i.identifier === identifier);
    if (!instance) throw new Error(`no DB instance ${identifier} in the world`);
    const { clock, scheduler } = this.context;
    const now = clock.now();
    const previous = instance.status;
    this.setStatus(instance, 'backing-up', now);
    instance.busyUntil = now + seconds * 1000;
    scheduler.at(instance.busyUntil, (at) => {
      if (instance.status === 'backing-up') this.setStatus(instance, previous, at);
      instance.busyUntil = undefined;
    });
  }

  /** Replication lag jumps to `lagSeconds` for `durationSeconds` (all databases when no id). */
  lagSpike(lagSeconds: number, durationSeconds: number, databaseId?: string): void {
    const now = this.context.clock.now();
    for (const replication of this.replication.values()) {
      if (databaseId !== undefined && replication.databaseId !== databaseId) continue;
      this.advance(replication, now);
      replication.lagSpike = { lagSeconds, until: now + durationSeconds * 1000 };
    }
  }

  /** The primary region became unreachable (true) or came back (false). */
  primaryRegionReachable(reachable: boolean, at: number): void {
    for (const replication of this.replication.values()) {
      this.advance(replication, at);
      if (!reachable && replication.pausedSince === undefined) {
        replication.pausedSince = at;
        if (replication.stoppedAt === undefined) this.recordLoss(replication, at, 'primary region outage');
      } else if (reachable && replication.pausedSince !== undefined) {
        replication.pausedMs += at - replication.pausedSince;
        replication.pausedSince = undefined;
      }
    }
  }

  // ---- the write stream ----------------------------------------------------------------------

  private lagMs(replication: Replication, at: number): number {
    const spike = replication.lagSpike;
    if (spike && at < spike.until) return spike.lagSeconds * 1000;
    return this.context.timings.replicaLagSeconds * 1000;
  }

  /** Writes made on the primary up to instant `at` (none while its region is down). */
  writesUpTo(replication: Replication, at: number): number {
    const pausedNow = replication.pausedSince !== undefined ? Math.max(0, at - replication.pausedSince) : 0;
    const activeMs = Math.max(0, at - replication.startedAt - replication.pausedMs - pausedNow);
    return Math.floor((activeMs / 1000) * this.context.timings.writesPerSecond);
  }

  private sourceReachable(replication: Replication): boolean {
    return replication.pausedSince === undefined && replication.stoppedAt === undefined;
  }

  /** Moves the replica's applied position forward to what it has received by `at`. */
  private advance(replication: Replication, at: number): void {
    if (!this.sourceReachable(replication)) return;
    const target = at - this.lagMs(replication, at);
    if (target > replication.appliedUpTo) replication.appliedUpTo = target;
  }

  private recordLoss(replication: Replication, at: number, cause: string): void {
    if (replication.loss) return;
    const written = this.writesUpTo(replication, at);
    const applied = Math.min(written, this.writesUpTo(replication, replication.appliedUpTo));
    const loss = {
      at,
      writesLost: written - applied,
      secondsLost: Math.max(0, (at - replication.appliedUpTo) / 1000),
      cause,
    };
    replication.loss = loss;
    this.context.events.record(
      'writes.lost',
      at,
      `${replication.databaseId}: ${loss.writesLost} writes (${loss.secondsLost.toFixed(1)} s) not on the replica (${cause})`,
      { databaseId: replication.databaseId, ...loss },
    );
  }

  /** Current replication lag in seconds as RDS would report it; -1 while the source is unreachable. */
  replicaLagSeconds(databaseId: string, at: number): number | undefined {
    const replication = this.replication.get(databaseId);
    if (!replication || replication.stoppedAt !== undefined) return undefined;
    if (replication.pausedSince !== undefined) return -1;
    this.advance(replication, at);
    return Math.round(Math.max(0, at - replication.appliedUpTo) / 1000);
  }

  /** When the database's replica stopped applying the primary's writes for good (promotion), if it did. */
  replicationEndedAt(databaseId: string): number | undefined {
    return this.replication.get(databaseId)?.stoppedAt;
  }

  /** Data-loss figures per database (undefined while nothing was lost yet). */
  losses(): { databaseId: string; writesLost: number; secondsLost: number; at: number; cause: string }[] {
    return [...this.replication.values()].flatMap((r) =>
      r.loss ? [{ databaseId: r.databaseId, ...r.loss }] : [],
    );
  }

  writeStream(databaseId: string, at: number): { written: number; applied: number } | undefined {
    const replication = this.replication.get(databaseId);
    if (!replication) return undefined;
    this.advance(replication, at);
    return {
      written: this.writesUpTo(replication, at),
      applied: Math.min(
        this.writesUpTo(replication, at),
        this.writesUpTo(replication, replication.appliedUpTo),
      ),
    };
  }

  /** Filled in by the world's faults: the status a promotion of this instance ends in, if it fails. */
  promotionFailure: (instance: DbInstance) => string | undefined = () => undefined;

  /** Filled in by the world: where ReplicaLag datapoints go. */
  onReplicaLag: (region: string, identifier: string, value: number, at: number) => void = () => {};

  /** Publishes the ReplicaLag history of a replica that has been replicating normally for `seconds`. */
  backfillReplicaLag(seconds: number): void {
    const now = this.context.clock.now();
    const period = this.context.timings.replicaLagMetricPeriodSeconds * 1000;
    for (let at = now - Math.floor((seconds * 1000) / period) * period; at < now; at += period) {
      for (const database of this.context.plan.databases) {
        const { region, identifier } = database.replica;
        this.onReplicaLag(region, identifier, Math.round(this.context.timings.replicaLagSeconds), at);
      }
    }
  }

  private publishReplicaLag(at: number): void {
    for (const database of this.context.plan.databases) {
      const replica = this.find(database.replica.region, database.replica.identifier);
      if (replica?.role !== 'replica') continue;
      const lag = this.replicaLagSeconds(database.id, at);
      if (lag !== undefined) this.onReplicaLag(replica.region, replica.identifier, lag, at);
    }
  }
}
