import { randomUUID } from 'node:crypto';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';

/**
 * ECS on Fargate as drctl sees it. Primary services run their tasks; the DR services are the
 * pilot light at desired 0. The service scheduler starts missing tasks, which go PROVISIONING →
 * PENDING → RUNNING, then HEALTHY (container health check) and then pass their first ALB target
 * health check. A start-failure fault stops them with TaskFailedToStart and the fault's reason;
 * the deployment circuit breaker marks the rollout FAILED after enough failed tasks.
 */
export interface Cluster {
  name: string;
  region: string;
  arn: string;
}

export interface Deployment {
  id: string;
  status: 'PRIMARY';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  createdAt: Date;
  updatedAt: Date;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
}

export interface Service {
  name: string;
  arn: string;
  cluster: Cluster;
  region: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  createdAt: Date;
  deployment: Deployment;
  events: { id: string; createdAt: Date; message: string }[];
  targetGroupArn: string;
  containerName: string;
}

export interface Task {
  arn: string;
  id: string;
  service: Service;
  lastStatus: 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEPROVISIONING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  healthStatus: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';
  /** Passed its first ALB target health check and receives traffic. */
  targetHealthy: boolean;
  createdAt: Date;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  startedAt?: Date;
  stoppingAt?: Date;
  stoppedAt?: Date;
  stopCode?: string;
  stoppedReason?: string;
  containerReason?: string;
  exitCode?: number;
}

/** Where a start-failure fault applies, and the reason ECS reports. */
export type StartFailureLookup = (service: Service) => string | undefined;

export class EcsModel {
  readonly clusters = new Map<string, Cluster>();
  readonly services = new Map<string, Service>();
  readonly tasks: Task[] = [];
  private readonly context: WorldContext;
  private deploymentCounter = 1;
  /** Filled in by the world's faults. */
  startFailure: StartFailureLookup = () => undefined;

  constructor(context: WorldContext) {
    this.context = context;
    const { plan } = context;
    const now = context.clock.now();
    for (const service of plan.services) {
      const primary = this.seedService(
        plan.regions.primary,
        service.primary.cluster,
        service.primary.service,
        service.primary.desiredCount,
        now,
      );
      for (let i = 0; i < service.primary.desiredCount; i++) this.seedRunningTask(primary, now);
      this.seedService(plan.regions.dr, service.cluster, service.service, 0, now);
    }
    context.scheduler.every(context.timings.serviceSchedulerSeconds * 1000, (at) =>
      this.runServiceScheduler(at),
    );
  }

  private clusterKey(region: string, name: string): string {
    return `${region}/${name}`;
  }

  private serviceKey(region: string, cluster: string, name: string): string {
    return `${region}/${cluster}/${name}`;
  }

  private seedService(
    region: string,
    clusterName: string,
    name: string,
    desiredCount: number,
    now: number,
  ): Service {
    const { account } = this.context;
    let cluster = this.clusters.get(this.clusterKey(region, clusterName));
    if (!cluster) {
      cluster = { name: clusterName, region, arn: `arn:aws:ecs:${region}:${account}:cluster/${clusterName}` };
      this.clusters.set(this.clusterKey(region, clusterName), cluster);
    }
    const created = new Date(now - 7 * 86_400_000);
    const taskDefinition = `arn:aws:ecs:${region}:${account}:task-definition/${name}:1`;
    const service: Service = {
      name,
      arn: `arn:aws:ecs:${region}:${account}:service/${clusterName}/${name}`,
      cluster,
      region,
      status: 'ACTIVE',
      desiredCount,
      taskDefinition,
      createdAt: created,
      deployment: {
        id: `ecs-svc/${String(1_000_000_000_000 + this.deploymentCounter++)}`,
        status: 'PRIMARY',
        taskDefinition,
        desiredCount,
        failedTasks: 0,
        createdAt: created,
        updatedAt: created,
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment completed.',
      },
      events: [],
      targetGroupArn:
        `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${name}`.slice(0, 90) +
        '/0123456789abcdef',
      containerName: 'app',
    };
    this.addEvent(service, now, `(service ${name}) has reached a steady state.`);
    this.services.set(this.serviceKey(region, clusterName, name), service);
    return service;
  }

  private newTask(service: Service, at: number): Task {
    const id = randomUUID().replace(/-/g, '');
    const task: Task = {
      arn: `arn:aws:ecs:${service.region}:${this.context.account}:task/${service.cluster.name}/${id}`,
      id,
      service,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      healthStatus: 'UNKNOWN',
      targetHealthy: false,
      createdAt: new Date(at),
    };
    this.tasks.push(task);
    return task;
  }

  private seedRunningTask(service: Service, now: number): void {
    const task = this.newTask(service, now - 86_400_000);
    task.lastStatus = 'RUNNING';
    task.healthStatus = 'HEALTHY';
    task.targetHealthy = true;
    task.startedAt = new Date(now - 86_400_000 + 60_000);
  }

  findCluster(region: string, name: string): Cluster | undefined {
    return this.clusters.get(this.clusterKey(region, clusterNameOf(name)));
  }

  requireCluster(region: string, name: string | undefined): Cluster {
    const cluster = this.findCluster(region, name ?? 'default');
    if (!cluster) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return cluster;
  }

  findService(cluster: Cluster, name: string): Service | undefined {
    const short = name.includes('/') ? (name.split('/').pop() as string) : name;
    return this.services.get(this.serviceKey(cluster.region, cluster.name, short));
  }

  tasksOf(service: Service): Task[] {
    return this.tasks.filter((task) => task.service === service);
  }

  counts(service: Service): { running: number; pending: number } {
    const active = this.tasksOf(service).filter((task) => task.desiredStatus === 'RUNNING');
    return {
      running: active.filter((task) => task.lastStatus === 'RUNNING').length,
      pending: active.filter((task) => task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING')
        .length,
    };
  }

  /** Tasks that receive traffic from the load balancer. */
  healthyTargets(service: Service): number {
    return this.tasksOf(service).filter((task) => task.desiredStatus === 'RUNNING' && task.targetHealthy)
      .length;
  }

  // ---- API actions ---------------------------------------------------------------------------

  updateService(
    region: string,
    clusterName: string | undefined,
    serviceName: string,
    desiredCount: number | undefined,
  ): Service {
    const cluster = this.requireCluster(region, clusterName);
    const service = this.findService(cluster, serviceName);
    if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    if (service.status !== 'ACTIVE')
      throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
    if (desiredCount !== undefined && desiredCount !== service.desiredCount) {
      const now = this.context.clock.now();
      const before = service.desiredCount;
      service.desiredCount = desiredCount;
      service.deployment.desiredCount = desiredCount;
      service.deployment.updatedAt = new Date(now);
      if (service.deployment.rolloutState !== 'FAILED') {
        service.deployment.rolloutState = 'IN_PROGRESS';
        service.deployment.rolloutStateReason = `ECS deployment ${service.deployment.id} in progress.`;
      }
      this.context.events.record(
        'ecs.desired-count',
        now,
        `${service.cluster.name}/${service.name} desired count ${before} → ${desiredCount}`,
        { cluster: service.cluster.name, service: service.name, before, after: desiredCount },
        region,
      );
      // The scheduler reacts within its next pass; start at once so the lifecycle begins now.
      this.reconcile(service, now);
    }
    return service;
  }

  // ---- the service scheduler and task lifecycle ---------------------------------------------

  private runServiceScheduler(at: number): void {
    for (const service of this.services.values()) {
      if (this.context.isRegionUp(service.region)) this.reconcile(service, at);
    }
  }

  private reconcile(service: Service, at: number): void {
    if (service.status !== 'ACTIVE') return;
    const active = this.tasksOf(service).filter((task) => task.desiredStatus === 'RUNNING');
    if (active.length < service.desiredCount && service.deployment.rolloutState !== 'FAILED') {
      const started: Task[] = [];
      for (let i = active.length; i < service.desiredCount; i++) started.push(this.launch(service, at));
      this.addEvent(
        service,
        at,
        `(service ${service.name}) has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`,
      );
    } else if (active.length > service.desiredCount) {
      const extra = active.slice(0, active.length - service.desiredCount);
      for (const task of extra) {
        this.stop(
          task,
          at,
          'ServiceSchedulerInitiated',
          `Scaling activity initiated by (deployment ${service.deployment.id})`,
        );
      }
      this.addEvent(
        service,
        at,
        `(service ${service.name}) has stopped ${extra.length} running tasks: ${extra.map((t) => `(task ${t.id})`).join(' ')}.`,
      );
    }
  }

  private launch(service: Service, at: number): Task {
    const { scheduler, timings, random, events } = this.context;
    const task = this.newTask(service, at);
    events.record(
      'ecs.task-started',
      at,
      `task ${task.id} of ${service.name} PROVISIONING`,
      { service: service.name, task: task.id },
      service.region,
    );
    const pendingAt = at + timings.taskProvisioningSeconds * 1000;
    scheduler.at(pendingAt, (t) => {
      if (task.desiredStatus !== 'RUNNING') return;
      task.lastStatus = 'PENDING';
      task.pullStartedAt = new Date(t);
      const failure = this.startFailure(service);
      if (failure !== undefined) {
        scheduler.at(t + timings.taskFailSeconds * 1000, (stopAt) => this.failToStart(task, stopAt, failure));
        return;
      }
      const [min, max] = timings.taskPendingSeconds;
      const runningAt = t + Math.round(random.between(min, max) * 1000);
      scheduler.at(runningAt, (r) => {
        if (task.desiredStatus !== 'RUNNING') return;
        task.lastStatus = 'RUNNING';
        task.pullStoppedAt = new Date(r);
        task.startedAt = new Date(r);
        scheduler.at(r + timings.containerHealthySeconds * 1000, (h) => {
          if (task.desiredStatus !== 'RUNNING') return;
          task.healthStatus = 'HEALTHY';
          scheduler.at(h + timings.targetHealthySeconds * 1000, (g) => this.targetPassed(task, g));
        });
      });
    });
    return task;
  }

  private targetPassed(task: Task, at: number): void {
    if (task.desiredStatus !== 'RUNNING') return;
    const service = task.service;
    task.targetHealthy = true;
    this.context.events.record(
      'ecs.task-healthy',
      at,
      `task ${task.id} of ${service.name} passed its first target health check`,
      { service: service.name, task: task.id },
      service.region,
    );
    if (
      this.healthyTargets(service) >= service.desiredCount &&
      service.deployment.rolloutState === 'IN_PROGRESS'
    ) {
      service.deployment.rolloutState = 'COMPLETED';
      service.deployment.rolloutStateReason = 'ECS deployment completed.';
      service.deployment.updatedAt = new Date(at);
      this.addEvent(service, at, `(service ${service.name}) has reached a steady state.`);
      this.context.events.record(
        'ecs.service-steady',
        at,
        `${service.cluster.name}/${service.name} reached a steady state (${service.desiredCount} tasks)`,
        { cluster: service.cluster.name, service: service.name, desiredCount: service.desiredCount },
        service.region,
      );
    }
  }

  private failToStart(task: Task, at: number, reason: string): void {
    if (task.desiredStatus !== 'RUNNING') return;
    const service = task.service;
    task.containerReason = reason;
    this.stop(task, at, 'TaskFailedToStart', reason);
    service.deployment.failedTasks++;
    const threshold = Math.min(200, Math.max(3, Math.ceil(service.desiredCount * 0.5)));
    if (service.deployment.failedTasks >= threshold && service.deployment.rolloutState === 'IN_PROGRESS') {
      service.deployment.rolloutState = 'FAILED';
      service.deployment.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
      service.deployment.updatedAt = new Date(at);
      this.addEvent(
        service,
        at,
        `(service ${service.name}) (deployment ${service.deployment.id}) deployment failed: tasks failed to start.`,
      );
      this.context.events.record(
        'ecs.rollout-failed',
        at,
        `${service.cluster.name}/${service.name}: deployment failed, tasks failed to start`,
        { cluster: service.cluster.name, service: service.name, reason },
        service.region,
      );
    }
  }

  private stop(task: Task, at: number, stopCode: string, reason: string): void {
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = new Date(at);
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.targetHealthy = false;
    task.lastStatus = 'STOPPED';
    task.stoppedAt = new Date(at);
    task.exitCode = stopCode === 'TaskFailedToStart' ? undefined : 0;
    this.context.events.record(
      'ecs.task-stopped',
      at,
      `task ${task.id} of ${task.service.name} stopped: ${reason}`,
      { service: task.service.name, task: task.id, stopCode, reason },
      task.service.region,
    );
  }

  private addEvent(service: Service, at: number, message: string): void {
    service.events.unshift({ id: randomUUID(), createdAt: new Date(at), message });
    if (service.events.length > 100) service.events.length = 100;
  }
}

/** A cluster may be named by its short name or its ARN. */
export function clusterNameOf(value: string): string {
  const arn = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d+:cluster\/(.+)$/.exec(value);
  return arn?.[1] ?? value;
}
