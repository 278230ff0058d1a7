import { randomBytes } from 'node:crypto';
import { drillRecordName } from '../../plan/names.ts';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';
import { AnswerTimeline } from './answer-timeline.ts';
import { applyChange, type ChangeAction, refuseMalformed, zoneProblems } from './change-validation.ts';
import { chooseRecord, fqdn, type RecordSet, seedRecords } from './records.ts';

export type { ChangeAction } from './change-validation.ts';
export { fqdn, type RecordSet } from './records.ts';

/**
 * Route 53: the plan's hosted zone, change batches validated as Route 53 does (all-or-nothing,
 * InvalidInput for a malformed record set, InvalidChangeBatch naming the offending record),
 * changes PENDING → INSYNC, and the data plane: the authoritative answers (the record sets in
 * sync, chosen by routing policy and by health-check status as the DNS servers see it) and what
 * a resolver's client gets, the old answer's TTL included.
 */
export interface Change {
  id: string;
  status: 'PENDING' | 'INSYNC';
  submittedAt: Date;
  insyncAt: number;
  comment?: string;
}

export interface HostedZone {
  id: string;
  name: string;
  /** The zone as the control plane holds it (changes apply here at once). */
  records: RecordSet[];
}

export class Route53Model {
  readonly zones = new Map<string, HostedZone>();
  readonly changes = new Map<string, Change>();
  private readonly context: WorldContext;
  /** Record sets as the DNS servers serve them, per name|type (changes land here at INSYNC). */
  private readonly served = new Map<string, RecordSet[]>();
  /** Health-check status as the DNS servers see it (a change reaches them after a delay). */
  private readonly visibleHealth = new Map<string, boolean>();
  private readonly planRecord: AnswerTimeline;
  /** The drill name's answers (drills.recordName), watched like the public record's. */
  private readonly drillRecord: { name: string; timeline: AnswerTimeline } | undefined;
  /** Filled in by the world's faults: a reason to reject the next change batch, if any. */
  rejectChange: () => string | undefined = () => undefined;
  /** Filled in by the world: whether a health check with this id exists. */
  healthCheckExists: (id: string) => boolean = () => false;

  constructor(context: WorldContext) {
    this.context = context;
    const { dns } = context.plan;
    const records = seedRecords(context.plan);
    this.zones.set(dns.hostedZoneId, { id: dns.hostedZoneId, name: fqdn(dns.zoneName), records });
    for (const record of records) {
      const key = nameKey(record.name, record.type);
      this.served.set(key, [...(this.served.get(key) ?? []), { ...record }]);
    }
    this.planRecord = new AnswerTimeline(this.authoritativeAnswer());
    const drillName = fqdn(drillRecordName(context.plan));
    this.drillRecord = records.some((r) => r.name === drillName)
      ? {
          name: drillName,
          timeline: new AnswerTimeline(this.answerFor(drillName, 'CNAME', context.plan.dns.ttl)),
        }
      : undefined;
  }

  zone(id: string): HostedZone {
    const zone = this.zones.get(id.replace(/^\/?hostedzone\//, ''));
    if (!zone) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
    return zone;
  }

  change(id: string): Change {
    const change = this.changes.get(id.replace(/^\/?change\//, ''));
    if (!change)
      throw new AwsError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, 404);
    return change;
  }

  /** Applies a change batch atomically or rejects it whole (InvalidInput / InvalidChangeBatch). */
  submit(zoneId: string, actions: ChangeAction[], comment: string | undefined): Change {
    const zone = this.zone(zoneId);
    const { clock, events, random, timings, scheduler } = this.context;
    const now = clock.now();
    for (const { record } of actions) record.name = fqdn(record.name);
    refuseMalformed(actions, (id) => this.healthCheckExists(id));
    const problems: string[] = [];
    const injected = this.rejectChange();
    if (injected !== undefined) problems.push(injected);
    if (actions.length === 0) problems.push('ChangeBatch must contain at least one change');
    const next = zone.records.map((r) => ({ ...r, values: [...r.values] }));
    for (const change of actions) {
      const problem = applyChange(next, change, zone.name);
      if (problem !== undefined) problems.push(problem);
    }
    if (problems.length === 0) problems.push(...zoneProblems(next, zone.name));
    if (problems.length > 0) {
      events.record('route53.change-rejected', now, `change batch rejected: ${problems.join('; ')}`, {
        zoneId,
        problems,
      });
      throw new AwsError('InvalidChangeBatch', problems.map((p) => `[${p}]`).join(', '));
    }
    zone.records = next;
    const [min, max] = timings.dnsInsyncSeconds;
    const change: Change = {
      id: `C${randomBytes(10).toString('hex').toUpperCase()}`.slice(0, 21),
      status: 'PENDING',
      submittedAt: new Date(now),
      insyncAt: now + Math.round(random.between(min, max) * 1000),
      ...(comment === undefined ? {} : { comment }),
    };
    this.changes.set(change.id, change);
    const touched = [...new Set(actions.map((a) => nameKey(a.record.name, a.record.type)))];
    events.record(
      'route53.change-submitted',
      now,
      `change ${change.id} submitted (${actions.map((a) => a.action).join(', ')})`,
      {
        changeId: change.id,
        zoneId,
        actions: actions.map((a) => ({
          action: a.action,
          name: a.record.name,
          type: a.record.type,
          values: a.record.values,
        })),
      },
    );
    scheduler.at(change.insyncAt, (at) => {
      change.status = 'INSYNC';
      for (const key of touched) {
        const [name, type] = key.split('|') as [string, string];
        this.served.set(
          key,
          zone.records.filter((r) => r.name === name && r.type === type).map((r) => ({ ...r })),
        );
      }
      events.record('route53.change-insync', at, `change ${change.id} is INSYNC`, {
        changeId: change.id,
        seconds: (at - now) / 1000,
      });
      this.refreshPlanRecord(at, `change ${change.id} in sync`);
    });
    return change;
  }

  /** The health-check statuses the DNS servers start with (the world's history, before its start). */
  seedHealth(statuses: readonly { id: string; healthy: boolean }[], at: number): void {
    for (const { id, healthy } of statuses) this.visibleHealth.set(id, healthy);
    this.refreshPlanRecord(at, 'health-check statuses at the start');
  }

  /** A health-check status has reached the DNS servers. */
  healthVisible(healthCheckId: string, healthy: boolean, at: number): void {
    if (this.visibleHealth.get(healthCheckId) === healthy) return;
    this.visibleHealth.set(healthCheckId, healthy);
    this.refreshPlanRecord(at, `health check ${healthCheckId} ${healthy ? 'healthy' : 'unhealthy'}`);
  }

  /**
   * Whether the DNS servers hold `name`: `outside` every hosted zone, `absent` from its zone, or
   * `exists` (records at the name, or only below it: an empty non-terminal).
   */
  nameState(name: string): 'outside' | 'absent' | 'exists' {
    const wanted = fqdn(name);
    const zone = [...this.zones.values()].find((z) => wanted === z.name || wanted.endsWith(`.${z.name}`));
    if (!zone) return 'outside';
    for (const [key, records] of this.served) {
      if (records.length === 0) continue;
      const held = key.slice(0, key.indexOf('|'));
      if (held === wanted || held.endsWith(`.${wanted}`)) return 'exists';
    }
    return 'absent';
  }

  /** The record set the authoritative servers answer for a name and type now (routing policy applied). */
  servedRecord(name: string, type: string): RecordSet | undefined {
    return chooseRecord(this.served.get(nameKey(name, type)) ?? [], (id) => this.isVisiblyHealthy(id));
  }

  /** The record types the DNS servers hold at `name`. */
  servedTypes(name: string): string[] {
    const prefix = `${fqdn(name)}|`;
    return [...this.served.entries()]
      .filter(([key, records]) => key.startsWith(prefix) && records.length > 0)
      .map(([key]) => key.slice(prefix.length));
  }

  /**
   * The target a resolver's client reaches for the plan's record at `at`, worst case (a cache
   * filled just before the authoritative answer changed).
   */
  resolve(at: number): string | undefined {
    return this.planRecord.clientView(at).value;
  }

  /** Every target some client may reach for the plan's record at `at` (new answers and cached old ones). */
  reachableTargets(at: number): Set<string> {
    return new Set([...this.planRecord.valuesAt(at)].map((v) => v.replace(/\.$/, '').toLowerCase()));
  }

  /** The plan record's TTL as answered to clients at `at`. */
  resolvedTtl(at: number): number {
    return this.planRecord.clientView(at).ttl;
  }

  /**
   * What a resolver's client gets for a watched name at `at`, worst case (the previous answer's
   * TTL included): the public record or the drill name. Undefined for another name.
   */
  clientAnswer(name: string, at: number): { value: string | undefined; ttl: number } | undefined {
    const wanted = fqdn(name);
    if (wanted === fqdn(this.context.plan.dns.record)) return this.planRecord.clientView(at);
    if (this.drillRecord && wanted === this.drillRecord.name) return this.drillRecord.timeline.clientView(at);
    return undefined;
  }

  /** The drill name's target as a resolver's client reaches it at `at` (worst case), if deployed. */
  resolveDrillName(at: number): string | undefined {
    return this.drillRecord?.timeline.clientView(at).value;
  }

  private isVisiblyHealthy(id: string): boolean {
    return this.visibleHealth.get(id) ?? true;
  }

  private authoritativeAnswer(): { value: string | undefined; ttl: number } {
    const { dns } = this.context.plan;
    return this.answerFor(dns.record, dns.type, dns.ttl);
  }

  private answerFor(name: string, type: string, ttl: number): { value: string | undefined; ttl: number } {
    const records = this.served.get(nameKey(name, type)) ?? [];
    const chosen = chooseRecord(records, (id) => this.isVisiblyHealthy(id));
    return { value: chosen?.values[0], ttl: chosen?.ttl ?? ttl };
  }

  private refreshPlanRecord(at: number, cause: string): void {
    this.refreshDrillRecord(at, cause);
    const before = this.planRecord.current().value;
    const { value, ttl } = this.authoritativeAnswer();
    if (!this.planRecord.change(at, value, ttl)) return;
    const { dns } = this.context.plan;
    this.context.events.record(
      'dns.answer-changed',
      at,
      `Route 53 answers ${dns.record} with ${value ?? 'nothing'} (was ${before ?? 'nothing'}): ${cause}`,
      { record: fqdn(dns.record), from: before ?? null, to: value ?? null, ttl, cause },
    );
  }

  private refreshDrillRecord(at: number, cause: string): void {
    const drill = this.drillRecord;
    if (!drill) return;
    const before = drill.timeline.current().value;
    const { value, ttl } = this.answerFor(drill.name, 'CNAME', this.context.plan.dns.ttl);
    if (!drill.timeline.change(at, value, ttl)) return;
    this.context.events.record(
      'dns.drill-answer-changed',
      at,
      `Route 53 answers ${drill.name} with ${value ?? 'nothing'} (was ${before ?? 'nothing'}): ${cause}`,
      { record: drill.name, from: before ?? null, to: value ?? null, ttl, cause },
    );
  }
}

function nameKey(name: string, type: string): string {
  return `${fqdn(name)}|${type}`;
}
