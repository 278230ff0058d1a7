import { touch } from '../mutations.ts';
import { AwsError } from '../protocol/errors.ts';
import type { ObjectService } from '../protocol/server.ts';
import { type JsonObject, jsonInteger, jsonString, jsonStringList } from '../protocol/shapes.ts';
import type { Cluster, EcsModel, Service, Task } from './model.ts';

/**
 * ECS awsJson1_1 operations (AmazonEC2ContainerServiceV20141113), in the request's region.
 * Members of the wrong JSON type are SerializationException, as AWS's JSON services answer;
 * bounds from the ECS API reference: DescribeServices 1-10 services, DescribeTasks 1-100 tasks,
 * DescribeClusters up to 100 clusters, list operations maxResults 1-100 (ListServices defaults
 * to 10, the others to 100), desiredCount 0 up to the "Tasks per service" quota.
 */
export function ecsApi(ecs: EcsModel): ObjectService {
  return {
    service: 'ecs',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    jsonVersion: '1.1',
    operations: {
      DescribeServices: (input, { region }) => {
        const cluster = ecs.requireCluster(region, identifier(input, 'cluster'));
        const names = jsonStringList(input, 'services') ?? [];
        if (names.length === 0) throw invalid('Services cannot be empty.');
        if (names.length > 10) throw invalid('Services cannot contain more than 10 items.');
        const services: JsonObject[] = [];
        const failures: JsonObject[] = [];
        for (const name of names) {
          const service = ecs.findService(cluster, name);
          if (service) services.push(serviceJson(ecs, service));
          else
            failures.push({
              arn: name.startsWith('arn:')
                ? name
                : `${cluster.arn.replace(':cluster/', ':service/')}/${name}`,
              reason: 'MISSING',
            });
        }
        return { services, failures };
      },
      UpdateService: (input, context) => {
        const { region } = context;
        const name = identifier(input, 'service');
        if (!name) throw invalid('Service name is required.');
        touch(context, ecs.serviceArnOf(region, identifier(input, 'cluster'), name));
        const desiredCount = jsonInteger(input, 'desiredCount');
        if (desiredCount !== undefined && desiredCount < 0) {
          throw invalid('Desired count must be a non-negative integer.');
        }
        const service = ecs.updateService(region, identifier(input, 'cluster'), name, desiredCount);
        return { service: serviceJson(ecs, service) };
      },
      ListTasks: (input, { region }) => {
        const cluster = ecs.requireCluster(region, identifier(input, 'cluster'));
        const serviceName = identifier(input, 'serviceName');
        const desiredStatus = jsonString(input, 'desiredStatus') ?? 'RUNNING';
        if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desiredStatus)) {
          throw invalid(`desiredStatus must be one of RUNNING, PENDING, STOPPED.`);
        }
        let tasks = ecs.tasks.filter((task) => task.service.cluster === cluster);
        if (serviceName !== undefined) {
          const service = ecs.findService(cluster, serviceName);
          if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
          tasks = tasks.filter((task) => task.service === service);
        }
        const wanted = desiredStatus === 'PENDING' ? 'RUNNING' : desiredStatus;
        tasks = tasks.filter(
          (task) =>
            task.desiredStatus === wanted &&
            (desiredStatus !== 'PENDING' ||
              task.lastStatus === 'PROVISIONING' ||
              task.lastStatus === 'PENDING'),
        );
        const { page, nextToken } = paginate(
          tasks.map((task) => task.arn),
          input,
          100,
        );
        return { taskArns: page, nextToken };
      },
      DescribeTasks: (input, { region }) => {
        const cluster = ecs.requireCluster(region, identifier(input, 'cluster'));
        const ids = jsonStringList(input, 'tasks') ?? [];
        if (ids.length === 0) throw invalid('Tasks cannot be empty.');
        if (ids.length > 100) throw invalid('Tasks cannot contain more than 100 items.');
        const tasks: JsonObject[] = [];
        const failures: JsonObject[] = [];
        for (const id of ids) {
          const task = ecs.tasks.find((t) => t.service.cluster === cluster && (t.arn === id || t.id === id));
          if (task) tasks.push(taskJson(task));
          else failures.push({ arn: id, reason: 'MISSING' });
        }
        return { tasks, failures };
      },
      DescribeClusters: (input, { region }) => {
        const names = jsonStringList(input, 'clusters') ?? [];
        if (names.length > 100) throw invalid('Clusters cannot contain more than 100 items.');
        const wanted = names.length > 0 ? names : ['default'];
        const clusters: JsonObject[] = [];
        const failures: JsonObject[] = [];
        for (const name of wanted) {
          const cluster = ecs.findCluster(region, name);
          if (!cluster) {
            failures.push({ arn: name, reason: 'MISSING' });
            continue;
          }
          clusters.push(clusterJson(ecs, cluster));
        }
        return { clusters, failures };
      },
      ListClusters: (input, { region }) => {
        const arns = [...ecs.clusters.values()].filter((c) => c.region === region).map((c) => c.arn);
        const { page, nextToken } = paginate(arns, input, 100);
        return { clusterArns: page, nextToken };
      },
      ListServices: (input, { region }) => {
        const cluster = ecs.requireCluster(region, identifier(input, 'cluster'));
        const arns = [...ecs.services.values()].filter((s) => s.cluster === cluster).map((s) => s.arn);
        const { page, nextToken } = paginate(arns, input, 10);
        return { serviceArns: page, nextToken };
      },
    },
  };
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

/** A cluster, service or task name or ARN: a string of at most 1,600 characters (ARN length). */
function identifier(input: JsonObject, name: string): string | undefined {
  const value = jsonString(input, name);
  if (value !== undefined && value.length > 1_600) throw invalid(`${name} is too long.`);
  return value;
}

/** ECS list pagination: maxResults 1-100 (default per operation), an opaque nextToken. */
function paginate<T>(items: T[], input: JsonObject, fallback: number): { page: T[]; nextToken?: string } {
  const size = jsonInteger(input, 'maxResults') ?? fallback;
  if (size < 1 || size > 100) throw invalid('maxResults must be between 1 and 100.');
  const token = jsonString(input, 'nextToken');
  let offset = 0;
  if (token !== undefined) {
    const decoded = /^[A-Za-z0-9+/=]{1,64}$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : '';
    const match = /^ecs:(\d{1,9})$/.exec(decoded);
    if (!match || Number(match[1]) > items.length) throw invalid('Invalid nextToken.');
    offset = Number(match[1]);
  }
  const page = items.slice(offset, offset + size);
  const next =
    offset + size < items.length ? Buffer.from(`ecs:${offset + size}`).toString('base64') : undefined;
  return next === undefined ? { page } : { page, nextToken: next };
}

function clusterJson(ecs: EcsModel, cluster: Cluster): JsonObject {
  const services = [...ecs.services.values()].filter((s) => s.cluster === cluster);
  const counts = services.map((s) => ecs.counts(s));
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    activeServicesCount: services.length,
    runningTasksCount: counts.reduce((sum, c) => sum + c.running, 0),
    pendingTasksCount: counts.reduce((sum, c) => sum + c.pending, 0),
    registeredContainerInstancesCount: 0,
  };
}

function serviceJson(ecs: EcsModel, service: Service): JsonObject {
  const { running, pending } = ecs.counts(service);
  const deployment = service.deployment;
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.cluster.arn,
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: running,
    pendingCount: pending,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    taskDefinition: service.taskDefinition,
    createdAt: service.createdAt,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    loadBalancers: [
      { targetGroupArn: service.targetGroupArn, containerName: service.containerName, containerPort: 8080 },
    ],
    healthCheckGracePeriodSeconds: 60,
    deployments: [
      {
        id: deployment.id,
        status: deployment.status,
        taskDefinition: deployment.taskDefinition,
        desiredCount: deployment.desiredCount,
        pendingCount: pending,
        runningCount: running,
        failedTasks: deployment.failedTasks,
        createdAt: deployment.createdAt,
        updatedAt: deployment.updatedAt,
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        rolloutState: deployment.rolloutState,
        rolloutStateReason: deployment.rolloutStateReason,
      },
    ],
    events: service.events.slice(0, 100).map((event) => ({ ...event })),
  };
}

function taskJson(task: Task): JsonObject {
  return {
    taskArn: task.arn,
    clusterArn: task.service.cluster.arn,
    taskDefinitionArn: task.service.taskDefinition,
    group: `service:${task.service.name}`,
    startedBy: task.service.deployment.id,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    healthStatus: task.healthStatus,
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    cpu: '512',
    memory: '1024',
    availabilityZone: `${task.service.region}a`,
    connectivity: task.lastStatus === 'PROVISIONING' ? undefined : 'CONNECTED',
    createdAt: task.createdAt,
    pullStartedAt: task.pullStartedAt,
    pullStoppedAt: task.pullStoppedAt,
    startedAt: task.startedAt,
    stoppingAt: task.stoppingAt,
    stoppedAt: task.stoppedAt,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    containers: [
      {
        containerArn: `${task.arn.replace(':task/', ':container/')}/app`,
        taskArn: task.arn,
        name: task.service.containerName,
        lastStatus: containerStatus(task),
        healthStatus: task.healthStatus,
        reason: task.containerReason,
        exitCode: task.exitCode,
      },
    ],
  };
}

/** The container's own status: PENDING until the task runs, RUNNING until it has stopped. */
function containerStatus(task: Task): string {
  switch (task.lastStatus) {
    case 'PROVISIONING':
    case 'PENDING':
      return 'PENDING';
    case 'RUNNING':
    case 'DEACTIVATING':
    case 'STOPPING':
      return 'RUNNING';
    default:
      return 'STOPPED';
  }
}
