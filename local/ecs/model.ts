import { randomUUID } from 'node:crypto';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';

/**
 * ECS on Fargate as drctl sees it. Primary services run their tasks; the DR services are the
 * pilot light at desired 0. The service scheduler starts missing tasks, which go PROVISIONING →
 * PENDING → RUNNING, then HEALTHY (container health check) and then pass their first ALB target
 * health check; it stops extra ones, which drain: DEACTIVATING (deregistered from the target
 * group, for its deregistration delay), STOPPING (the container's stop timeout), DEPROVISIONING
 * (the ENI detached), STOPPED. Changing only the desired count starts no new deployment (ECS
 * doesn't): the service's deployment keeps its rolloutState, and the service reports a steady
 * state when its tasks match the count again. A start-failure fault stops new tasks with
 * TaskFailedToStart and the fault's reason; while a deployment is IN_PROGRESS, the circuit
 * breaker marks it FAILED after enough failed tasks. Stopped tasks stay visible for an hour.
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
  /** A scaling activity is under way (the service reports a steady state when it ends). */
  scaling: boolean;
}

export interface Task {
  arn: string;
  id: string;
  service: Service;
  lastStatus:
    | 'PROVISIONING'
    | 'PENDING'
    | 'RUNNING'
    | 'DEACTIVATING'
    | 'STOPPING'
    | 'DEPROVISIONING'
    | 'STOPPED';
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

/** ECS quota "Tasks per service": the most a service's desired count may be (ECS service quotas). */
export const MAX_TASKS_PER_SERVICE = 5_000;
/** Stopped tasks stay visible (DescribeTasks, ListTasks) for at least an hour (ECS task lifecycle). */
const STOPPED_TASK_RETENTION_MS = 3_600_000;

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
      scaling: false,
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

  /** The ARN a service of that cluster and name has, or would have (for the mutation ledger). */
  serviceArnOf(region: string, clusterName: string | undefined, serviceName: string): string {
    if (serviceName.startsWith('arn:')) return serviceName;
    const cluster = (clusterName ?? 'default').split('/').pop() ?? 'default';
    return `arn:aws:ecs:${region}:${this.context.account}:service/${cluster}/${serviceName}`;
  }

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
    if (desiredCount !== undefined && desiredCount > MAX_TASKS_PER_SERVICE) {
      throw new AwsError(
        'InvalidParameterException',
        `The desired count ${desiredCount} exceeds the quota of ${MAX_TASKS_PER_SERVICE} tasks per service.`,
      );
    }
    if (desiredCount !== undefined && desiredCount !== service.desiredCount) {
      const now = this.context.clock.now();
      const before = service.desiredCount;
      // A new desired count alone starts no deployment: the PRIMARY one takes the new count.
      service.desiredCount = desiredCount;
      service.deployment.desiredCount = desiredCount;
      service.deployment.updatedAt = new Date(now);
      service.scaling = true;
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
    this.forgetStoppedTasks(at);
  }

  private forgetStoppedTasks(at: number): void {
    const keep = this.tasks.filter(
      (task) =>
        task.lastStatus !== 'STOPPED' || at - (task.stoppedAt?.getTime() ?? at) < STOPPED_TASK_RETENTION_MS,
    );
    if (keep.length === this.tasks.length) return;
    this.tasks.length = 0;
    this.tasks.push(...keep);
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
        `(service ${service.name}) has started ${started.length} tasks: ${started
          .slice(0, 10)
          .map((t) => `(task ${t.id})`)
          .join(' ')}${started.length > 10 ? ' ...' : ''}.`,
      );
    } else if (active.length > service.desiredCount) {
      // The newest go first; the ones already serving stay.
      const extra = active.slice(service.desiredCount).reverse();
      for (const task of extra) this.drain(task, at);
      this.addEvent(
        service,
        at,
        `(service ${service.name}) has begun draining connections on ${extra.length} tasks.`,
      );
    }
    this.checkSteady(service, at);
  }

  /** The service is steady again when its tasks match the desired count and none is on its way out. */
  private checkSteady(service: Service, at: number): void {
    if (!service.scaling) return;
    const tasks = this.tasksOf(service);
    const leaving = tasks.some((task) => task.desiredStatus === 'STOPPED' && task.lastStatus !== 'STOPPED');
    if (leaving || this.healthyTargets(service) < service.desiredCount) return;
    if (tasks.filter((task) => task.desiredStatus === 'RUNNING').length !== service.desiredCount) return;
    service.scaling = false;
    this.addEvent(service, at, `(service ${service.name}) has reached a steady state.`);
    this.context.events.record(
      'ecs.service-steady',
      at,
      `${service.cluster.name}/${service.name} reached a steady state (${service.desiredCount} tasks)`,
      { cluster: service.cluster.name, service: service.name, desiredCount: service.desiredCount },
      service.region,
    );
  }

  /**
   * Stops a task as the service scheduler does: deregistered from the target group (no new
   * requests), DEACTIVATING for the deregistration delay, STOPPING for the stop timeout,
   * DEPROVISIONING while the ENI is detached, then STOPPED.
   */
  private drain(task: Task, at: number): void {
    const { scheduler, timings } = this.context;
    const service = task.service;
    const wasServing = task.targetHealthy;
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'ServiceSchedulerInitiated';
    task.stoppedReason = `Scaling activity initiated by (deployment ${service.deployment.id})`;
    task.targetHealthy = false;
    if (task.lastStatus !== 'RUNNING') {
      // Not started yet: nothing to drain.
      this.stop(task, at, 'ServiceSchedulerInitiated', task.stoppedReason);
      return;
    }
    task.lastStatus = 'DEACTIVATING';
    task.stoppingAt = new Date(at);
    const delay = wasServing ? timings.targetDeregistrationSeconds * 1000 : 0;
    scheduler.at(at + delay, (deregistered) => {
      if (wasServing) {
        this.addEvent(
          service,
          deregistered,
          `(service ${service.name}) deregistered 1 targets in (target-group ${service.targetGroupArn})`,
        );
      }
      task.lastStatus = 'STOPPING';
      scheduler.at(deregistered + timings.taskStoppingSeconds * 1000, (stopped) => {
        task.lastStatus = 'DEPROVISIONING';
        task.exitCode = 0;
        scheduler.at(stopped + timings.taskDeprovisioningSeconds * 1000, (gone) => {
          this.stop(task, gone, 'ServiceSchedulerInitiated', task.stoppedReason ?? '');
          this.addEvent(
            service,
            gone,
            `(service ${service.name}) has stopped 1 running tasks: (task ${task.id}).`,
          );
          this.checkSteady(service, gone);
        });
      });
    });
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
      service.deployment.rolloutState === 'IN_PROGRESS' &&
      this.healthyTargets(service) >= service.desiredCount
    ) {
      service.deployment.rolloutState = 'COMPLETED';
      service.deployment.rolloutStateReason = 'ECS deployment completed.';
      service.deployment.updatedAt = new Date(at);
    }
    this.checkSteady(service, at);
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
    task.stoppingAt ??= new Date(at);
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.targetHealthy = false;
    task.lastStatus = 'STOPPED';
    task.stoppedAt = new Date(at);
    if (stopCode === 'TaskFailedToStart') task.exitCode = undefined;
    else task.exitCode ??= 0;
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
