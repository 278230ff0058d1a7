import { Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { ContainerRepositories } from '../application/container-repositories.ts';
import { RegionFoundation } from '../application/region-foundation.ts';
import { assetsBucketName, repositoryName } from '../config/names.ts';
import { environmentOf, type RegionRole } from '../config/plan-environment.ts';
import { acknowledge } from '../nag.ts';

export interface FoundationStackProps extends StackProps {
  plan: Plan;
  role: RegionRole;
}

const DEFAULT_CIDRS: Record<RegionRole, string> = { primary: '10.10.0.0/16', dr: '10.20.0.0/16' };

/**
 * What must exist in a region before its application: network, log bucket, assets bucket (the DR
 * one is the replication destination, so it is deployed first), and in the primary region the
 * container repositories (images are pushed there before the services are created).
 */
export class FoundationStack extends Stack {
  readonly foundation: RegionFoundation;
  readonly repositories: ContainerRepositories | undefined;
  private zones: string[] = [];

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    const { plan, role } = props;
    super(scope, id, {
      ...props,
      env: environmentOf(plan, role),
      description: `drctl ${plan.name}: ${role} region foundation (VPC, flow logs, log bucket, assets bucket${role === 'primary' ? ', container repositories' : ''})`,
    });
    const named = plan.deployment?.availabilityZones?.[role];
    this.zones = named ?? firstTwoZones();
    if (named) {
      acknowledge(
        this,
        'CloudFormation-Validate::W3010',
        'The plan names these availability zones (deployment.availabilityZones) on purpose.',
      );
    }
    this.foundation = new RegionFoundation(this, 'Foundation', {
      cidr: plan.deployment?.vpcCidrs?.[role] ?? DEFAULT_CIDRS[role],
      // The primary serves traffic: a NAT gateway per AZ. The pilot light makes do with one.
      natGateways: role === 'primary' ? 2 : 1,
      azCount: this.zones.length,
      assetsBucketName: assetsBucketName(plan, plan.regions[role]),
      ...(role === 'primary'
        ? {
            replicateAssetsTo: {
              bucketName: assetsBucketName(plan, plan.regions.dr),
              region: plan.regions.dr,
            },
          }
        : {}),
    });
    this.repositories =
      role === 'primary'
        ? new ContainerRepositories(this, 'Images', {
            names: Object.fromEntries(
              plan.services.map((service) => [service.id, repositoryName(plan, service)]),
            ),
            replicateTo: plan.regions.dr,
          })
        : undefined;
  }

  /**
   * With an explicit account CDK would look the zones up in AWS; synth must stay offline, so the
   * stack answers from the plan.
   */
  override get availabilityZones(): string[] {
    return this.zones;
  }
}

/** The region's first two zones, resolved by CloudFormation at deploy time (Fn::GetAZs). */
function firstTwoZones(): string[] {
  return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
}
