import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import { HistoryBuilder, type Thread } from './history-builder.ts';

/**
 * Histories of the reference plan's failover state machine (statemachines/failover.asl.json):
 * 2 databases promoted and 3 services scaled concurrently, then DNS, verify, notify.
 */
export const EXECUTION_ARN = 'arn:aws:states:us-west-2:123456789012:execution:shop-failover:drill-42';
const STATE_MACHINE_ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:shop-failover';
const STARTED = new Date('2026-11-20T10:00:00.000Z');

const REQUEST = {
  mode: 'failover',
  reason: 'Game day <drill> & audit',
  incidentId: 'DRILL-42',
  requestedBy: 'schedule:quarterly-drill',
};

const CHANGES = [
  {
    resource: 'rds:us-west-2:shop-orders-replica',
    action: 'promote',
    before: 'read replica',
    after: 'standalone primary',
  },
  {
    resource: 'ecs:us-west-2:shop-dr/shop-web',
    action: 'scale',
    before: 'desiredCount 0',
    after: 'desiredCount 2',
  },
  {
    resource: 'route53:www.shop.example.com',
    action: 'switch',
    before: 'primary.shop.example.com',
    after: 'dr.shop.example.com',
  },
];

const envelope = { correlationId: 'drill-42', executionStartTime: STARTED.toISOString() };

function at(seconds: number): string {
  return new Date(STARTED.getTime() + seconds * 1000).toISOString();
}

function preflight(thread: Thread, mode = 'failover'): void {
  thread.task({
    state: 'Preflight',
    input: { ...REQUEST, mode },
    start: 0,
    end: 3,
    output: {
      checkedAt: at(3),
      request: { ...REQUEST, mode },
      databases: [
        {
          id: 'orders',
          identifier: 'shop-orders-replica',
          readiness: 'replica-ready',
          lastActiveLagSeconds: 4.2,
        },
        {
          id: 'catalog',
          identifier: 'shop-catalog-replica',
          readiness: 'replica-ready',
          lastActiveLagSeconds: null,
        },
      ],
      changes: CHANGES,
    },
  });
}

/** One Map item's start + poll loop; `polls` status checks, `pollEvery` seconds apart. */
function pollLoop(
  thread: Thread,
  names: { start: string; check: string; choice: string; wait: string; done: string },
  item: Record<string, unknown>,
  startAt: number,
  polls: number,
  pollEvery: number,
  options: { retryFirst?: boolean; failLastWith?: { error: string; cause: string } } = {},
): number {
  const input = { ...item, ...envelope };
  thread.task({
    state: names.start,
    input,
    start: startAt,
    end: startAt + 2,
    ...(options.retryFirst ? { failedAttempts: [{ error: 'ThrottledError', cause: 'Rate exceeded' }] } : {}),
  });
  let t = startAt + 2;
  for (let poll = 1; poll <= polls; poll++) {
    thread.pass('Choice', names.choice, t);
    thread.pass('Wait', names.wait, t, t + pollEvery);
    t += pollEvery;
    const last = poll === polls;
    if (last && options.failLastWith) {
      thread.task({
        state: names.check,
        input,
        start: t,
        end: t + 1,
        failedAttempts: [{ error: 'TransientError', cause: 'ECS 503' }],
        failure: options.failLastWith,
      });
      return t + 1;
    }
    thread.task({ state: names.check, input, start: t, end: t + 1, output: { done: last, attempt: poll } });
    t += 1;
  }
  thread.pass('Choice', names.choice, t);
  thread.pass('Pass', names.done, t);
  return t;
}

const PROMOTE = {
  start: 'StartPromotion',
  check: 'CheckPromotion',
  choice: 'IsPromotionDone',
  wait: 'WaitForPromotion',
  done: 'PromotionDone',
};
const SCALE = {
  start: 'StartScaling',
  check: 'CheckScaling',
  choice: 'IsScalingDone',
  wait: 'WaitForTasks',
  done: 'ScalingDone',
};

function recover(main: Thread, failWeb: boolean): number {
  main.event('ParallelStateEntered', 4, { stateEnteredEventDetails: { name: 'Recover', input: '{}' } });
  main.event('ParallelStateStarted', 4);
  const databases = main.fork();
  const services = main.fork();
  databases.event('MapStateEntered', 4, {
    stateEnteredEventDetails: { name: 'PromoteDatabases', input: '{}' },
  });
  databases.event('MapStateStarted', 4, { mapStateStartedEventDetails: { length: 2 } });
  services.event('MapStateEntered', 4, { stateEnteredEventDetails: { name: 'ScaleServices', input: '{}' } });
  services.event('MapStateStarted', 4, { mapStateStartedEventDetails: { length: 3 } });
  const ends: number[] = [];
  (['orders', 'catalog'] as const).forEach((databaseId, index) => {
    const iteration = databases.fork();
    iteration.event('MapIterationStarted', 4, {
      mapIterationStartedEventDetails: { name: 'PromoteDatabases', index },
    });
    const end = pollLoop(iteration, PROMOTE, { databaseId }, 4, databaseId === 'orders' ? 10 : 9, 30, {
      retryFirst: databaseId === 'orders',
    });
    iteration.event('MapIterationSucceeded', end, {
      mapIterationSucceededEventDetails: { name: 'PromoteDatabases', index },
    });
    ends.push(end);
  });
  (['web', 'api', 'worker'] as const).forEach((serviceId, index) => {
    const iteration = services.fork();
    iteration.event('MapIterationStarted', 5, {
      mapIterationStartedEventDetails: { name: 'ScaleServices', index },
    });
    const failing = failWeb && serviceId === 'web';
    const end = pollLoop(iteration, SCALE, { serviceId }, 5, failing ? 6 : 3 + index, 15, {
      ...(failing
        ? {
            failLastWith: {
              error: 'TaskStartFailureError',
              cause: JSON.stringify({
                errorType: 'TaskStartFailureError',
                errorMessage: 'shop-web tasks stopped: CannotPullContainerError',
                trace: ['at scale-service.ts:42'],
              }),
            },
          }
        : {}),
    });
    iteration.event(failing ? 'MapIterationFailed' : 'MapIterationSucceeded', end, {
      [failing ? 'mapIterationFailedEventDetails' : 'mapIterationSucceededEventDetails']: {
        name: 'ScaleServices',
        index,
      },
    });
    ends.push(end);
  });
  const end = Math.max(...ends);
  main.event(failWeb ? 'ParallelStateFailed' : 'ParallelStateSucceeded', end);
  if (!failWeb)
    main.event('ParallelStateExited', end, { stateExitedEventDetails: { name: 'Recover', output: '{}' } });
  return end;
}

export interface ShopExecution {
  describe: DescribeExecutionOutput;
  events: HistoryEvent[];
}

export function succeededFailover(): ShopExecution {
  const history = new HistoryBuilder(STARTED, REQUEST);
  const main = history.main;
  preflight(main);
  main.pass('Choice', 'IsDryRun', 3);
  main.task({ state: 'NotifyStarted', input: {}, start: 3, end: 4 });
  const t = recover(main, false);
  main.task({
    state: 'SwitchDns',
    input: envelope,
    start: t,
    end: t + 1,
    output: { done: false, attempt: 0 },
  });
  main.pass('Choice', 'IsDnsInSync', t + 1);
  main.pass('Wait', 'WaitForDnsSync', t + 1, t + 11);
  main.task({
    state: 'CheckDnsSync',
    input: envelope,
    start: t + 11,
    end: t + 12,
    output: { done: true, attempt: 1 },
  });
  const verifiedAt = at(t + 15);
  main.task({
    state: 'VerifyDrEndpoint',
    input: envelope,
    start: t + 12,
    end: t + 15,
    output: { url: 'https://dr.shop.example.com/health', httpStatus: 200, verifiedAt },
  });
  main.task({ state: 'NotifySucceeded', input: {}, start: t + 15, end: t + 16 });
  const output = JSON.stringify({
    mode: 'failover',
    outcome: 'failed-over',
    request: REQUEST,
    changes: CHANGES,
    verification: { url: 'https://dr.shop.example.com/health', httpStatus: 200, verifiedAt },
  });
  main.pass('Pass', 'FailoverSucceeded', t + 16);
  main.event('ExecutionSucceeded', t + 16, { executionSucceededEventDetails: { output } });
  return {
    describe: {
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'drill-42',
      status: 'SUCCEEDED',
      startDate: STARTED,
      stopDate: new Date(STARTED.getTime() + (t + 16) * 1000),
      input: JSON.stringify(REQUEST),
      output,
    },
    events: history.build(),
  };
}

export function failedFailover(): ShopExecution {
  const history = new HistoryBuilder(STARTED, REQUEST);
  const main = history.main;
  preflight(main);
  main.pass('Choice', 'IsDryRun', 3);
  main.task({ state: 'NotifyStarted', input: {}, start: 3, end: 4 });
  const t = recover(main, true);
  main.task({
    state: 'AssessChanges',
    input: envelope,
    start: t,
    end: t + 2,
    output: { assessedAt: at(t + 2), changes: CHANGES.slice(0, 2), unknown: [] },
  });
  main.task({ state: 'NotifyFailed', input: {}, start: t + 2, end: t + 3 });
  main.event('FailStateEntered', t + 3, {
    stateEnteredEventDetails: { name: 'FailoverFailed', input: '{}' },
  });
  const cause = JSON.stringify({
    errorType: 'TaskStartFailureError',
    errorMessage: 'shop-web tasks stopped: CannotPullContainerError',
  });
  main.event('ExecutionFailed', t + 3, {
    executionFailedEventDetails: { error: 'TaskStartFailureError', cause },
  });
  return {
    describe: {
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'drill-42',
      status: 'FAILED',
      startDate: STARTED,
      stopDate: new Date(STARTED.getTime() + (t + 3) * 1000),
      input: JSON.stringify(REQUEST),
      error: 'TaskStartFailureError',
      cause,
    },
    events: history.build(),
  };
}

export function dryRun(): ShopExecution {
  const request = { ...REQUEST, mode: 'dry-run', requestedBy: 'alice@example.com' };
  const history = new HistoryBuilder(STARTED, request);
  preflight(history.main, 'dry-run');
  history.main.pass('Choice', 'IsDryRun', 3);
  const output = JSON.stringify({
    mode: 'dry-run',
    outcome: 'would-fail-over',
    request,
    wouldChange: CHANGES,
  });
  history.main.pass('Pass', 'DryRunReport', 3);
  history.main.event('ExecutionSucceeded', 3, { executionSucceededEventDetails: { output } });
  return {
    describe: {
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'drill-42',
      status: 'SUCCEEDED',
      startDate: STARTED,
      stopDate: new Date(STARTED.getTime() + 3000),
      input: JSON.stringify(request),
      output,
    },
    events: history.build(),
  };
}
