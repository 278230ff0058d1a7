import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ECSClient,
  ListTasksCommand,
  type ListTasksCommandInput,
  type Service,
  ServiceNotActiveException,
  type Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ScaleInput, scaleService } from '../../../../functions/scale-service/scale-service.ts';
import {
  InvalidInputError,
  ResourceNotFoundError,
  TaskStartFailureError,
  ThrottledError,
} from '../../../../plan/errors.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import { rejection, throttlingError } from '../aws-errors.ts';

const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
const EXECUTION_START = new Date('2026-03-01T10:00:00.000Z');
const NOW = new Date('2026-03-01T10:03:00.000Z');
const BEFORE_RUN = new Date('2026-03-01T09:30:00.000Z');
const DURING_RUN = new Date('2026-03-01T10:01:00.000Z');

const ecsMock = mockClient(ECSClient);

function ports() {
  return { plan, ecs: new ECSClient({ region: 'us-west-2' }), now: () => NOW };
}

function input(operation: 'start' | 'status', overrides: Partial<ScaleInput> = {}): ScaleInput {
  return {
    operation,
    correlationId: 'exec-7',
    executionStartTime: EXECUTION_START.toISOString(),
    serviceId: 'web',
    attempt: 0,
    startedAt: null,
    ...overrides,
  };
}

function webService(fields: Partial<Service> = {}): Service {
  return {
    serviceName: 'shop-web',
    clusterArn: 'arn:aws:ecs:us-west-2:111111111111:cluster/shop-dr',
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED', createdAt: BEFORE_RUN }],
    events: [],
    ...fields,
  };
}

function runningTask(id: string, healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' = 'HEALTHY'): Task {
  return {
    taskArn: `arn:task/${id}`,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    healthStatus,
    createdAt: DURING_RUN,
  };
}

function stoppedTask(id: string, fields: Partial<Task>): Task {
  return {
    taskArn: `arn:task/${id}`,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    createdAt: DURING_RUN,
    ...fields,
  };
}

const pullFailure = {
  stopCode: 'TaskFailedToStart' as const,
  stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
  containers: [
    {
      name: 'web',
      reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
    },
  ],
};

/** An ECS that answers DescribeServices, paged ListTasks per desired status and DescribeTasks by ARN. */
function ecsWith(service: Service, tasks: { running?: Task[]; stopped?: Task[] } = {}) {
  ecsMock.on(DescribeServicesCommand).resolves({ services: [service], failures: [] });
  const byStatus = { RUNNING: tasks.running ?? [], STOPPED: tasks.stopped ?? [] };
  const all = new Map([...byStatus.RUNNING, ...byStatus.STOPPED].map((task) => [task.taskArn ?? '', task]));
  ecsMock.on(ListTasksCommand).callsFake((request: ListTasksCommandInput) => {
    const arns = byStatus[request.desiredStatus as 'RUNNING' | 'STOPPED'].map((task) => task.taskArn ?? '');
    const offset = Number(request.nextToken ?? 0);
    const end = offset + (request.maxResults ?? 100);
    return { taskArns: arns.slice(offset, end), ...(end < arns.length ? { nextToken: String(end) } : {}) };
  });
  ecsMock.on(DescribeTasksCommand).callsFake((request: DescribeTasksCommandInput) => {
    if ((request.tasks ?? []).length > 100) throw new Error('InvalidParameterException: too many tasks');
    return { tasks: (request.tasks ?? []).map((arn) => all.get(arn)), failures: [] };
  });
}

beforeEach(() => {
  ecsMock.reset();
});

describe('scale-service start', () => {
  it('scales the pilot-light service to its DR size', async () => {
    // Prepare
    ecsWith(webService({ desiredCount: 0, runningCount: 0 }));
    ecsMock.on(UpdateServiceCommand).resolves({ service: webService({ desiredCount: 2, runningCount: 0 }) });

    // Act
    const output = await scaleService(ports(), input('start'));

    // Assess
    const calls = ecsMock.commandCalls(UpdateServiceCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ cluster: 'shop-dr', service: 'shop-web', desiredCount: 2 });
    expect(output).toEqual({
      serviceId: 'web',
      cluster: 'shop-dr',
      service: 'shop-web',
      desiredCount: 2,
      runningCount: 0,
      pendingCount: 0,
      rolloutState: 'COMPLETED',
      stoppedReasons: [],
      done: false,
      alreadyScaled: false,
      startedAt: NOW.toISOString(),
      completedAt: null,
      attempt: 0,
    });
  });

  it('reports a service already serving at its DR size as done without updating it', async () => {
    // Prepare
    ecsWith(webService({ desiredCount: 2 }), { running: [runningTask('a'), runningTask('b')] });

    // Act
    const output = await scaleService(ports(), input('start'));

    // Assess
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(output).toMatchObject({
      alreadyScaled: true,
      done: true,
      desiredCount: 2,
      startedAt: null,
      completedAt: NOW.toISOString(),
    });
  });

  it('does not update a service already scaled whose tasks are still starting', async () => {
    // Prepare
    ecsWith(webService({ desiredCount: 2, runningCount: 0, pendingCount: 2 }));

    // Act
    const output = await scaleService(ports(), input('start'));

    // Assess
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(output).toMatchObject({ alreadyScaled: true, done: false, completedAt: null });
  });

  it('reports a service ECS does not know as not found, naming cluster and service', async () => {
    // Prepare
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [],
      failures: [{ arn: 'arn:aws:ecs:us-west-2:111111111111:service/shop-dr/shop-web', reason: 'MISSING' }],
    });

    // Act
    const error = await rejection(scaleService(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toContain('shop-web');
    expect(error.message).toContain('shop-dr');
    expect(error.message).toContain('MISSING');
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it.each(['INACTIVE', 'DRAINING'])('reports a %s service as not found', async (status) => {
    // Prepare
    ecsWith(webService({ status, desiredCount: 0 }));

    // Act
    const error = await rejection(scaleService(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toContain(status);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('reports a missing cluster as not found', async () => {
    // Prepare
    ecsMock
      .on(DescribeServicesCommand)
      .rejects(new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: {} }));

    // Act
    const error = await rejection(scaleService(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toContain('shop-dr');
  });

  it('reports a service that went inactive between read and update as not found', async () => {
    // Prepare
    ecsWith(webService({ desiredCount: 0 }));
    ecsMock
      .on(UpdateServiceCommand)
      .rejects(new ServiceNotActiveException({ message: 'Service was not ACTIVE.', $metadata: {} }));

    // Act
    const error = await rejection(scaleService(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
  });

  it('turns throttling into a retryable error', async () => {
    // Prepare
    ecsMock.on(DescribeServicesCommand).rejects(throttlingError('ThrottlingException'));

    // Act
    const error = await rejection(scaleService(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryable).toBe(true);
  });

  it('rejects a service id the plan does not know, naming the field, before any call', async () => {
    // Prepare
    ecsWith(webService());

    // Act
    const error = await rejection(scaleService(ports(), input('start', { serviceId: 'billing' })));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('serviceId');
    expect(ecsMock.calls()).toHaveLength(0);
  });
});

describe('scale-service status', () => {
  it('reports done when the DR size runs and every task is healthy', async () => {
    // Prepare
    ecsWith(webService(), { running: [runningTask('a'), runningTask('b')] });

    // Act
    const output = await scaleService(ports(), input('status', { attempt: 4 }));

    // Assess
    expect(output).toMatchObject({
      done: true,
      runningCount: 2,
      completedAt: NOW.toISOString(),
      attempt: 5,
      stoppedReasons: [],
    });
  });

  it('is not done while a running task has not passed its health check yet', async () => {
    // Prepare
    ecsWith(webService(), { running: [runningTask('a'), runningTask('b', 'UNKNOWN')] });

    // Act
    const output = await scaleService(ports(), input('status'));

    // Assess
    expect(output).toMatchObject({ done: false, completedAt: null, attempt: 1 });
  });

  it('is not done while tasks are still pending', async () => {
    // Prepare
    ecsWith(webService({ runningCount: 1, pendingCount: 1 }), {
      running: [
        runningTask('a'),
        { ...runningTask('b'), lastStatus: 'PROVISIONING', healthStatus: 'UNKNOWN' },
      ],
    });

    // Act
    const output = await scaleService(ports(), input('status'));

    // Assess
    expect(output).toMatchObject({ done: false, runningCount: 1, pendingCount: 1 });
  });

  it('fails the step with the reason when the tasks cannot start', async () => {
    // Prepare
    ecsWith(webService({ runningCount: 0, pendingCount: 0 }), {
      stopped: [stoppedTask('x', pullFailure), stoppedTask('y', pullFailure)],
    });

    // Act
    const error = await rejection(scaleService(ports(), input('status')));

    // Assess
    expect(error).toBeInstanceOf(TaskStartFailureError);
    expect((error as TaskStartFailureError).retryable).toBe(false);
    expect(error.message.match(/CannotPullContainerError/g)).toHaveLength(1);
    expect(error.message).toContain('shop-web');
  });

  it('ignores tasks that stopped before this run started', async () => {
    // Prepare
    ecsWith(webService({ runningCount: 0, pendingCount: 2 }), {
      stopped: [
        stoppedTask('old-1', { ...pullFailure, createdAt: BEFORE_RUN }),
        stoppedTask('old-2', { ...pullFailure, createdAt: BEFORE_RUN }),
      ],
    });

    // Act
    const output = await scaleService(ports(), input('status'));

    // Assess
    expect(output).toMatchObject({ done: false, stoppedReasons: [] });
  });

  it('keeps polling after fewer failures than the DR size but reports why', async () => {
    // Prepare
    const exited = stoppedTask('x', {
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'web', exitCode: 137 }],
    });
    ecsWith(webService({ runningCount: 1, pendingCount: 1 }), {
      running: [runningTask('a')],
      stopped: [exited],
    });

    // Act
    const output = await scaleService(ports(), input('status'));

    // Assess
    expect(output.done).toBe(false);
    expect(output.stoppedReasons).toEqual(['Essential container in task exited; web exited with code 137']);
  });

  it('does not count tasks a person stopped as start failures', async () => {
    // Prepare
    const stoppedByHand = (id: string) =>
      stoppedTask(id, { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' });
    ecsWith(webService({ runningCount: 0, pendingCount: 2 }), {
      stopped: [stoppedByHand('x'), stoppedByHand('y')],
    });

    // Act
    const output = await scaleService(ports(), input('status'));

    // Assess
    expect(output).toMatchObject({ done: false, stoppedReasons: [] });
  });

  it('fails the step when the deployment circuit breaker has failed it', async () => {
    // Prepare
    ecsWith(
      webService({
        runningCount: 0,
        deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker' }],
      }),
    );

    // Act
    const error = await rejection(scaleService(ports(), input('status')));

    // Assess
    expect(error).toBeInstanceOf(TaskStartFailureError);
    expect(error.message).toContain('FAILED');
  });

  it('reports placement problems from the service events', async () => {
    // Prepare
    ecsWith(
      webService({
        runningCount: 0,
        pendingCount: 0,
        events: [
          {
            createdAt: DURING_RUN,
            message: '(service shop-web) was unable to place a task. Reason: no IP address.',
          },
          { createdAt: BEFORE_RUN, message: '(service shop-web) was unable to place a task. Reason: old.' },
        ],
      }),
    );

    // Act
    const output = await scaleService(ports(), input('status'));

    // Assess
    expect(output.stoppedReasons).toEqual([
      '(service shop-web) was unable to place a task. Reason: no IP address.',
    ]);
  });

  it('describes many tasks in batches of at most 100', async () => {
    // Prepare
    const running = Array.from({ length: 250 }, (_, i) => runningTask(`t${i}`));
    ecsWith(webService({ desiredCount: 250, runningCount: 250 }), { running });

    // Act
    const output = await scaleService(ports(), input('status'));

    // Assess
    const batches = ecsMock
      .commandCalls(DescribeTasksCommand)
      .map((call) => call.args[0].input.tasks?.length);
    expect(batches).toEqual([100, 100, 50]);
    expect(output.done).toBe(true);
  });
});
