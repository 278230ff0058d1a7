import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Cluster, ContainerImage, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import type { ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { Plan, PlanService } from '../../plan/schema.ts';
import { healthCheckPath, loadBalancedService, repositoryName } from '../config/names.ts';
import { activeRegionOf } from '../config/plan-arns.ts';
import type { RegionRole } from '../config/plan-environment.ts';
import { ApplicationService, type DatabaseConnection } from './application-service.ts';

export interface RegionalServicesProps {
  plan: Plan;
  role: RegionRole;
  vpc: IVpc;
  securityGroup: ISecurityGroup;
  databases: DatabaseConnection[];
  /** The load balancer's target group, for the plan's first service. */
  targetGroup: ApplicationTargetGroup;
}

/**
 * The plan's services on ECS Fargate in one region, one cluster per cluster name. The primary
 * runs them at their count; the DR region is the pilot light at zero tasks, pulling images from
 * the DR replicas of the primary's repositories.
 */
export class RegionalServices extends Construct {
  readonly services: Record<string, ApplicationService> = {};
  readonly clusters = new Map<string, Cluster>();

  constructor(scope: Construct, id: string, props: RegionalServicesProps) {
    super(scope, id);
    const { plan, role } = props;
    const fronted = loadBalancedService(plan);
    for (const service of plan.services) {
      const names = regionalService(service, role, activeRegionOf(plan));
      this.services[service.id] = new ApplicationService(this, service.id, {
        cluster: this.clusterFor(names.cluster, props.vpc),
        serviceName: names.service,
        vpc: props.vpc,
        securityGroup: props.securityGroup,
        image: this.imageFor(plan, service),
        containerPort: plan.deployment?.containerPort ?? 8080,
        healthCheckPath: healthCheckPath(plan, role),
        desiredCount: names.desiredCount,
        databases: props.databases,
        ...(service.id === fronted.id ? { targetGroup: props.targetGroup } : {}),
      });
    }
  }

  private clusterFor(name: string, vpc: IVpc): Cluster {
    let cluster = this.clusters.get(name);
    if (!cluster) {
      cluster = new Cluster(this, `Cluster-${name}`, {
        clusterName: name,
        vpc,
        containerInsightsV2: ContainerInsights.ENABLED,
      });
      this.clusters.set(name, cluster);
    }
    return cluster;
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

/**
 * A plan service's names and count in one region: the active region (deployment.activeRegion)
 * runs it at its count, the other at zero tasks (the pilot light before a failover, the fenced
 * old primary after one, so that a redeploy after a failover keeps the DR services scaled).
 */
function regionalService(service: PlanService, role: RegionRole, active: RegionRole) {
  return role === 'primary'
    ? {
        cluster: service.primary.cluster,
        service: service.primary.service,
        desiredCount: active === 'primary' ? service.primary.desiredCount : 0,
      }
    : {
        cluster: service.cluster,
        service: service.service,
        desiredCount: active === 'dr' ? service.drDesiredCount : 0,
      };
}
