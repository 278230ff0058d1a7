import { Stack, type StackProps } from 'aws-cdk-lib';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { globalEnvironmentOf, ROUTE53_METRICS_REGION } from '../config/plan-environment.ts';
import { AlarmForwarder } from '../global/alarm-forwarder.ts';
import { DetectionAlarm } from '../global/detection-alarm.ts';
import { EndpointHealthChecks } from '../global/endpoint-health-checks.ts';
import { PublicRecord } from '../global/public-record.ts';
import { DeadLetterQueue } from '../orchestrator/dead-letter-queue.ts';

export interface GlobalStackProps extends StackProps {
  plan: Plan;
}

/**
 * Route 53 and detection, in us-east-1 (Route 53 health-check metrics exist only there): the
 * public record, health checks on both regional endpoints, the detection alarm, and the rule
 * that forwards its ALARM events to the DR region.
 */
export class GlobalStack extends Stack {
  readonly healthChecks: EndpointHealthChecks;
  readonly detection: DetectionAlarm;
  readonly publicRecord: PublicRecord;
  readonly forwarder: AlarmForwarder | undefined;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    const { plan } = props;
    super(scope, id, {
      ...props,
      env: globalEnvironmentOf(plan),
      description: `drctl ${plan.name}: public DNS record, endpoint health checks, detection alarm and its forwarding to ${plan.regions.dr}`,
    });
    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: plan.dns.hostedZoneId,
      zoneName: plan.dns.zoneName,
    });
    this.publicRecord = new PublicRecord(this, 'PublicRecord', { plan, zone });
    this.healthChecks = new EndpointHealthChecks(this, 'HealthChecks', { plan });
    this.detection = new DetectionAlarm(this, 'Detection', {
      plan,
      primaryHealthCheck: this.healthChecks.healthChecks.primary,
    });
    // With the orchestrator in us-east-1 itself, its rule sees the alarm on this region's bus.
    this.forwarder =
      plan.regions.dr === ROUTE53_METRICS_REGION
        ? undefined
        : new AlarmForwarder(this, 'Forwarder', {
            plan,
            deadLetterQueue: new DeadLetterQueue(this, 'DeadLetters').queue,
          });
  }
}
