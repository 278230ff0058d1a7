import { Duration } from 'aws-cdk-lib';
import { CnameRecord, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';

/**
 * The public record(s) the plan names, pointing at the primary target. `simple`: one CNAME;
 * `weighted`: set identifiers "primary" (100) and "dr" (0). No health checks are attached: a
 * zero-weight record gets traffic again when all non-zero ones are unhealthy, and traffic must
 * never drift back to the old primary by itself. Only drctl's update-dns moves it.
 */
export class PublicRecord extends Construct {
  readonly records: CnameRecord[];

  constructor(scope: Construct, id: string, props: { plan: Plan; zone: IHostedZone }) {
    super(scope, id);
    const { plan, zone } = props;
    const common = { zone, recordName: plan.dns.record, ttl: Duration.seconds(plan.dns.ttl) };
    this.records =
      plan.dns.strategy !== 'weighted'
        ? [new CnameRecord(this, 'Record', { ...common, domainName: plan.application.primary.target })]
        : [
            new CnameRecord(this, 'Primary', {
              ...common,
              domainName: plan.application.primary.target,
              setIdentifier: 'primary',
              weight: 100,
            }),
            new CnameRecord(this, 'Dr', {
              ...common,
              domainName: plan.application.dr.target,
              setIdentifier: 'dr',
              weight: 0,
            }),
          ];
  }
}
