import { CfnHealthCheck } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { gateAlarmName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The Route 53 health check that gates the PRIMARY failover record (dns.strategy gate): type
 * CLOUDWATCH_METRIC on the gate alarm in the DR region (AlarmIdentifier accepts an alarm in any
 * CloudWatch region). Unhealthy while the alarm is in ALARM, i.e. while the gate is closed.
 * InsufficientDataHealthStatus LastKnownStatus: while the alarm has no data the check keeps the
 * status it had, and a new check with no history is healthy (Route 53 API reference,
 * HealthCheckConfig), so missing data never moves traffic in either direction. It is created
 * after the orchestrator stack, which creates the alarm.
 */
export class TrafficGateCheck extends Construct {
  readonly healthCheck: CfnHealthCheck;

  constructor(
    scope: Construct,
    id: string,
    props: {
      plan: Plan;
      /** Another gate's alarm (the drill name's); default the public record's gate alarm. */
      alarmName?: string;
      /** The check's Name tag; default `<plan>-traffic-gate`. */
      name?: string;
    },
  ) {
    super(scope, id);
    const { plan } = props;
    this.healthCheck = new CfnHealthCheck(this, 'HealthCheck', {
      healthCheckConfig: {
        type: 'CLOUDWATCH_METRIC',
        alarmIdentifier: { region: plan.regions.dr, name: props.alarmName ?? gateAlarmName(plan) },
        insufficientDataHealthStatus: 'LastKnownStatus',
      },
      healthCheckTags: [
        { key: 'Name', value: props.name ?? `${plan.name}-traffic-gate` },
        { key: 'drctl:plan', value: plan.name },
      ],
    });
  }
}
