import { type IVpc, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { regionalListener } from '../config/deploy-settings.ts';
import { activeRegionOf } from '../config/plan-arns.ts';
import type { RegionRole } from '../config/plan-environment.ts';
import { CanaryFunction } from '../drills/canary-function.ts';
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

  constructor(scope: Construct, id: string, props: RegionalApplicationProps) {
    super(scope, id);
    const { plan, role, vpc } = props;
    const containerPort = plan.deployment?.containerPort ?? 8080;

    const tasks = new SecurityGroup(this, 'TasksSecurityGroup', {
      vpc,
      description: 'Application tasks: reachable only from the load balancer',
    });
    const databases = new SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc,
      description: 'Databases: reachable only from the application tasks (and the rotation function)',
      allowAllOutbound: false,
    });
    for (const port of new Set(plan.databases.map((db) => enginePort(db.engine)))) {
      databases.addIngressRule(tasks, Port.tcp(port), 'from the application tasks');
    }

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      vpc,
      logsBucket: props.logsBucket,
      listener: regionalListener(plan, role),
      targetPort: containerPort,
      fenced: role === 'primary' && activeRegionOf(plan) === 'dr',
    });
    this.loadBalancer.alb.connections.allowTo(tasks, Port.tcp(containerPort), 'to the application tasks');

    this.databases = new RegionalDatabases(this, 'Database', { plan, role, vpc, securityGroup: databases });
    this.services = new RegionalServices(this, 'Service', {
      plan,
      role,
      vpc,
      securityGroup: tasks,
      databases: this.databases.connections,
      targetGroup: this.loadBalancer.targetGroup,
    });

    this.canary = plan.drills.canary.enabled
      ? new CanaryFunction(this, 'Canary', {
          plan,
          role: role === 'primary' ? 'writer' : 'reader',
          vpc,
          databaseSecurityGroup: databases,
          secrets: Object.values(this.databases.primaries).flatMap((db) =>
            db.canarySecret ? [db.canarySecret] : [],
          ),
          ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
          ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
        })
      : undefined;

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
