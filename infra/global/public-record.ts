import { Duration } from 'aws-cdk-lib';
import { CnameRecord, Failover, HealthCheck, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { failoverSetIdentifier } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { activeRegionOf } from '../config/plan-arns.ts';
import type { TrafficGateCheck } from './traffic-gate-check.ts';

export interface PublicRecordProps {
  plan: Plan;
  zone: IHostedZone;
  /** The gate's health check (dns.strategy gate only). */
  gate?: TrafficGateCheck;
}

/**
 * The public record the plan names.
 * - `gate`: two failover records of the same name. PRIMARY (set identifier `<plan>-primary`)
 *   carries the gate's health check and points at the primary target; SECONDARY (`<plan>-dr`)
 *   points at the DR target with no check. Route 53 answers PRIMARY while the gate is open and
 *   SECONDARY once the failover closes it: a data-plane switch. The records never change with
 *   `deployment.activeRegion`: where traffic goes lives in the gate's metric and alarm state,
 *   which a deploy does not touch.
 * - `simple`: one CNAME at the active region's target. `weighted`: set identifiers "primary" and
 *   "dr", 100 on the active region and 0 on the other. Neither carries a health check: a zero-
 *   weight record gets traffic again when all non-zero ones are unhealthy, and traffic must never
 *   drift back to the old primary by itself; only drctl's update-dns (Route 53 API) moves them.
 */
export class PublicRecord extends Construct {
  readonly records: CnameRecord[];

  constructor(scope: Construct, id: string, props: PublicRecordProps) {
    super(scope, id);
    const { plan, zone } = props;
    const common = { zone, recordName: plan.dns.record, ttl: Duration.seconds(plan.dns.ttl) };
    const { primary, dr } = plan.application;
    const active = activeRegionOf(plan);
    switch (plan.dns.strategy) {
      case 'gate': {
        if (!props.gate)
          throw new Error('PublicRecord: dns.strategy gate needs the traffic gate health check');
        const gateCheck = HealthCheck.fromHealthCheckId(
          this,
          'GateCheck',
          props.gate.healthCheck.attrHealthCheckId,
        );
        this.records = [
          new CnameRecord(this, 'Primary', {
            ...common,
            domainName: primary.target,
            setIdentifier: failoverSetIdentifier(plan, 'primary'),
            failover: Failover.PRIMARY,
            healthCheck: gateCheck,
          }),
          new CnameRecord(this, 'Secondary', {
            ...common,
            domainName: dr.target,
            setIdentifier: failoverSetIdentifier(plan, 'dr'),
            failover: Failover.SECONDARY,
          }),
        ];
        break;
      }
      case 'simple':
        this.records = [
          new CnameRecord(this, 'Record', {
            ...common,
            domainName: active === 'primary' ? primary.target : dr.target,
          }),
        ];
        break;
      case 'weighted':
        this.records = [
          new CnameRecord(this, 'Primary', {
            ...common,
            domainName: primary.target,
            setIdentifier: 'primary',
            weight: active === 'primary' ? 100 : 0,
          }),
          new CnameRecord(this, 'Dr', {
            ...common,
            domainName: dr.target,
            setIdentifier: 'dr',
            weight: active === 'primary' ? 0 : 100,
          }),
        ];
        break;
    }
  }
}
