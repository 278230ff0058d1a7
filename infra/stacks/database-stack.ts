import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import type { RegionFoundation } from '../application/region-foundation.ts';
import { databaseSecurityGroup } from '../application/regional-application.ts';
import { RegionalDatabases } from '../application/regional-databases.ts';
import { environmentOf, type RegionRole } from '../config/plan-environment.ts';

export interface DatabaseStackProps extends StackProps {
  plan: Plan;
  role: RegionRole;
  /** The same region's foundation stack. */
  foundation: RegionFoundation;
  /** The group of plan databases this stack holds (plan/rules/stack-size.ts, groupsOf). */
  databases: readonly PlanDatabase[];
}

/**
 * One group of the plan's databases beyond those the region's application stack holds (a plan
 * with more than DATABASES_PER_STACK): in the primary region the primaries with their secrets,
 * rotations and their own deploy-time user setup; in the DR region their cross-region replicas.
 * Its databases have their own security group; the application stack, deployed after it, adds
 * the rules that let the tasks (and the write canary) in, so this stack depends on nothing but
 * the foundation.
 */
export class DatabaseStack extends Stack {
  readonly databases: RegionalDatabases;

  constructor(scope: Construct, id: string, props: DatabaseStackProps) {
    const { plan, role } = props;
    super(scope, id, {
      ...props,
      env: environmentOf(plan, role),
      description:
        `drctl ${plan.name}: ${role === 'primary' ? 'primary databases' : 'DR cross-region replicas'} ${props.databases.map((db) => db.id).join(', ')}`.slice(
          0,
          1024,
        ),
    });
    const vpc = props.foundation.network.vpc;
    this.databases = new RegionalDatabases(this, 'Database', {
      plan,
      role,
      vpc,
      securityGroup: databaseSecurityGroup(this, vpc),
      databases: props.databases,
    });
  }
}
