import { type ISecurityGroup, type IVpc, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Plan, PlanDatabase, PlanService } from '../../plan/schema.ts';
import { regionalListener } from '../config/deploy-settings.ts';
import { activeRegionOf } from '../config/plan-arns.ts';
import type { RegionRole } from '../config/plan-environment.ts';
import { CanaryFunction } from '../drills/canary-function.ts';
import type { DatabaseConnection } from './application-service.ts';
import { enginePort } from './database-engine.ts';
import { LoadBalancer } from './load-balancer.ts';
import { RegionalDatabases } from './regional-databases.ts';
import { RegionalServices } from './regional-services.ts';

export interface RegionalApplicationProps {
  plan: Plan;
  role: RegionRole;
  vpc: IVpc;
  logsBucket: IBucket;
  /** Where the write canary's failed scheduled runs end up (primary region). */
  deadLetterQueue?: IQueue;
  /** Where functions/ lives (the write canary's code); defaults to this repository's. */
  functionsRoot?: string;
  /** The databases this stack holds (default: all); the others are in `databaseGroups`. */
  databases?: readonly PlanDatabase[];
  /** The services this stack holds (default: all); the others are in stacks of services. */
  services?: readonly PlanService[];
  /** The plan's other databases, each group in a stack of its own (deployed before this one). */
  databaseGroups?: readonly RegionalDatabases[];
}

/**
 * The reference application in one region. Primary: Multi-AZ databases and services at their
 * running count. DR (pilot light): encrypted cross-region replicas and the same services at 0
 * tasks, ready for the failover to promote and scale. Only the load balancer reaches the tasks
 * and only the tasks reach the databases. Each region gets its own regional DNS name
 * (plan.application.<region>.target) aliased to its load balancer. With `drills.canary.enabled`
 * the write canary runs beside the databases (writer in the primary, reader in the DR region).
 */
export class RegionalApplication extends Construct {
  readonly loadBalancer: LoadBalancer;
  readonly databases: RegionalDatabases;
  readonly services: RegionalServices;
  /** The write canary (drills.canary.enabled): the writer in the primary region, the reader in the DR region. */
  readonly canary: CanaryFunction | undefined;
  /** The application tasks' security group (the stacks of services use it too). */
  readonly tasksSecurityGroup: ISecurityGroup;
  /** How the tasks reach every plan database, in plan order (this stack's and the groups'). */
  readonly connections: DatabaseConnection[];

  constructor(scope: Construct, id: string, props: RegionalApplicationProps) {
    super(scope, id);
    const { plan, role, vpc } = props;
    const containerPort = plan.deployment?.containerPort ?? 8080;

    const tasks = new SecurityGroup(this, 'TasksSecurityGroup', {
      vpc,
      description: 'Application tasks: reachable only from the load balancer',
    });
    this.tasksSecurityGroup = tasks;
    const databases = databaseSecurityGroup(this, vpc);
    const ports = [...new Set(plan.databases.map((db) => enginePort(db.engine)))];
    for (const port of ports) {
      databases.addIngressRule(tasks, Port.tcp(port), 'from the application tasks');
    }
    const groups = props.databaseGroups ?? [];
    for (const group of groups) {
      // The rule lives here (remote rule): the stack of databases deploys first and knows nothing of this one.
      for (const port of group.ports) {
        group.securityGroup.addIngressRule(tasks, Port.tcp(port), 'from the application tasks', true);
      }
    }

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      vpc,
      logsBucket: props.logsBucket,
      listener: regionalListener(plan, role),
      targetPort: containerPort,
      fenced: role === 'primary' && activeRegionOf(plan) === 'dr',
    });
    this.loadBalancer.alb.connections.allowTo(tasks, Port.tcp(containerPort), 'to the application tasks');

    this.databases = new RegionalDatabases(this, 'Database', {
      plan,
      role,
      vpc,
      securityGroup: databases,
      ...(props.databases ? { databases: props.databases } : {}),
    });
    this.connections = [this.databases, ...groups].flatMap((group) => group.connections);
    this.services = new RegionalServices(this, 'Service', {
      plan,
      role,
      vpc,
      securityGroup: tasks,
      databases: this.connections,
      targetGroup: this.loadBalancer.targetGroup,
      ...(props.services ? { services: props.services } : {}),
    });

    this.canary = plan.drills.canary.enabled
      ? new CanaryFunction(this, 'Canary', {
          plan,
          role: role === 'primary' ? 'writer' : 'reader',
          vpc,
          databaseSecurityGroup: databases,
          secrets: [this.databases, ...groups].flatMap((group) =>
            Object.values(group.primaries).flatMap((db) => (db.canarySecret ? [db.canarySecret] : [])),
          ),
          ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
          ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
        })
      : undefined;
    if (this.canary) reachFromCanary(this.canary, role === 'primary' ? 'writer' : 'reader', groups);

    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: plan.dns.hostedZoneId,
      zoneName: plan.dns.zoneName,
    });
    new ARecord(this, 'RegionalName', {
      zone,
      recordName: plan.application[role].target,
      target: RecordTarget.fromAlias(new LoadBalancerTarget(this.loadBalancer.alb)),
      comment: `drctl ${plan.name}: the ${role} region's load balancer`,
    });
  }
}

/** The canary reaches the databases of the other stacks as it reaches this stack's (CanaryFunction). */
function reachFromCanary(
  canary: CanaryFunction,
  canaryRole: 'writer' | 'reader',
  groups: readonly RegionalDatabases[],
): void {
  for (const group of groups) {
    for (const port of group.ports) {
      canary.securityGroup.addEgressRule(group.securityGroup, Port.tcp(port), 'to the plan databases');
      group.securityGroup.addIngressRule(
        canary.securityGroup,
        Port.tcp(port),
        `drctl write canary (${canaryRole})`,
        true,
      );
    }
  }
}

/** The databases' security group of one stack (the application stack's, or a stack of databases'). */
export function databaseSecurityGroup(scope: Construct, vpc: IVpc): SecurityGroup {
  return new SecurityGroup(scope, 'DatabaseSecurityGroup', {
    vpc,
    description: 'Databases: reachable only from the application tasks (and the rotation function)',
    allowAllOutbound: false,
  });
}
