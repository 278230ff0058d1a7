import type { PlanDatabase } from '../../plan/schema.ts';
import type { WorldContext } from '../context.ts';
import { HeartbeatTable } from '../mysql/heartbeat-table.ts';
import type { Heartbeat } from '../mysql/store.ts';
import { AwsError } from '../protocol/errors.ts';
import { ParameterGroups } from './parameter-groups.ts';
import type { Tag } from './tags.ts';

/**
 * RDS as drctl sees it: each plan database is a primary instance in the primary region with a
 * cross-region read replica in the DR region. The primary takes a steady write stream; the
 * replica applies it `lag` seconds behind while its source is reachable. PromoteReadReplica
 * runs available → modifying → rebooting → available, and the instance stops naming a source
 * when replication ends (at the reboot). Instances created through the API (drill copies:
 * same-region read replicas of a replica, see lifecycle.ts) replicate from their source with a
 * lag of their own (a cascade, see `horizon`); every instance holds the write canary's
 * heartbeat table (local/mysql/heartbeat-table.ts) as far as it has applied it: a replica's
 * table takes its source's rows committed up to the replica's horizon whenever it is read
 * (`heartbeats`), so a heartbeat reaches the DR replica with its lag and a drill copy with the
 * copy's lag after that; a promoted instance keeps what it had and writes on from there.
 */
export type InstanceRole = 'primary' | 'replica' | 'standalone';

export interface DbInstance {
  identifier: string;
  /** The plan database it belongs to (an instance created through the API: its source's). */
  databaseId: string;
  /** What the plan made of it; undefined for instances created through the API (drill copies). */
  planRole: 'primary' | 'replica' | undefined;
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
  tags: Tag[];
  /** Days of automated backups (0: none; RDS creates read replicas with backups off). */
  backupRetention: number;
  deletionProtection: boolean;
  publiclyAccessible: boolean;
  availabilityZone: string;
  parameterGroupName: string;
  subnetGroupName: string | undefined;
  securityGroupIds: string[];
  port: number;
  /** The canary's heartbeat table as this instance holds it (read it through RdsModel.heartbeats). */
  heartbeats: HeartbeatTable;
}

/** A same-region replica's applied position on its writer's timeline (see RdsModel.horizon). */
interface Cascade {
  appliedUpTo: number;
  stoppedAt: number | undefined;
}

/** What a drill copy (or any cascading replica) had not applied from the primary when its replication ended. */
export interface ReplicationEnd {
  identifier: string;
  databaseId: string;
  at: number;
  /** promotion, deleted, or the deletion of its source. */
  cause: string;
  /** Seconds of the primary's writes it had not applied (its horizon behind the primary's timeline). */
  secondsBehindPrimary: number;
  writesBehindPrimary: number;
  lastHeartbeat: { seq: number; writtenAt: number } | null;
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
  private readonly cascades = new Map<string, Cascade>();
  private readonly ended: ReplicationEnd[] = [];
  readonly context: WorldContext;

  constructor(context: WorldContext) {
    this.context = context;
    this.parameterGroups = new ParameterGroups(context);
    const now = context.clock.now();
    for (const database of context.plan.databases) this.seed(database, now);
    for (const instance of this.instances.values()) this.parameterGroups.groupNameOf(instance);
    context.scheduler.every(context.timings.replicaLagMetricPeriodSeconds * 1000, (at) =>
      this.publishReplicaLag(at),
    );
  }

  key(region: string, identifier: string): string {
    return `${region}/${identifier.toLowerCase()}`;
  }

  arnOf(region: string, identifier: string): string {
    return `arn:aws:rds:${region}:${this.context.account}:db:${identifier}`;
  }

  private seed(database: PlanDatabase, now: number): void {
    const deployment = this.context.plan.deployment;
    // As the CDK app deploys them (infra/application): deletion protection, 7 days of backups on
    // the primary and on MySQL/MariaDB replicas (RDS keeps no automated backups of PostgreSQL
    // replicas), no public access, one parameter group per instance.
    const base = {
      databaseId: database.id,
      engine: database.engine,
      engineVersion: deployment?.engineVersion ?? (database.engine === 'postgres' ? '16.4' : '8.0.39'),
      instanceClass: deployment?.dbInstanceClass ?? 'db.t4g.medium',
      createdAt: new Date(now - 30 * 86_400_000),
      status: 'available',
      promotion: undefined,
      busyUntil: undefined,
      tags: [],
      deletionProtection: true,
      publiclyAccessible: false,
      subnetGroupName: `${this.context.plan.name}-databases`,
      securityGroupIds: [],
      port: database.engine === 'postgres' ? 5432 : 3306,
    };
    const primaryArn = this.arnOf(database.primary.region, database.primary.identifier);
    const replicaArn = this.arnOf(database.replica.region, database.replica.identifier);
    this.instances.set(this.key(database.primary.region, database.primary.identifier), {
      ...base,
      identifier: database.primary.identifier,
      planRole: 'primary',
      region: database.primary.region,
      availabilityZone: `${database.primary.region}a`,
      arn: primaryArn,
      role: 'primary',
      sourceArn: undefined,
      replicaArns: [replicaArn],
      backupRetention: 7,
      parameterGroupName: `${database.primary.identifier}-params`,
      heartbeats: new HeartbeatTable(),
    });
    this.instances.set(this.key(database.replica.region, database.replica.identifier), {
      ...base,
      identifier: database.replica.identifier,
      planRole: 'replica',
      region: database.replica.region,
      availabilityZone: `${database.replica.region}a`,
      arn: replicaArn,
      role: 'replica',
      sourceArn: primaryArn,
      replicaArns: [],
      backupRetention: database.engine === 'postgres' ? 0 : 7,
      parameterGroupName: `${database.replica.identifier}-params`,
      heartbeats: new HeartbeatTable(),
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

  byArn(arn: string | undefined): DbInstance | undefined {
    if (arn === undefined) return undefined;
    return [...this.instances.values()].find((instance) => instance.arn === arn);
  }

  /** The instance is still there and not being deleted (scheduled steps of a deleted one do nothing). */
  isLive(instance: DbInstance): boolean {
    return (
      this.instances.get(this.key(instance.region, instance.identifier)) === instance &&
      instance.status !== 'deleting'
    );
  }

  /** Adds an instance created through the API (lifecycle.ts); a replica of a same-region source cascades. */
  addInstance(instance: DbInstance): void {
    this.instances.set(this.key(instance.region, instance.identifier), instance);
    const source = this.byArn(instance.sourceArn);
    if (!source) return;
    source.replicaArns = [...source.replicaArns, instance.arn];
    // Created from a snapshot of the source: it starts where the source is now.
    this.cascades.set(this.key(instance.region, instance.identifier), {
      appliedUpTo: this.horizon(source, this.context.clock.now()),
      stoppedAt: undefined,
    });
  }

  /**
   * Removes a deleted instance. Its own read replicas are promoted to standalone instances, as RDS
   * does when a source is deleted without its replicas (RDS User Guide, "Deleting a read replica").
   */
  removeInstance(instance: DbInstance, at: number): void {
    for (const arn of instance.replicaArns) {
      const replica = this.byArn(arn);
      if (replica) {
        this.endReplication(replica, at, `source ${instance.identifier} deleted`);
        replica.role = 'standalone';
      }
    }
    this.endReplication(instance, at, 'deleted');
    this.instances.delete(this.key(instance.region, instance.identifier));
    this.cascades.delete(this.key(instance.region, instance.identifier));
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
      if (!this.isLive(instance)) return;
      this.endReplication(instance, at, 'promotion');
      this.setStatus(instance, 'rebooting', at);
    });
    scheduler.at(startedAt + total, (at) => {
      if (!this.isLive(instance)) return;
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

  setStatus(instance: DbInstance, status: string, at: number): void {
    instance.status = status;
    this.context.events.record(
      'rds.status',
      at,
      `${instance.identifier} is ${status}`,
      { identifier: instance.identifier, status },
      instance.region,
    );
  }

  /**
   * The replica stops applying (promoted, deleted, or its source deleted): it keeps what it had
   * applied, heartbeats included, and writes on from there. Its source forgets it.
   */
  private endReplication(instance: DbInstance, at: number, cause: string): void {
    if (instance.sourceArn === undefined) return;
    // What it had applied when replication ends is what it keeps.
    this.heartbeats(instance, at);
    if (this.isPlanReplication(instance)) {
      const replication = this.replication.get(instance.databaseId);
      if (replication && replication.stoppedAt === undefined) {
        this.advance(replication, at);
        replication.stoppedAt = at;
        this.recordLoss(replication, at, cause);
      }
    } else {
      this.endCascade(instance, at, cause);
    }
    const source = this.byArn(instance.sourceArn);
    if (source) source.replicaArns = source.replicaArns.filter((arn) => arn !== instance.arn);
    instance.sourceArn = undefined;
  }

  private endCascade(instance: DbInstance, at: number, cause: string): void {
    const cascade = this.cascades.get(this.key(instance.region, instance.identifier));
    if (!cascade || cascade.stoppedAt !== undefined) return;
    const horizon = this.horizon(instance, at);
    cascade.stoppedAt = at;
    const last = this.lastHeartbeat(instance, at);
    const replication = this.replication.get(instance.databaseId);
    const written = replication ? this.writesUpTo(replication, at) : 0;
    const applied = replication ? Math.min(written, this.writesUpTo(replication, horizon)) : 0;
    const end: ReplicationEnd = {
      identifier: instance.identifier,
      databaseId: instance.databaseId,
      at,
      cause,
      secondsBehindPrimary: Math.max(0, (at - horizon) / 1000),
      writesBehindPrimary: written - applied,
      lastHeartbeat: last ? { seq: last.seq, writtenAt: last.writtenAt } : null,
    };
    this.ended.push(end);
    this.context.events.record(
      'rds.replication-ended',
      at,
      `${instance.identifier} stops replicating (${cause}): ${end.writesBehindPrimary} writes (${end.secondsBehindPrimary.toFixed(1)} s) of the primary's not applied; last heartbeat ${last ? `#${last.seq}` : 'none'}`,
      { ...end },
      instance.region,
    );
  }

  /** Every cascading replica's end of replication (drill copies promoted or deleted), oldest first. */
  replicationEnds(): ReplicationEnd[] {
    return this.ended.map((end) => ({ ...end }));
  }

  // ---- replication chains and heartbeats -------------------------------------------------------

  /** The plan's cross-region replica, replicating from the plan's primary (the write stream's replica). */
  private isPlanReplication(instance: DbInstance): boolean {
    const database = this.context.plan.databases.find((db) => db.id === instance.databaseId);
    return (
      database !== undefined &&
      instance.planRole === 'replica' &&
      instance.sourceArn === this.arnOf(database.primary.region, database.primary.identifier)
    );
  }

  /**
   * How far the instance has applied its writer's changes, as an instant of the writer's
   * timeline: now for a writer; the write stream's applied position for the plan's replica; for
   * a cascading replica, its source's position as it was `cascadingReplicaLagSeconds` ago
   * (approximated from the source's position and nominal lag now, so that it catches up with a
   * source that stopped moving), never going back.
   */
  horizon(instance: DbInstance, at: number): number {
    if (instance.sourceArn === undefined) return at;
    if (this.isPlanReplication(instance)) {
      const replication = this.replication.get(instance.databaseId);
      if (!replication) return at;
      this.advance(replication, at);
      return replication.appliedUpTo;
    }
    const cascade = this.cascades.get(this.key(instance.region, instance.identifier));
    const source = this.byArn(instance.sourceArn);
    if (!cascade) return at;
    if (cascade.stoppedAt === undefined && source) {
      const target = Math.min(
        this.horizon(source, at),
        at - this.context.timings.cascadingReplicaLagSeconds * 1000 - this.nominalLagMs(source, at),
      );
      if (target > cascade.appliedUpTo) cascade.appliedUpTo = target;
    }
    return cascade.appliedUpTo;
  }

  /** The lag an instance replicates with when its source moves (0 for a writer). */
  private nominalLagMs(instance: DbInstance, at: number): number {
    if (instance.sourceArn === undefined) return 0;
    const source = this.byArn(instance.sourceArn);
    if (this.isPlanReplication(instance)) {
      const replication = this.replication.get(instance.databaseId);
      return replication ? this.lagMs(replication, at) : 0;
    }
    return (
      this.context.timings.cascadingReplicaLagSeconds * 1000 + (source ? this.nominalLagMs(source, at) : 0)
    );
  }

  /**
   * The instance's heartbeat table at `at`: a replica first applies what its source holds (its
   * source brought up to date first) up to its own horizon, in commit order.
   */
  heartbeats(instance: DbInstance, at: number): HeartbeatTable {
    const source = this.byArn(instance.sourceArn);
    if (source && this.isReplicating(instance)) {
      instance.heartbeats.replicateFrom(this.heartbeats(source, at), this.horizon(instance, at));
    }
    return instance.heartbeats;
  }

  lastHeartbeat(instance: DbInstance, at: number, atOrBefore?: number): Heartbeat | undefined {
    return this.heartbeats(instance, at).last(atOrBefore);
  }

  /** Still applying its source's changes (not promoted, not cut off for good). */
  private isReplicating(instance: DbInstance): boolean {
    if (instance.sourceArn === undefined) return false;
    if (this.isPlanReplication(instance))
      return this.replication.get(instance.databaseId)?.stoppedAt === undefined;
    return this.cascades.get(this.key(instance.region, instance.identifier))?.stoppedAt === undefined;
  }

  /**
   * ReplicaLag as RDS reports it for an instance: the plan's replica as before (-1 while its
   * source is unreachable); a cascading replica's lag behind its immediate source (MySQL 8.0
   * measures from the immediate source's commit timestamps: 0 once it has applied everything its
   * source holds); undefined for an instance that does not replicate.
   */
  lagOf(instance: DbInstance, at: number): number | undefined {
    if (instance.sourceArn === undefined || instance.role !== 'replica') return undefined;
    if (this.isPlanReplication(instance)) return this.replicaLagSeconds(instance.databaseId, at);
    const source = this.byArn(instance.sourceArn);
    if (!source) return undefined;
    return Math.round(Math.max(0, this.horizon(source, at) - this.horizon(instance, at)) / 1000);
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

  /** Filled in by the world's faults: the status a creation of this instance ends in, if it fails. */
  creationFailure: (instance: DbInstance) => string | undefined = () => undefined;

  /** Filled in by the world: an instance was created through the API (its MySQL endpoint opens). */
  onInstanceAdded: (instance: DbInstance) => void = () => {};

  /** Filled in by the world: the loopback MySQL endpoint serving the instance, if one runs. */
  endpointOf: (instance: DbInstance) => { host: string; port: number } | undefined = () => undefined;

  /** Filled in by the world: an instance is gone (its MySQL endpoint closes). */
  onInstanceRemoved: (instance: DbInstance) => void = () => {};

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
    // Cascading replicas (drill copies) publish their own lag once they are available.
    for (const instance of this.instances.values()) {
      if (instance.planRole !== undefined || instance.status !== 'available') continue;
      if (!this.context.isRegionUp(instance.region)) continue;
      const lag = this.lagOf(instance, at);
      if (lag !== undefined) this.onReplicaLag(instance.region, instance.identifier, lag, at);
    }
  }
}
