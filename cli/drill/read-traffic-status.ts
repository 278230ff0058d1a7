import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ListResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { createDnsLookup, normalizeName } from '../../functions/shared/dns-lookup.ts';
import { publicGate, readGate } from '../../functions/shared/traffic-gate.ts';
import { toDrError } from '../../plan/errors.ts';
import { type DetectionPath, detectionAlarms, gateAlarmName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * Where the plan's traffic goes, read three ways for `drctl status`: the traffic gate (the DR
 * region's alarm, gate strategy), what DNS answers for the public record (Route 53's data plane,
 * as a client resolves it) and the record sets themselves (the Route 53 API, control plane in
 * us-east-1: unreachable in its outage, which the other two survive). And both detection alarms.
 */
export interface GateStatus {
  alarm: string;
  region: string;
  state: 'open' | 'closed';
  alarmState: string;
  changedAt: string | null;
}

export interface DnsAnswerStatus {
  answer: string | null;
  pointsTo: 'primary' | 'dr' | null;
  detail: string;
}

export interface RecordSetStatus {
  setIdentifier: string | null;
  failover: string | null;
  value: string | null;
  healthCheckId: string | null;
}

export interface DetectionAlarmStatus {
  path: DetectionPath;
  alarm: string;
  region: string;
  state: string;
  reason: string;
}

export async function readGateStatus(cloudWatch: CloudWatchClient, plan: Plan): Promise<GateStatus> {
  const gate = await readGate(cloudWatch, publicGate(plan));
  return {
    alarm: gateAlarmName(plan),
    region: plan.regions.dr,
    state: gate.state,
    alarmState: gate.alarmState,
    changedAt: gate.changedAt,
  };
}

/** `resolver`: host:port of a DNS server (the local world's); undefined: the system resolver. */
export async function readDnsAnswer(plan: Plan, resolver: string | undefined): Promise<DnsAnswerStatus> {
  const found = await createDnsLookup(resolver)(plan.dns.record);
  if ('error' in found) throw new Error(found.error);
  const answer = found.targets[0] ?? null;
  const pointsTo =
    answer === normalizeName(plan.application.dr.target)
      ? 'dr'
      : answer === normalizeName(plan.application.primary.target)
        ? 'primary'
        : null;
  return {
    answer,
    pointsTo,
    detail:
      answer === null
        ? `DNS has no CNAME for ${plan.dns.record}`
        : `DNS answers ${answer} for ${plan.dns.record}${pointsTo ? ` (${pointsTo})` : ': neither application target'}`,
  };
}

export async function readRecordSets(route53: Route53Client, plan: Plan): Promise<RecordSetStatus[]> {
  try {
    const output = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: plan.dns.hostedZoneId,
        StartRecordName: plan.dns.record,
        StartRecordType: plan.dns.type,
        MaxItems: 10,
      }),
    );
    return (output.ResourceRecordSets ?? [])
      .filter(
        (set) =>
          normalizeName(set.Name ?? '') === normalizeName(plan.dns.record) && set.Type === plan.dns.type,
      )
      .map((set) => ({
        setIdentifier: set.SetIdentifier ?? null,
        failover: set.Failover ?? null,
        value: set.ResourceRecords?.[0]?.Value ? normalizeName(set.ResourceRecords[0].Value) : null,
        healthCheckId: set.HealthCheckId ?? null,
      }));
  } catch (error) {
    throw toDrError(error, `ListResourceRecordSets route53:${plan.dns.hostedZoneId}:${plan.dns.record}`);
  }
}

/**
 * Both detection paths' alarms, each in its own region: one whose region does not answer reads
 * "unknown" beside the other; when neither answers, the reading fails as a whole.
 */
export async function readDetectionAlarms(
  plan: Plan,
  cloudWatchIn: (region: string) => CloudWatchClient,
): Promise<DetectionAlarmStatus[]> {
  const alarms = await readEachDetectionAlarm(plan, cloudWatchIn);
  const unreachable = alarms.filter((alarm) => alarm.state === 'unknown');
  if (unreachable.length === alarms.length && unreachable[0]) throw new Error(unreachable[0].reason);
  return alarms;
}

function readEachDetectionAlarm(
  plan: Plan,
  cloudWatchIn: (region: string) => CloudWatchClient,
): Promise<DetectionAlarmStatus[]> {
  return Promise.all(
    detectionAlarms(plan).map(async ({ name, region, path }) => {
      try {
        const output = await cloudWatchIn(region).send(
          new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] }),
        );
        const alarm = output.MetricAlarms?.find((candidate) => candidate.AlarmName === name);
        return {
          path,
          alarm: name,
          region,
          state: alarm?.StateValue ?? 'not found',
          reason: alarm?.StateReason ?? (alarm ? '' : 'no such alarm: is the stack deployed?'),
        };
      } catch (error) {
        return {
          path,
          alarm: name,
          region,
          state: 'unknown',
          reason: `unreachable: ${toDrError(error, `DescribeAlarms cloudwatch:${region} ${name}`).message.split('\n')[0]}`,
        };
      }
    }),
  );
}
