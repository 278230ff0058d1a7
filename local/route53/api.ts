import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { CloudWatchModel } from '../cloudwatch/model.ts';
import { recordResource, touch } from '../mutations.ts';
import { AwsError } from '../protocol/errors.ts';
import type { RequestContext, RestXmlRequest, RestXmlResponse, RestXmlService } from '../protocol/server.ts';
import { list, type XmlObject } from '../protocol/xml.ts';
import type { AnyHealthCheck, HealthChecks } from './health-checks.ts';
import { type Change, type ChangeAction, fqdn, type RecordSet, type Route53Model } from './model.ts';
import { checkChangeBatch, pathSegment, ROUTE53_LIMITS } from './validation.ts';
import { listHostedZones, maxItems } from './zones.ts';

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
  /** The request document, or InvalidInput for XML that is not well-formed or too deep. */
  const parseXml = (body: string): Record<string, unknown> => {
    try {
      if (XMLValidator.validate(body) === true) return parser.parse(body) as Record<string, unknown>;
    } catch {
      // Too deeply nested, or otherwise unreadable: the same answer.
    }
    throw new AwsError('InvalidInput', 'Invalid XML: the request body is not well-formed.');
  };
  const routes: {
    method: string;
    pattern: RegExp;
    operation: string;
    run: (match: RegExpExecArray, request: RestXmlRequest, context: RequestContext) => RestXmlResponse;
  }[] = [
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      operation: 'ListResourceRecordSets',
      run: (match, request) =>
        listRecordSets(route53, pathSegment(match[1] as string, 'hosted zone id'), request.query),
    },
    {
      method: 'POST',
      pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      operation: 'ChangeResourceRecordSets',
      run: (match, request, context) => {
        const zoneId = pathSegment(match[1] as string, 'hosted zone id');
        const document = parseXml(request.body);
        const batch = (
          document.ChangeResourceRecordSetsRequest as { ChangeBatch?: Record<string, unknown> } | undefined
        )?.ChangeBatch;
        if (!batch || typeof batch !== 'object')
          throw new AwsError('InvalidInput', 'ChangeBatch is required');
        const actions = parseChanges(batch);
        touch(
          context,
          ...actions.map(({ record }) =>
            recordResource(zoneId, fqdn(record.name), record.type, record.setIdentifier),
          ),
        );
        const comment = optionalText(batch.Comment, 'Comment');
        checkChangeBatch(actions, comment);
        checkZoneCapacity(route53, zoneId, actions);
        const change = route53.submit(zoneId, actions, comment);
        forgetOldChanges(route53);
        return { root: 'ChangeResourceRecordSetsResponse', body: { ChangeInfo: changeInfo(change) } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/change\/([^/]+)$/,
      operation: 'GetChange',
      run: (match) => ({
        root: 'GetChangeResponse',
        body: { ChangeInfo: changeInfo(route53.change(pathSegment(match[1] as string, 'change id'))) },
      }),
    },
    {
      method: 'GET',
      pattern: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
      operation: 'GetHostedZone',
      run: (match) => {
        const zone = route53.zone(pathSegment(match[1] as string, 'hosted zone id'));
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
      pattern: /^\/2013-04-01\/hostedzone\/?$/,
      operation: 'ListHostedZones',
      run: (_match, request) => listHostedZones(route53, request.query),
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
        const check = findCheck(healthChecks, pathSegment(match[1] as string, 'health check id'));
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
        body: {
          HealthCheck: healthCheckXml(
            findCheck(healthChecks, pathSegment(match[1] as string, 'health check id')),
            cloudWatch,
          ),
        },
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
          return { operation: route.operation, run: async (context) => route.run(match, request, context) };
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

/** An element's text: absent is undefined; an element with children where text belongs is InvalidInput. */
function optionalText(value: unknown, element: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw new AwsError('InvalidInput', `Invalid XML: the element ${element} must hold text.`);
}

/** Route 53 quota: 10,000 records per hosted zone. */
function checkZoneCapacity(route53: Route53Model, zoneId: string, actions: ChangeAction[]): void {
  const zone = route53.zone(zoneId);
  const added = actions.filter((a) => a.action !== 'DELETE').length;
  if (zone.records.length + added > ROUTE53_LIMITS.recordsPerZone) {
    throw new AwsError(
      'InvalidChangeBatch',
      `[The hosted zone ${zone.name} would hold more than ${ROUTE53_LIMITS.recordsPerZone} records, the quota per hosted zone]`,
    );
  }
}

/** The world keeps the last 1,000 changes for GetChange (a bound of the world, not of AWS). */
function forgetOldChanges(route53: Route53Model): void {
  for (const id of route53.changes.keys()) {
    if (route53.changes.size <= 1_000) return;
    route53.changes.delete(id);
  }
}

function parseChanges(batch: Record<string, unknown>): ChangeAction[] {
  const holder = batch.Changes as { Change?: unknown } | undefined;
  const listed = typeof holder === 'object' && holder !== null ? holder.Change : undefined;
  const changes = (Array.isArray(listed) ? listed : []).map((change) =>
    typeof change === 'object' && change !== null ? (change as Record<string, unknown>) : {},
  );
  return changes.map((change) => {
    const action = optionalText(change.Action, 'Action') ?? '';
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
      throw new AwsError(
        'InvalidInput',
        `Invalid XML ; cvc-enumeration-valid: Value '${action}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'.`,
      );
    }
    const set = (
      typeof change.ResourceRecordSet === 'object' && change.ResourceRecordSet !== null
        ? change.ResourceRecordSet
        : {}
    ) as Record<string, unknown>;
    const holder = set.ResourceRecords as { ResourceRecord?: unknown } | undefined;
    const listed = typeof holder === 'object' && holder !== null ? holder.ResourceRecord : undefined;
    const records = (Array.isArray(listed) ? listed : []).map(
      (r) => optionalText((r as { Value?: unknown } | null)?.Value, 'Value') ?? '',
    );
    const ttl = optionalText(set.TTL, 'TTL');
    const weight = optionalText(set.Weight, 'Weight');
    const setIdentifier = optionalText(set.SetIdentifier, 'SetIdentifier');
    const failover = optionalText(set.Failover, 'Failover');
    if (failover !== undefined && failover !== 'PRIMARY' && failover !== 'SECONDARY') {
      throw new AwsError(
        'InvalidInput',
        `Invalid XML ; cvc-enumeration-valid: Value '${failover}' is not facet-valid with respect to enumeration '[PRIMARY, SECONDARY]'. It must be a value from the enumeration.`,
      );
    }
    const healthCheckId = optionalText(set.HealthCheckId, 'HealthCheckId');
    const record: RecordSet = {
      name: optionalText(set.Name, 'Name') ?? '',
      type: optionalText(set.Type, 'Type') ?? '',
      values: records,
      ...(ttl === undefined ? {} : { ttl: /^\d{1,10}$/.test(ttl) ? Number(ttl) : Number.NaN }),
      ...(setIdentifier === undefined ? {} : { setIdentifier }),
      ...(weight === undefined ? {} : { weight: /^\d{1,10}$/.test(weight) ? Number(weight) : Number.NaN }),
      ...(failover === undefined ? {} : { failover }),
      ...(healthCheckId === undefined ? {} : { healthCheckId }),
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
  const limit = maxItems(query, 300, 300);
  const startName = query.get('name');
  const startType = query.get('type');
  if (startType && !startName)
    throw new AwsError('InvalidInput', 'The input is not valid: type requires name');
  let records = [...zone.records].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  if (startName) {
    const start = `${reversedName(startName)}\t${startType ?? ''}`;
    records = records.filter((r) => sortKey(r) >= start);
  }
  const page = records.slice(0, limit);
  const rest = records[limit];
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
      MaxItems: limit,
    },
  };
}
