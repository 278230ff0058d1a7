import { type IVpc, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Cluster, ContainerImage, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Plan, PlanService } from '../../plan/schema.ts';
import {
  databaseEnvPrefix,
  databaseSecretName,
  healthCheckPath,
  loadBalancedService,
  repositoryName,
} from '../config/names.ts';
import { dbInstanceArn } from '../config/plan-arns.ts';
import type { RegionRole } from '../config/plan-environment.ts';
import { ApplicationService, type DatabaseConnection } from './application-service.ts';
import { enginePort } from './database-engine.ts';
import { LoadBalancer } from './load-balancer.ts';
import { PrimaryDatabase } from './primary-database.ts';
import { ReplicaDatabase } from './replica-database.ts';

export interface RegionalApplicationProps {
  plan: Plan;
  role: RegionRole;
  vpc: IVpc;
  logsBucket: IBucket;
}

/**
 * The reference application in one region. Primary: Multi-AZ databases and services at their
 * running count. DR (pilot light): encrypted cross-region replicas and the same services at 0
 * tasks, ready for the failover to promote and scale. Each region gets its own regional DNS
 * name (plan.application.<region>.target) aliased to its load balancer.
 */
export class RegionalApplication extends Construct {
  readonly loadBalancer: LoadBalancer;
  readonly services: Record<string, ApplicationService> = {};
  readonly primaryDatabases: Record<string, PrimaryDatabase> = {};
  readonly replicaDatabases: Record<string, ReplicaDatabase> = {};

  constructor(scope: Construct, id: string, props: RegionalApplicationProps) {
    super(scope, id);
    const { plan, role, vpc } = props;
    const deployment = plan.deployment;
    const containerPort = deployment?.containerPort ?? 8080;
    const instanceClass = deployment?.dbInstanceClass ?? 'db.t4g.medium';
    const path = healthCheckPath(plan, role);

    const albToTasks = new SecurityGroup(this, 'TasksSecurityGroup', {
      vpc,
      description: 'Application tasks: reachable only from the load balancer',
    });
    const databases = new SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc,
      description: 'Databases: reachable only from the application tasks (and the rotation function)',
      allowAllOutbound: false,
    });

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      vpc,
      logsBucket: props.logsBucket,
      certificateArn: deployment?.certificateArns?.[role],
      targetPort: containerPort,
      healthCheckPath: path,
    });
    this.loadBalancer.alb.connections.allowTo(
      albToTasks,
      Port.tcp(containerPort),
      'to the application tasks',
    );

    const connections: DatabaseConnection[] = plan.databases.map((db) => {
      if (role === 'primary') {
        const primary = new PrimaryDatabase(this, `Database-${db.id}`, {
          database: db,
          vpc,
          securityGroup: databases,
          instanceClass,
          engineVersion: deployment?.engineVersion,
          secretName: databaseSecretName(plan, db),
          drRegion: plan.regions.dr,
        });
        this.primaryDatabases[db.id] = primary;
        return {
          prefix: databaseEnvPrefix(db),
          host: primary.instance.dbInstanceEndpointAddress,
          port: primary.instance.dbInstanceEndpointPort,
          secret: primary.secret,
        };
      }
      const replica = new ReplicaDatabase(this, `Database-${db.id}`, {
        database: db,
        sourceArn: dbInstanceArn(plan, db.primary.region, db.primary.identifier),
        vpc,
        securityGroup: databases,
        instanceClass,
        engineVersion: deployment?.engineVersion,
      });
      this.replicaDatabases[db.id] = replica;
      return {
        prefix: databaseEnvPrefix(db),
        host: replica.instance.dbInstanceEndpointAddress,
        port: replica.instance.dbInstanceEndpointPort,
        // Secrets Manager keeps the replicated secret's name in the DR region.
        secret: Secret.fromSecretNameV2(this, `Secret-${db.id}`, databaseSecretName(plan, db)),
      };
    });

    for (const port of new Set(plan.databases.map((db) => enginePort(db.engine)))) {
      databases.addIngressRule(albToTasks, Port.tcp(port), 'from the application tasks');
    }

    const clusters = new Map<string, Cluster>();
    const clusterFor = (name: string) => {
      let cluster = clusters.get(name);
      if (!cluster) {
        cluster = new Cluster(this, `Cluster-${name}`, {
          clusterName: name,
          vpc,
          containerInsightsV2: ContainerInsights.ENABLED,
        });
        clusters.set(name, cluster);
      }
      return cluster;
    };
    const fronted = loadBalancedService(plan);
    for (const service of plan.services) {
      const names = regionalService(service, role);
      this.services[service.id] = new ApplicationService(this, `Service-${service.id}`, {
        cluster: clusterFor(names.cluster),
        serviceName: names.service,
        vpc,
        securityGroup: albToTasks,
        image: this.imageFor(plan, service),
        containerPort,
        healthCheckPath: path,
        desiredCount: names.desiredCount,
        databases: connections,
        ...(service.id === fronted.id ? { targetGroup: this.loadBalancer.targetGroup } : {}),
      });
    }

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

  private imageFor(plan: Plan, service: PlanService): ContainerImage {
    const configured = plan.deployment?.containerImage;
    if (configured) return ContainerImage.fromRegistry(configured);
    const repository = Repository.fromRepositoryName(
      this,
      `Repository-${service.id}`,
      repositoryName(plan, service),
    );
    return ContainerImage.fromEcrRepository(repository, 'latest');
  }
}

/** A plan service's names in one region; the DR side is the pilot light at zero tasks. */
function regionalService(service: PlanService, role: RegionRole) {
  return role === 'primary'
    ? {
        cluster: service.primary.cluster,
        service: service.primary.service,
        desiredCount: service.primary.desiredCount,
      }
    : { cluster: service.cluster, service: service.service, desiredCount: 0 };
}
