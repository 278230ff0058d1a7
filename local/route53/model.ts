import { randomBytes } from 'node:crypto';
import { stripDot } from '../../plan/schema.ts';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';

/**
 * Route 53: the plan's hosted zone and record, change batches validated as Route 53 does
 * (all-or-nothing, InvalidChangeBatch naming the offending record), changes PENDING → INSYNC,
 * and what a resolver gets: a new value reaches every client only when the change is in sync
 * and the old answer's TTL has run out.
 */
export interface RecordSet {
  name: string;
  type: string;
  ttl?: number;
  setIdentifier?: string;
  weight?: number;
  values: string[];
}

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
  records: RecordSet[];
}

export interface ChangeAction {
  action: 'CREATE' | 'DELETE' | 'UPSERT';
  record: RecordSet;
}

/** What resolvers answer for a name, from when. */
interface Publication {
  values: RecordSet[];
  /** Every resolver has this answer from here on (in sync + previous TTL). */
  effectiveAt: number;
}

export const fqdn = (name: string): string => `${stripDot(name).toLowerCase()}.`;

export class Route53Model {
  readonly zones = new Map<string, HostedZone>();
  readonly changes = new Map<string, Change>();
  private readonly publications = new Map<string, Publication[]>();
  private readonly context: WorldContext;
  /** Filled in by the world's faults: a reason to reject the next change batch, if any. */
  rejectChange: () => string | undefined = () => undefined;

  constructor(context: WorldContext) {
    this.context = context;
    const { dns, application } = context.plan;
    const zoneName = fqdn(dns.zoneName);
    const record = fqdn(dns.record);
    const records: RecordSet[] = [
      { name: zoneName, type: 'NS', ttl: 172_800, values: ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk.'] },
      {
        name: zoneName,
        type: 'SOA',
        ttl: 900,
        values: ['ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'],
      },
    ];
    if (dns.strategy === 'weighted') {
      records.push(
        {
          name: record,
          type: dns.type,
          ttl: dns.ttl,
          setIdentifier: 'primary',
          weight: 100,
          values: [application.primary.target],
        },
        {
          name: record,
          type: dns.type,
          ttl: dns.ttl,
          setIdentifier: 'dr',
          weight: 0,
          values: [application.dr.target],
        },
      );
    } else {
      records.push({ name: record, type: dns.type, ttl: dns.ttl, values: [application.primary.target] });
    }
    this.zones.set(dns.hostedZoneId, { id: dns.hostedZoneId, name: zoneName, records });
    this.publications.set(this.nameKey(record, dns.type), [
      { values: records.filter((r) => r.name === record), effectiveAt: Number.NEGATIVE_INFINITY },
    ]);
  }

  private nameKey(name: string, type: string): string {
    return `${fqdn(name)}|${type}`;
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

  /** Applies a change batch atomically or rejects it whole with InvalidChangeBatch. */
  submit(zoneId: string, actions: ChangeAction[], comment: string | undefined): Change {
    const zone = this.zone(zoneId);
    const { clock, events, random, timings, scheduler } = this.context;
    const now = clock.now();
    const problems: string[] = [];
    const injected = this.rejectChange();
    if (injected !== undefined) problems.push(injected);
    if (actions.length === 0) problems.push('ChangeBatch must contain at least one change');
    const next = zone.records.map((r) => ({ ...r, values: [...r.values] }));
    const same = (a: RecordSet, b: RecordSet) =>
      a.name === b.name && a.type === b.type && (a.setIdentifier ?? '') === (b.setIdentifier ?? '');
    const describe = (r: RecordSet) =>
      `[name='${r.name}', type='${r.type}'${r.setIdentifier === undefined ? '' : `, set-identifier='${r.setIdentifier}'`}]`;
    for (const { record } of actions) {
      // Malformed record sets are rejected as invalid input before any batch logic, as Route 53 does.
      if (record.ttl === undefined) {
        throw new AwsError('InvalidInput', `Invalid request: Expected TTL for the record set ${record.name}`);
      }
      if ((record.setIdentifier === undefined) !== (record.weight === undefined)) {
        throw new AwsError(
          'InvalidInput',
          `Invalid request: a weighted record set needs both SetIdentifier and Weight (${record.name})`,
        );
      }
    }
    for (const { action, record } of actions) {
      record.name = fqdn(record.name);
      if (record.name !== zone.name && !record.name.endsWith(`.${zone.name}`)) {
        problems.push(`RRSet with DNS name ${record.name} is not permitted in zone ${zone.name}`);
        continue;
      }
      if (record.values.length === 0) {
        problems.push(
          `Tried to ${action.toLowerCase()} resource record set ${describe(record)} without any ResourceRecords`,
        );
        continue;
      }
      if (record.type === 'CNAME' && record.values.length > 1) {
        problems.push(
          `RRSet of type CNAME with DNS name ${record.name} is not permitted because it contains more than one resource record`,
        );
        continue;
      }
      const index = next.findIndex((existing) => same(existing, record));
      const existing = index >= 0 ? next[index] : undefined;
      if (action === 'CREATE') {
        if (existing)
          problems.push(`Tried to create resource record set ${describe(record)} but it already exists`);
        else next.push(record);
      } else if (action === 'DELETE') {
        if (!existing)
          problems.push(`Tried to delete resource record set ${describe(record)} but it was not found`);
        else if (!sameContent(existing, record)) {
          problems.push(
            `Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`,
          );
        } else next.splice(index, 1);
      } else if (existing) next[index] = record;
      else next.push(record);
    }
    // Simple and weighted record sets cannot share a name and type.
    for (const record of next) {
      const mixed = next.some(
        (other) =>
          other.name === record.name &&
          other.type === record.type &&
          (other.setIdentifier === undefined) !== (record.setIdentifier === undefined),
      );
      if (mixed && record.setIdentifier === undefined) {
        problems.push(
          `RRSet with DNS name ${record.name}, type ${record.type} cannot be created because a record set with the same name and type but a different routing policy exists`,
        );
      }
    }
    // A name may hold a CNAME only if it holds nothing else.
    for (const record of next) {
      if (
        record.type === 'CNAME' &&
        next.some((other) => other.name === record.name && other.type !== 'CNAME')
      ) {
        problems.push(
          `RRSet of type CNAME with DNS name ${record.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
        );
      }
    }
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
    const touched = [...new Set(actions.map((a) => this.nameKey(a.record.name, a.record.type)))];
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
      for (const key of touched) this.publish(zone, key, at);
      events.record('route53.change-insync', at, `change ${change.id} is INSYNC`, {
        changeId: change.id,
        seconds: (at - now) / 1000,
      });
    });
    return change;
  }

  private publish(zone: HostedZone, key: string, at: number): void {
    const [name, type] = key.split('|') as [string, string];
    const history = this.publications.get(key) ?? [];
    const previous = history.at(-1);
    const previousTtl = Math.max(0, ...(previous?.values.map((r) => r.ttl ?? 0) ?? [0]));
    history.push({
      values: zone.records.filter((r) => r.name === name && r.type === type).map((r) => ({ ...r })),
      effectiveAt: at + previousTtl * 1000,
    });
    this.publications.set(key, history);
  }

  /**
   * The target a resolver's client reaches for the plan's record at `at`, worst case (a cache
   * filled just before the change went in sync). Weighted records: the one with most weight.
   */
  resolve(at: number): string | undefined {
    const { dns } = this.context.plan;
    const history = this.publications.get(this.nameKey(dns.record, dns.type)) ?? [];
    const current = [...history].reverse().find((p) => p.effectiveAt <= at);
    const records = current?.values ?? [];
    const chosen = [...records].sort((a, b) => (b.weight ?? 1) - (a.weight ?? 1))[0];
    if (!chosen || (chosen.weight !== undefined && chosen.weight === 0)) return undefined;
    return chosen.values[0];
  }
}

function sameContent(a: RecordSet, b: RecordSet): boolean {
  const values = (r: RecordSet) =>
    [...r.values]
      .map((v) => stripDot(v).toLowerCase())
      .sort()
      .join(',');
  return a.ttl === b.ttl && (a.weight ?? null) === (b.weight ?? null) && values(a) === values(b);
}
