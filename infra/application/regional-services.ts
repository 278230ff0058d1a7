import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Cluster, ContainerImage, ContainerInsights, type ICluster } from 'aws-cdk-lib/aws-ecs';
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
  /** The load balancer's target group, for the plan's first service (in the application stack). */
  targetGroup?: ApplicationTargetGroup;
  /** The plan services this stack holds (default: all of them); see plan/rules/stack-size.ts. */
  services?: readonly PlanService[];
  /**
   * The region's clusters, when another stack (the application stack) created them; without it
   * these services create every cluster the plan's services use in this region.
   */
  clusters?: ReadonlyMap<string, ICluster>;
}

/**
 * The plan's services on ECS Fargate in one region, one cluster per cluster name. The primary
 * runs them at their count; the DR region is the pilot light at zero tasks, pulling images from
 * the DR replicas of the primary's repositories.
 */
export class RegionalServices extends Construct {
  readonly services: Record<string, ApplicationService> = {};
  readonly clusters = new Map<string, ICluster>();
  private readonly sharedClusters: boolean;

  constructor(scope: Construct, id: string, props: RegionalServicesProps) {
    super(scope, id);
    const { plan, role } = props;
    const active = activeRegionOf(plan);
    const fronted = loadBalancedService(plan);
    this.sharedClusters = props.clusters !== undefined;
    if (props.clusters) for (const [name, cluster] of props.clusters) this.clusters.set(name, cluster);
    // Every cluster of the region here, also those used only by services in other stacks.
    else
      for (const service of plan.services)
        this.clusterFor(regionalService(service, role, active).cluster, props.vpc);
    for (const service of props.services ?? plan.services) {
      const names = regionalService(service, role, active);
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
        ...(service.id === fronted.id && props.targetGroup ? { targetGroup: props.targetGroup } : {}),
      });
    }
  }

  private clusterFor(name: string, vpc: IVpc): ICluster {
    let cluster = this.clusters.get(name);
    if (!cluster) {
      if (this.sharedClusters)
        throw new Error(`RegionalServices: the application stack has no cluster ${name}`);
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
