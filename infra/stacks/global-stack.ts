import { Stack, type StackProps } from 'aws-cdk-lib';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { deadLetterAlarmName, globalOperationalAlarms } from '../config/alarm-names.ts';
import { alarmArn } from '../config/plan-arns.ts';
import { globalEnvironmentOf, ROUTE53_METRICS_REGION } from '../config/plan-environment.ts';
import { AlarmForwarder } from '../global/alarm-forwarder.ts';
import { DetectionAlarm } from '../global/detection-alarm.ts';
import { DrillRecord } from '../global/drill-record.ts';
import { EndpointHealthChecks } from '../global/endpoint-health-checks.ts';
import { PublicRecord } from '../global/public-record.ts';
import { TrafficGateCheck } from '../global/traffic-gate-check.ts';
import { DeadLetterQueue } from '../orchestrator/dead-letter-queue.ts';
import { detectionAlarmArn } from '../orchestrator/detection-alarm-name.ts';

export interface GlobalStackProps extends StackProps {
  plan: Plan;
}

/**
 * Route 53 and the fast detection path, in us-east-1 (Route 53 health-check metrics exist only
 * there): the public record (failover records gated from the DR region with `dns.strategy:
 * gate`), the gate's health check, the drill name's gated failover records and health check,
 * health checks on both regional endpoints, the fast-path
 * detection alarm, and the rule that forwards its ALARM events (and this stack's dead-letter
 * alarm) to the DR region.
 */
export class GlobalStack extends Stack {
  readonly healthChecks: EndpointHealthChecks;
  readonly detection: DetectionAlarm;
  readonly gate: TrafficGateCheck | undefined;
  readonly publicRecord: PublicRecord;
  readonly drillRecord: DrillRecord;
  readonly deadLetters: DeadLetterQueue;
  readonly forwarder: AlarmForwarder | undefined;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    const { plan } = props;
    super(scope, id, {
      ...props,
      env: globalEnvironmentOf(plan),
      description: `drctl ${plan.name}: public DNS record (${plan.dns.strategy}), drill DNS name (gated), endpoint health checks, fast-path detection alarm and its forwarding to ${plan.regions.dr}`,
    });
    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: plan.dns.hostedZoneId,
      zoneName: plan.dns.zoneName,
    });
    this.gate =
      plan.dns.strategy === 'gate' ? new TrafficGateCheck(this, 'TrafficGate', { plan }) : undefined;
    this.publicRecord = new PublicRecord(this, 'PublicRecord', {
      plan,
      zone,
      ...(this.gate ? { gate: this.gate } : {}),
    });
    this.drillRecord = new DrillRecord(this, 'DrillRecord', { plan, zone });
    this.healthChecks = new EndpointHealthChecks(this, 'HealthChecks', { plan });
    this.detection = new DetectionAlarm(this, 'Detection', {
      plan,
      primaryHealthCheck: this.healthChecks.healthChecks.primary,
    });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      alarmName: deadLetterAlarmName(plan, 'global'),
    });
    // With the orchestrator in us-east-1 itself, its rules see these alarms on this region's bus.
    this.forwarder =
      plan.regions.dr === ROUTE53_METRICS_REGION
        ? undefined
        : new AlarmForwarder(this, 'Forwarder', {
            plan,
            ruleName: `${plan.name}-forward-alarms`,
            description: `Forwards the fast-path detection alarm and this stack's notify-only alarms to ${plan.regions.dr}, where drctl's orchestrator runs`,
            alarmArns: [
              detectionAlarmArn(plan),
              ...globalOperationalAlarms(plan).map((a) => alarmArn(plan, a.region, a.name)),
            ],
            deadLetterQueue: this.deadLetters.queue,
          });
  }
}
