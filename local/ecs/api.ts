import { AwsError } from '../protocol/errors.ts';
import type { ObjectService } from '../protocol/server.ts';
import { asArray, asNumber, asString, type JsonObject } from '../protocol/shapes.ts';
import type { EcsModel, Service, Task } from './model.ts';

/** ECS awsJson1_1 operations (AmazonEC2ContainerServiceV20141113). */
export function ecsApi(ecs: EcsModel): ObjectService {
  return {
    service: 'ecs',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    jsonVersion: '1.1',
    operations: {
      DescribeServices: (input, { region }) => {
        const cluster = ecs.requireCluster(region, asString(input.cluster));
        const names = asArray(input.services).map(String);
        if (names.length === 0) throw new AwsError('InvalidParameterException', 'Services cannot be empty.');
        if (names.length > 10)
          throw new AwsError('InvalidParameterException', 'Services cannot contain more than 10 items.');
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
      UpdateService: (input, { region }) => {
        const name = asString(input.service);
        if (!name) throw new AwsError('InvalidParameterException', 'Service name is required.');
        const desiredCount = asNumber(input.desiredCount);
        if (desiredCount !== undefined && (desiredCount < 0 || !Number.isInteger(desiredCount))) {
          throw new AwsError('InvalidParameterException', 'Desired count must be a non-negative integer.');
        }
        const service = ecs.updateService(region, asString(input.cluster), name, desiredCount);
        return { service: serviceJson(ecs, service) };
      },
      ListTasks: (input, { region }) => {
        const cluster = ecs.requireCluster(region, asString(input.cluster));
        const serviceName = asString(input.serviceName);
        const desiredStatus = asString(input.desiredStatus) ?? 'RUNNING';
        let tasks = ecs.tasks.filter((task) => task.service.cluster === cluster);
        if (serviceName !== undefined) {
          const service = ecs.findService(cluster, serviceName);
          if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
          tasks = tasks.filter((task) => task.service === service);
        }
        tasks = tasks.filter((task) => task.desiredStatus === desiredStatus);
        return { taskArns: tasks.map((task) => task.arn) };
      },
      DescribeTasks: (input, { region }) => {
        const cluster = ecs.requireCluster(region, asString(input.cluster));
        const ids = asArray(input.tasks).map(String);
        if (ids.length === 0) throw new AwsError('InvalidParameterException', 'Tasks cannot be empty.');
        if (ids.length > 100)
          throw new AwsError('InvalidParameterException', 'Tasks cannot contain more than 100 items.');
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
        const names = asArray(input.clusters).map(String);
        const wanted = names.length > 0 ? names : ['default'];
        const clusters: JsonObject[] = [];
        const failures: JsonObject[] = [];
        for (const name of wanted) {
          const cluster = ecs.findCluster(region, name);
          if (!cluster) {
            failures.push({ arn: name, reason: 'MISSING' });
            continue;
          }
          const services = [...ecs.services.values()].filter((s) => s.cluster === cluster);
          const counts = services.map((s) => ecs.counts(s));
          clusters.push({
            clusterArn: cluster.arn,
            clusterName: cluster.name,
            status: 'ACTIVE',
            activeServicesCount: services.length,
            runningTasksCount: counts.reduce((sum, c) => sum + c.running, 0),
            pendingTasksCount: counts.reduce((sum, c) => sum + c.pending, 0),
            registeredContainerInstancesCount: 0,
          });
        }
        return { clusters, failures };
      },
    },
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
        lastStatus: task.lastStatus === 'PROVISIONING' ? 'PENDING' : task.lastStatus,
        healthStatus: task.healthStatus,
        reason: task.containerReason,
        exitCode: task.exitCode,
      },
    ],
  };
}
