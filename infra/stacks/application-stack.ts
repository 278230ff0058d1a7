import { Stack, type StackProps } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Plan, PlanDatabase, PlanService } from '../../plan/schema.ts';
import type { RegionFoundation } from '../application/region-foundation.ts';
import { RegionalApplication } from '../application/regional-application.ts';
import type { RegionalDatabases } from '../application/regional-databases.ts';
import { environmentOf, type RegionRole } from '../config/plan-environment.ts';

export interface ApplicationStackProps extends StackProps {
  plan: Plan;
  role: RegionRole;
  /** The same region's foundation stack. */
  foundation: RegionFoundation;
  /** The same region's dead-letter queue (the primary foundation's), for the write canary's schedule. */
  deadLetterQueue?: IQueue;
  /** Where functions/ lives (the write canary's code); defaults to this repository's. */
  functionsRoot?: string;
  /** The databases and services this stack holds (default: all); see plan/rules/stack-size.ts. */
  databases?: readonly PlanDatabase[];
  services?: readonly PlanService[];
  /** The plan's other databases, in stacks of databases deployed before this one. */
  databaseGroups?: readonly RegionalDatabases[];
}

/** The reference application in one region: databases, ECS services, load balancer, regional DNS name. */
export class ApplicationStack extends Stack {
  readonly application: RegionalApplication;

  constructor(scope: Construct, id: string, props: ApplicationStackProps) {
    const { plan, role } = props;
    super(scope, id, {
      ...props,
      env: environmentOf(plan, role),
      description:
        role === 'primary'
          ? `drctl ${plan.name}: primary application (Multi-AZ RDS, ECS Fargate at running count, ALB, ${plan.application.primary.target})`
          : `drctl ${plan.name}: DR pilot light (encrypted cross-region replicas, ECS Fargate at 0 tasks, ALB, ${plan.application.dr.target})`,
    });
    this.application = new RegionalApplication(this, 'Application', {
      plan,
      role,
      vpc: props.foundation.network.vpc,
      logsBucket: props.foundation.logs.bucket,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
      ...(props.databases ? { databases: props.databases } : {}),
      ...(props.services ? { services: props.services } : {}),
      ...(props.databaseGroups ? { databaseGroups: props.databaseGroups } : {}),
    });
  }
}
