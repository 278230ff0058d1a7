import { Duration } from 'aws-cdk-lib';
import { CnameRecord, Failover, HealthCheck, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { drillGateAlarmName, drillRecordName, drillSetIdentifier } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { TrafficGateCheck } from './traffic-gate-check.ts';

/**
 * The drill's DNS name (drills.recordName, default drill.<zone>), switched exactly as the public
 * record is with `dns.strategy: gate` but on its own gate: a CLOUDWATCH_METRIC health check on the
 * drill gate alarm (DR region; missing data keeps the last status) gates the PRIMARY failover
 * record (`<plan>-drill-primary` → primary target); SECONDARY (`<plan>-drill-dr`) → DR target.
 * A drill closes the drill gate and verifies the DR application end to end through this name;
 * its cleanup opens it again. The public record and its gate are separate resources throughout.
 */
export class DrillRecord extends Construct {
  readonly gate: TrafficGateCheck;
  readonly records: CnameRecord[];

  constructor(scope: Construct, id: string, props: { plan: Plan; zone: IHostedZone }) {
    super(scope, id);
    const { plan, zone } = props;
    this.gate = new TrafficGateCheck(this, 'Gate', {
      plan,
      alarmName: drillGateAlarmName(plan),
      name: `${plan.name}-drill-gate`,
    });
    const gateCheck = HealthCheck.fromHealthCheckId(
      this,
      'GateCheck',
      this.gate.healthCheck.attrHealthCheckId,
    );
    const common = { zone, recordName: drillRecordName(plan), ttl: Duration.seconds(plan.dns.ttl) };
    this.records = [
      new CnameRecord(this, 'Primary', {
        ...common,
        domainName: plan.application.primary.target,
        setIdentifier: drillSetIdentifier(plan, 'primary'),
        failover: Failover.PRIMARY,
        healthCheck: gateCheck,
      }),
      new CnameRecord(this, 'Secondary', {
        ...common,
        domainName: plan.application.dr.target,
        setIdentifier: drillSetIdentifier(plan, 'dr'),
        failover: Failover.SECONDARY,
      }),
    ];
  }
}
