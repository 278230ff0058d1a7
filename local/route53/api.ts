import { XMLParser } from 'fast-xml-parser';
import type { CloudWatchModel } from '../cloudwatch/model.ts';
import { AwsError } from '../protocol/errors.ts';
import type { RestXmlRequest, RestXmlResponse, RestXmlService } from '../protocol/server.ts';
import { list, type XmlObject } from '../protocol/xml.ts';
import type { AnyHealthCheck, HealthChecks } from './health-checks.ts';
import { type Change, type ChangeAction, fqdn, type RecordSet, type Route53Model } from './model.ts';

/** Route 53 restXml operations (API version 2013-04-01). */
export function route53Api(
  route53: Route53Model,
  healthChecks: HealthChecks,
  cloudWatch?: CloudWatchModel,
): RestXmlService {
  const parser = new XMLParser({
    parseTagValue: false,
    ignoreAttributes: true,
    isArray: (name) => name === 'Change' || name === 'ResourceRecord',
  });
  const routes: {
    method: string;
    pattern: RegExp;
    operation: string;
    run: (match: RegExpExecArray, request: RestXmlRequest) => RestXmlResponse;
  }[] = [
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      operation: 'ListResourceRecordSets',
      run: (match, request) => listRecordSets(route53, decodeURIComponent(match[1] as string), request.query),
    },
    {
      method: 'POST',
      pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      operation: 'ChangeResourceRecordSets',
      run: (match, request) => {
        const document = parser.parse(request.body) as Record<string, unknown>;
        const batch = (
          document.ChangeResourceRecordSetsRequest as { ChangeBatch?: Record<string, unknown> } | undefined
        )?.ChangeBatch;
        if (!batch) throw new AwsError('InvalidInput', 'ChangeBatch is required');
        const actions = parseChanges(batch);
        const change = route53.submit(
          decodeURIComponent(match[1] as string),
          actions,
          batch.Comment as string | undefined,
        );
        return { root: 'ChangeResourceRecordSetsResponse', body: { ChangeInfo: changeInfo(change) } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/change\/([^/]+)$/,
      operation: 'GetChange',
      run: (match) => ({
        root: 'GetChangeResponse',
        body: { ChangeInfo: changeInfo(route53.change(decodeURIComponent(match[1] as string))) },
      }),
    },
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
      operation: 'GetHostedZone',
      run: (match) => {
        const zone = route53.zone(decodeURIComponent(match[1] as string));
        return {
          root: 'GetHostedZoneResponse',
          body: {
            HostedZone: {
              Id: `/hostedzone/${zone.id}`,
              Name: zone.name,
              CallerReference: zone.id,
              Config: { PrivateZone: false },
              ResourceRecordSetCount: zone.records.length,
            },
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/healthcheck\/?$/,
      operation: 'ListHealthChecks',
      run: () => ({
        root: 'ListHealthChecksResponse',
        body: {
          HealthChecks: list(
            'HealthCheck',
            healthChecks.all().map((check) => healthCheckXml(check, cloudWatch)),
          ),
          Marker: '',
          IsTruncated: false,
          MaxItems: 100,
        },
      }),
    },
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/healthcheck\/([^/]+)\/status$/,
      operation: 'GetHealthCheckStatus',
      run: (match) => {
        const check = findCheck(healthChecks, match[1] as string);
        return {
          root: 'GetHealthCheckStatusResponse',
          body: {
            HealthCheckObservations: list(
              'HealthCheckObservation',
              checkerRegions(check).map((region, i) => ({
                Region: region,
                IPAddress: `15.177.${i}.1`,
                StatusReport: {
                  Status: check.lastReport,
                  CheckedTime: check.lastCheckedAt === undefined ? undefined : new Date(check.lastCheckedAt),
                },
              })),
            ),
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/healthcheck\/([^/]+)$/,
      operation: 'GetHealthCheck',
      run: (match) => ({
        root: 'GetHealthCheckResponse',
        body: { HealthCheck: healthCheckXml(findCheck(healthChecks, match[1] as string), cloudWatch) },
      }),
    },
  ];
  return {
    service: 'route53',
    pathPrefix: '/2013-04-01/',
    xmlNamespace: 'https://route53.amazonaws.com/doc/2013-04-01/',
    route(request) {
      for (const route of routes) {
        const match = route.pattern.exec(request.path);
        if (match && route.method === request.method) {
          return { operation: route.operation, run: async () => route.run(match, request) };
        }
      }
      return undefined;
    },
  };
}

function findCheck(healthChecks: HealthChecks, id: string): AnyHealthCheck {
  const check = healthChecks.find(id);
  if (!check) throw new AwsError('NoSuchHealthCheck', `A health check with id ${id} does not exist.`, 404);
  return check;
}

/** Endpoint checks are probed from several checker regions; an alarm check is read by one. */
function checkerRegions(check: AnyHealthCheck): string[] {
  return check.kind === 'endpoint' ? ['us-east-1', 'us-west-1', 'eu-west-1'] : [check.alarmRegion];
}

function healthCheckXml(check: AnyHealthCheck, cloudWatch: CloudWatchModel | undefined): XmlObject {
  if (check.kind === 'alarm') return alarmHealthCheckXml(check, cloudWatch);
  const url = new URL(check.url);
  return {
    Id: check.id,
    CallerReference: `drctl-${check.role}`,
    HealthCheckConfig: {
      Port: Number(url.port || 443),
      Type: url.protocol === 'https:' ? 'HTTPS' : 'HTTP',
      ResourcePath: url.pathname,
      FullyQualifiedDomainName: url.hostname,
      RequestInterval: check.intervalSeconds,
      FailureThreshold: check.failureThreshold,
      MeasureLatency: false,
      Inverted: false,
      Disabled: false,
      EnableSNI: url.protocol === 'https:',
    },
    HealthCheckVersion: 1,
  };
}

/** A CLOUDWATCH_METRIC check: its alarm and, as Route 53 shows it, the alarm's configuration. */
function alarmHealthCheckXml(
  check: Extract<AnyHealthCheck, { kind: 'alarm' }>,
  cloudWatch: CloudWatchModel | undefined,
): XmlObject {
  const alarm = cloudWatch?.findAlarm(check.alarmRegion, check.alarmName);
  return {
    Id: check.id,
    CallerReference: `drctl-${check.role}`,
    HealthCheckConfig: {
      Type: 'CLOUDWATCH_METRIC',
      Inverted: false,
      Disabled: false,
      AlarmIdentifier: { Region: check.alarmRegion, Name: check.alarmName },
      InsufficientDataHealthStatus: check.insufficientDataHealthStatus,
    },
    HealthCheckVersion: 1,
    CloudWatchAlarmConfiguration: alarm
      ? {
          EvaluationPeriods: alarm.evaluationPeriods,
          Threshold: alarm.threshold,
          ComparisonOperator: alarm.comparison,
          Period: alarm.period,
          MetricName: alarm.metricName,
          Namespace: alarm.namespace,
          Statistic: alarm.statistic,
          Dimensions: list(
            'Dimension',
            alarm.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })),
          ),
        }
      : undefined,
  };
}

function changeInfo(change: Change): XmlObject {
  return {
    Id: `/change/${change.id}`,
    Status: change.status,
    SubmittedAt: change.submittedAt,
    Comment: change.comment,
  };
}

function parseChanges(batch: Record<string, unknown>): ChangeAction[] {
  const changes = ((batch.Changes as { Change?: unknown[] } | undefined)?.Change ?? []) as Record<
    string,
    unknown
  >[];
  return changes.map((change) => {
    const action = String(change.Action ?? '');
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
      throw new AwsError(
        'InvalidInput',
        `Invalid XML ; cvc-enumeration-valid: Value '${action}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'.`,
      );
    }
    const set = (change.ResourceRecordSet ?? {}) as Record<string, unknown>;
    const records = (
      (set.ResourceRecords as { ResourceRecord?: { Value?: unknown }[] } | undefined)?.ResourceRecord ?? []
    ).map((r) => String(r.Value ?? ''));
    const failover = set.Failover === undefined ? undefined : String(set.Failover);
    if (failover !== undefined && failover !== 'PRIMARY' && failover !== 'SECONDARY') {
      throw new AwsError(
        'InvalidInput',
        `Invalid XML ; cvc-enumeration-valid: Value '${failover}' is not facet-valid with respect to enumeration '[PRIMARY, SECONDARY]'. It must be a value from the enumeration.`,
      );
    }
    const record: RecordSet = {
      name: String(set.Name ?? ''),
      type: String(set.Type ?? ''),
      values: records,
      ...(set.TTL === undefined ? {} : { ttl: Number(set.TTL) }),
      ...(set.SetIdentifier === undefined ? {} : { setIdentifier: String(set.SetIdentifier) }),
      ...(set.Weight === undefined ? {} : { weight: Number(set.Weight) }),
      ...(failover === undefined ? {} : { failover }),
      ...(set.HealthCheckId === undefined ? {} : { healthCheckId: String(set.HealthCheckId) }),
    };
    return { action, record };
  });
}

/**
 * Route 53 lists records sorted by name with labels reversed (com.example.www), a name before
 * the names below it, then by type. A space joins labels and a tab separates the type: both sort
 * below every character a label may hold.
 */
function reversedName(name: string): string {
  return fqdn(name).slice(0, -1).split('.').reverse().join(' ');
}

function sortKey(record: RecordSet): string {
  return `${reversedName(record.name)}\t${record.type}\t${record.setIdentifier ?? ''}`;
}

function listRecordSets(route53: Route53Model, zoneId: string, query: URLSearchParams): RestXmlResponse {
  const zone = route53.zone(zoneId);
  const maxItems = Math.min(300, Number(query.get('maxitems') ?? 300) || 300);
  const startName = query.get('name');
  const startType = query.get('type');
  if (startType && !startName)
    throw new AwsError('InvalidInput', 'The input is not valid: type requires name');
  let records = [...zone.records].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  if (startName) {
    const start = `${reversedName(startName)}\t${startType ?? ''}`;
    records = records.filter((r) => sortKey(r) >= start);
  }
  const page = records.slice(0, maxItems);
  const rest = records[maxItems];
  return {
    root: 'ListResourceRecordSetsResponse',
    body: {
      ResourceRecordSets: list(
        'ResourceRecordSet',
        page.map((r) => ({
          Name: r.name,
          Type: r.type,
          SetIdentifier: r.setIdentifier,
          Weight: r.weight,
          Failover: r.failover,
          TTL: r.ttl,
          ResourceRecords: list(
            'ResourceRecord',
            r.values.map((value) => ({ Value: value })),
          ),
          HealthCheckId: r.healthCheckId,
        })),
      ),
      IsTruncated: rest !== undefined,
      NextRecordName: rest?.name,
      NextRecordType: rest?.type,
      NextRecordIdentifier: rest?.setIdentifier,
      MaxItems: maxItems,
    },
  };
}
