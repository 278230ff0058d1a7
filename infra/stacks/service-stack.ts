import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Plan, PlanService } from '../../plan/schema.ts';
import type { RegionFoundation } from '../application/region-foundation.ts';
import type { RegionalApplication } from '../application/regional-application.ts';
import { RegionalServices } from '../application/regional-services.ts';
import { environmentOf, type RegionRole } from '../config/plan-environment.ts';

export interface ServiceStackProps extends StackProps {
  plan: Plan;
  role: RegionRole;
  /** The same region's foundation stack. */
  foundation: RegionFoundation;
  /** The same region's application stack: its clusters, tasks' security group, database connections. */
  application: RegionalApplication;
  /** The group of plan services this stack holds (plan/rules/stack-size.ts, groupsOf). */
  services: readonly PlanService[];
}

/**
 * One group of the plan's services beyond those the region's application stack holds (a plan
 * with more than SERVICES_PER_STACK): their task definitions, log groups and Fargate services,
 * in the application stack's clusters, with its tasks' security group and every database's
 * connection, as the application stack's own services.
 */
export class ServiceStack extends Stack {
  readonly services: RegionalServices;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    const { plan, role, application } = props;
    super(scope, id, {
      ...props,
      env: environmentOf(plan, role),
      description:
        `drctl ${plan.name}: ${role === 'primary' ? 'primary' : 'DR pilot-light'} services ${props.services.map((s) => s.id).join(', ')}`.slice(
          0,
          1024,
        ),
    });
    this.services = new RegionalServices(this, 'Service', {
      plan,
      role,
      vpc: props.foundation.network.vpc,
      securityGroup: application.tasksSecurityGroup,
      databases: application.connections,
      services: props.services,
      clusters: application.services.clusters,
    });
  }
}
