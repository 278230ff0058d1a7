import { Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { evidenceBucketName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { ContainerRepositories } from '../application/container-repositories.ts';
import { RegionFoundation } from '../application/region-foundation.ts';
import {
  assetsReplicationAlarmNames,
  deadLetterAlarmName,
  primaryOperationalAlarms,
} from '../config/alarm-names.ts';
import { assetsBucketName, repositoryName } from '../config/names.ts';
import { alarmArn } from '../config/plan-arns.ts';
import { accountOf, environmentOf, type RegionRole } from '../config/plan-environment.ts';
import { AlarmForwarder } from '../global/alarm-forwarder.ts';
import { acknowledge } from '../nag.ts';
import { DeadLetterQueue } from '../orchestrator/dead-letter-queue.ts';

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
  deadLetters: DeadLetterQueue | undefined;
  forwarder: AlarmForwarder | undefined;
  private zones: string[] = [];

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    const { plan, role } = props;
    super(scope, id, {
      ...props,
      env: environmentOf(plan, role),
      description: `drctl ${plan.name}: ${role} region foundation (VPC, flow logs, log bucket, assets bucket${role === 'primary' ? ' replicated with RTC and alarms, container repositories' : ', VPC endpoints'})`,
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
              alarmNames: assetsReplicationAlarmNames(plan),
            },
          }
        : {}),
      // The pilot light starts all its tasks at once at failover: endpoints, not one NAT gateway.
      vpcEndpoints: role === 'dr',
      // The orchestrator's evidence bucket (DR region) logs its accesses here.
      ...(role === 'dr' ? { logSourceBucketNames: [evidenceBucketName(plan, accountOf(plan))] } : {}),
    });
    if (role === 'primary') this.forwardAlarms(plan);
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

  /** The replication alarms of this region notify through the DR region's topic (forwarded). */
  private forwardAlarms(plan: Plan): void {
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      alarmName: deadLetterAlarmName(plan, 'primary'),
    });
    this.forwarder = new AlarmForwarder(this, 'Forwarder', {
      plan,
      ruleName: `${plan.name}-forward-primary-alarms`,
      description: `Forwards the assets replication and dead-letter alarms of ${plan.regions.primary} to ${plan.regions.dr}, where drctl's topic is`,
      alarmArns: primaryOperationalAlarms(plan).map((a) => alarmArn(plan, a.region, a.name)),
      deadLetterQueue: this.deadLetters.queue,
    });
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
