import type { RequestContext, ServiceName } from './protocol/server.ts';
import type { CountedKind } from './request-counts.ts';

/**
 * The mutating calls the world answered and the resources each one touched, as an auditor would
 * list them from CloudTrail's write events (eventName, requestParameters' resource, errorCode):
 * a test asks "which calls changed, or tried to change, which resources" (issue 13: a drill
 * makes none on production resources). Each mutating operation names its resources on the
 * request context (`touch`); a call refused before it reached its operation (an outage,
 * throttling, a malformed request) names none.
 *
 * Resource names are ARNs where AWS has them (RDS instances and parameter groups, ECS services,
 * alarms, topics, state machines and executions, SSM parameters, S3 buckets and objects); the
 * world's own names where AWS has none:
 * - a Route 53 record set: `route53:<zone id>/<fqdn>|<type>|<set identifier or ->`;
 * - a CloudWatch metric: `cloudwatch:<region>:<namespace>/<metric name>{Name=Value,...}` (sorted).
 */
export interface Mutation {
  /** Simulated ms the answer was sent. */
  at: number;
  service: ServiceName;
  region: string;
  operation: string;
  resources: string[];
  /** ok, refused, or the error code answered. */
  outcome: string;
  kind: CountedKind;
  /** The access key that signed the request, when it was signed. */
  caller: string | undefined;
}

/** The operations of each service that change something (read-only ones are not listed). */
export const MUTATING_OPERATIONS: Record<ServiceName, ReadonlySet<string>> = {
  rds: new Set([
    'PromoteReadReplica',
    'ModifyDBParameterGroup',
    'CreateDBInstanceReadReplica',
    'DeleteDBInstance',
    'AddTagsToResource',
    'RemoveTagsFromResource',
  ]),
  ecs: new Set(['UpdateService']),
  route53: new Set(['ChangeResourceRecordSets']),
  sns: new Set(['Publish', 'CreateTopic']),
  cloudwatch: new Set(['PutMetricData', 'PutMetricAlarm', 'DeleteAlarms']),
  sfn: new Set(['StartExecution', 'StopExecution']),
  ssm: new Set(['PutParameter', 'DeleteParameter']),
  lambda: new Set(),
  s3: new Set(['CreateBucket', 'PutObject', 'DeleteObject', 'PutBucketVersioning']),
  secretsmanager: new Set(),
  sts: new Set(),
};

export const isMutating = (service: ServiceName, operation: string): boolean =>
  MUTATING_OPERATIONS[service]?.has(operation) ?? false;

/** An operation names the resources it changes (or tries to). */
export function touch(context: RequestContext, ...resources: string[]): void {
  context.resources = [...(context.resources ?? []), ...resources];
}

export function recordResource(zoneId: string, name: string, type: string, setIdentifier?: string): string {
  return `route53:${zoneId}/${name.toLowerCase()}|${type}|${setIdentifier ?? '-'}`;
}

export function metricResource(
  region: string,
  namespace: string,
  metricName: string,
  dimensions: readonly { Name: string; Value: string }[],
): string {
  const dims = [...dimensions]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((d) => `${d.Name}=${d.Value}`)
    .join(',');
  return `cloudwatch:${region}:${namespace}/${metricName}{${dims}}`;
}

/** How many mutations the ledger keeps (the oldest go first): a simulated day of drills fits. */
export const LEDGER_CAPACITY = 50_000;

export class MutationLedger {
  private readonly entries: Mutation[] = [];

  record(mutation: Mutation): void {
    this.entries.push({ ...mutation, resources: [...mutation.resources] });
    if (this.entries.length > LEDGER_CAPACITY) this.entries.splice(0, this.entries.length - LEDGER_CAPACITY);
  }

  /** Mutations in a simulated window (inclusive; default: all kept). */
  list(window: { from?: number | Date; to?: number | Date } = {}): Mutation[] {
    const from = toMs(window.from) ?? Number.NEGATIVE_INFINITY;
    const to = toMs(window.to) ?? Number.POSITIVE_INFINITY;
    return this.entries
      .filter((m) => m.at >= from && m.at <= to)
      .map((m) => ({ ...m, resources: [...m.resources] }));
  }

  /** Mutations whose resources include one `matches` accepts. */
  touching(
    matches: (resource: string) => boolean,
    window: { from?: number | Date; to?: number | Date } = {},
  ): Mutation[] {
    return this.list(window).filter((m) => m.resources.some(matches));
  }
}

function toMs(value: number | Date | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}
