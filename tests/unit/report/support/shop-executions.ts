import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import { HistoryBuilder, type Thread } from './history-builder.ts';

/**
 * Histories of the reference plan's failover state machine (statemachines/failover.asl.json), as
 * Step Functions writes them: preflight, the decision loop when the run waits for a person,
 * confirm, the promotions started (the point of no return), then in parallel the promotion polls
 * of 2 databases, the scaling of 3 services, the started notice and the fencing loop; then the
 * traffic switch, verify and notify. Variants end with no change (skipped, stood down, denied,
 * timed out) or fail.
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

export function at(seconds: number): string {
  return new Date(STARTED.getTime() + seconds * 1000).toISOString();
}

export interface ShopExecution {
  describe: DescribeExecutionOutput;
  events: HistoryEvent[];
}

export interface ShopRun {
  requestedBy?: string;
  /** The run waits for a decision: its outcome after `checks` looks (timed-out: no decision at all). */
  decision?: { outcome: 'approved' | 'denied' | 'timed-out'; checks: number; acceptDataLossSeconds?: number };
  /** Preflight refuses: another failover holds the lock. */
  skipped?: boolean;
  /** Confirm finds the primary healthy again. */
  standDown?: boolean;
  failWeb?: boolean;
  /** The fencing loop's passes; its last one fences everything unless `fencePending`. */
  fencePasses?: number;
  fencePending?: boolean;
}

const RPO_OVER = {
  budgetSeconds: 60,
  worstLagSeconds: 240,
  verdict: 'over',
  offences: [
    'rds:us-west-2:shop-orders-replica last active replica lag was 240 s, over the RPO budget of 60 s',
  ],
};
const RPO_WITHIN = { budgetSeconds: 60, worstLagSeconds: 4.2, verdict: 'within', offences: [] };

function preflight(thread: Thread, request: Record<string, unknown>, waits: boolean): void {
  thread.task({
    state: 'Preflight',
    input: request,
    start: 0,
    end: 3,
    output: {
      checkedAt: at(3),
      request,
      databases: [
        {
          id: 'orders',
          identifier: 'shop-orders-replica',
          readiness: 'replica-ready',
          lastActiveLagSeconds: waits ? 240 : 4.2,
        },
        {
          id: 'catalog',
          identifier: 'shop-catalog-replica',
          readiness: 'replica-ready',
          lastActiveLagSeconds: null,
        },
      ],
      rpo: waits ? RPO_OVER : RPO_WITHIN,
      decision: waits
        ? { required: true, reasons: ['the RPO guard cannot accept the replica lag'] }
        : { required: false, reasons: [] },
      estimatedRecoverySeconds: 450,
      changes: CHANGES,
    },
  });
}

function decisionOutput(attempt: number, status: string, recorded: Record<string, unknown> | null) {
  return {
    parameter: '/drctl/shop/decisions/drill-42',
    checkedAt: at(3 + attempt * 30),
    status,
    decision: recorded,
    problem: null,
    attempt,
  };
}

/** RequestDecision, then `checks` looks 30 s apart. Returns the decision output and when the loop ended. */
function decisionLoop(
  thread: Thread,
  decision: NonNullable<ShopRun['decision']>,
): { end: number; output: unknown } {
  thread.task({ state: 'RequestDecision', input: { request: REQUEST }, start: 3, end: 4 });
  thread.pass('Pass', 'StartWaiting', 4);
  let t = 4;
  let output: unknown = { status: 'pending', attempt: 0 };
  for (let attempt = 1; attempt <= decision.checks; attempt++) {
    thread.pass('Wait', 'WaitForDecision', t, t + 30);
    t += 30;
    const last = attempt === decision.checks;
    const decided = last && decision.outcome !== 'timed-out';
    const recorded = decided
      ? {
          decision: decision.outcome === 'approved' ? 'approve' : 'deny',
          reason: decision.outcome === 'approved' ? 'customers cannot check out' : 'primary is coming back',
          author: 'arn:aws:sts::123456789012:assumed-role/oncall/alice',
          decidedBy: 'alice',
          decidedAt: at(t - 5),
          acceptDataLossSeconds: decision.acceptDataLossSeconds ?? null,
          acceptUnknownDataLoss: false,
        }
      : null;
    output = decisionOutput(attempt, decided ? decision.outcome : 'pending', recorded);
    thread.task({ state: 'CheckDecision', input: { attempt: attempt - 1 }, start: t, end: t + 1, output });
    t += 1;
    thread.pass('Choice', 'DecisionMade', t);
  }
  return { end: t, output };
}

/** A Map over the plan items whose iterations run `body` side by side; returns when the last ended. */
function map(
  thread: Thread,
  state: string,
  items: readonly string[],
  startAt: number,
  body: (iteration: Thread, item: string, index: number) => { end: number; failed?: boolean },
): { end: number; failed: boolean } {
  thread.event('MapStateEntered', startAt, { stateEnteredEventDetails: { name: state, input: '{}' } });
  thread.event('MapStateStarted', startAt, { mapStateStartedEventDetails: { length: items.length } });
  let end = startAt;
  let failed = false;
  items.forEach((item, index) => {
    const iteration = thread.fork();
    iteration.event('MapIterationStarted', startAt, {
      mapIterationStartedEventDetails: { name: state, index },
    });
    const result = body(iteration, item, index);
    iteration.event(result.failed ? 'MapIterationFailed' : 'MapIterationSucceeded', result.end, {
      [result.failed ? 'mapIterationFailedEventDetails' : 'mapIterationSucceededEventDetails']: {
        name: state,
        index,
      },
    });
    end = Math.max(end, result.end);
    failed ||= result.failed === true;
  });
  if (!failed) {
    thread.event('MapStateSucceeded', end);
    thread.event('MapStateExited', end, { stateExitedEventDetails: { name: state, output: '[]' } });
  } else thread.event('MapStateFailed', end);
  return { end, failed };
}

function startPromotions(thread: Thread, t: number, retryOrders: boolean): number {
  return map(thread, 'StartPromotions', ['orders', 'catalog'], t, (iteration, databaseId) => {
    iteration.task({
      state: 'StartPromotion',
      input: { databaseId, ...envelope },
      start: t,
      end: t + 2,
      output: { databaseId, done: false, status: 'modifying', attempt: 0 },
      ...(retryOrders && databaseId === 'orders'
        ? { failedAttempts: [{ error: 'ThrottledError', cause: 'Rate exceeded' }] }
        : {}),
    });
    iteration.pass('Pass', 'PromotionStarted', t + 2);
    return { end: t + 2 };
  }).end;
}

/** Polls of one started item: `polls` checks, `every` seconds apart; the last is done (or fails). */
function polls(
  thread: Thread,
  names: { check: string; choice: string; wait: string; done: string },
  item: Record<string, unknown>,
  startAt: number,
  count: number,
  every: number,
  failLastWith?: { error: string; cause: string },
): { end: number; failed?: boolean } {
  const input = { ...item, ...envelope };
  let t = startAt;
  for (let poll = 1; poll <= count; poll++) {
    thread.pass('Choice', names.choice, t);
    thread.pass('Wait', names.wait, t, t + every);
    t += every;
    if (poll === count && failLastWith) {
      thread.task({
        state: names.check,
        input,
        start: t,
        end: t + 1,
        failedAttempts: [{ error: 'TransientError', cause: 'ECS 503' }],
        failure: failLastWith,
      });
      return { end: t + 1, failed: true };
    }
    thread.task({
      state: names.check,
      input,
      start: t,
      end: t + 1,
      output: { done: poll === count, attempt: poll },
    });
    t += 1;
  }
  thread.pass('Choice', names.choice, t);
  thread.pass('Pass', names.done, t);
  return { end: t };
}

const PROMOTE = {
  check: 'CheckPromotion',
  choice: 'IsPromotionDone',
  wait: 'WaitForPromotion',
  done: 'PromotionDone',
};
const SCALE = { check: 'CheckScaling', choice: 'IsScalingDone', wait: 'WaitForTasks', done: 'ScalingDone' };

function fenceOutput(attempt: number, fenced: boolean) {
  const outcome = fenced ? 'fenced' : 'pending';
  const detail = fenced ? 'desiredCount 0 set' : 'region does not answer yet (TimeoutError)';
  return {
    checkedAt: at(100 + attempt * 15),
    failedOver: true,
    recoveryComplete: fenced,
    attempt,
    done: fenced,
    resources: [
      { resource: 'ecs:us-east-1:shop/shop-web', kind: 'service', action: 'desiredCount 0', outcome, detail },
      {
        resource: 'rds:us-east-1:shop-orders',
        kind: 'database',
        action: 'read_only=1',
        outcome,
        detail: fenced ? 'read_only=1 set in shop-orders-params (applied immediately)' : detail,
      },
      {
        resource: 'route53:Z0SHOP:www.shop.example.com CNAME',
        kind: 'traffic',
        action: 'traffic gate closed',
        outcome: 'pending',
        detail: 'gate open: the failover closes it once the DR side is ready',
      },
    ],
  };
}

function fenceLoop(
  thread: Thread,
  t: number,
  passes: number,
  pending: boolean,
  cutAt: number | null,
): number {
  thread.pass('Pass', 'FenceFirst', t);
  let at2 = t;
  for (let attempt = 0; attempt < passes; attempt++) {
    if (cutAt !== null && at2 + 1 > cutAt) return at2;
    const last = attempt === passes - 1;
    thread.task({
      state: 'FencePrimary',
      input: { attempt },
      start: at2,
      end: at2 + 1,
      output: fenceOutput(attempt, last && !pending),
    });
    at2 += 1;
    thread.pass('Choice', 'IsFenceDone', at2);
    if (last) break;
    thread.pass('Wait', 'WaitForFence', at2, at2 + 15);
    at2 += 15;
  }
  if (cutAt !== null) return at2;
  thread.pass('Pass', 'FenceDone', at2);
  return at2;
}

function recover(main: Thread, t: number, run: ShopRun): { end: number; fencing: unknown } {
  const failWeb = run.failWeb === true;
  main.event('ParallelStateEntered', t, { stateEnteredEventDetails: { name: 'Recover', input: '{}' } });
  main.event('ParallelStateStarted', t);
  const databases = map(main.fork(), 'PromoteDatabases', ['orders', 'catalog'], t, (iteration, databaseId) =>
    polls(iteration, PROMOTE, { databaseId }, t, databaseId === 'orders' ? 10 : 9, 30),
  );
  const services = map(
    main.fork(),
    'ScaleServices',
    ['web', 'api', 'worker'],
    t,
    (iteration, serviceId, index) => {
      iteration.task({
        state: 'StartScaling',
        input: { serviceId, ...envelope },
        start: t,
        end: t + 1,
        output: { serviceId, done: false, attempt: 0 },
      });
      const failing = failWeb && serviceId === 'web';
      return polls(
        iteration,
        SCALE,
        { serviceId },
        t + 1,
        failing ? 6 : 3 + index,
        15,
        failing ? WEB_FAILURE : undefined,
      );
    },
  );
  const notice = main.fork();
  notice.task({ state: 'NotifyStarted', input: {}, start: t, end: t + 2 });
  notice.pass('Pass', 'StartedNoticeSent', t + 2);
  const cutAt = failWeb ? services.end : null;
  const passes = run.fencePasses ?? 3;
  const fenceEnd = fenceLoop(main.fork(), t, passes, run.fencePending === true, cutAt);
  const end = failWeb ? services.end : Math.max(databases.end, services.end, fenceEnd);
  main.event(failWeb ? 'ParallelStateFailed' : 'ParallelStateSucceeded', end);
  if (!failWeb)
    main.event('ParallelStateExited', end, { stateExitedEventDetails: { name: 'Recover', output: '{}' } });
  return { end, fencing: fenceOutput(passes - 1, run.fencePending !== true) };
}

const WEB_FAILURE = {
  error: 'TaskStartFailureError',
  cause: JSON.stringify({
    errorType: 'TaskStartFailureError',
    errorMessage: 'shop-web tasks stopped: CannotPullContainerError',
    trace: ['at scale-service.ts:42'],
  }),
};

function ended(
  history: HistoryBuilder,
  request: Record<string, unknown>,
  end: number,
  result: { status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED'; error: string; cause: string },
): ShopExecution {
  if (result.status === 'SUCCEEDED') {
    history.main.event('ExecutionSucceeded', end, {
      executionSucceededEventDetails: { output: JSON.stringify(result.output) },
    });
  } else {
    history.main.event('ExecutionFailed', end, {
      executionFailedEventDetails: { error: result.error, cause: result.cause },
    });
  }
  return {
    describe: {
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'drill-42',
      status: result.status,
      startDate: STARTED,
      stopDate: new Date(STARTED.getTime() + end * 1000),
      input: JSON.stringify(request),
      ...(result.status === 'SUCCEEDED'
        ? { output: JSON.stringify(result.output) }
        : { error: result.error, cause: result.cause }),
    },
    events: history.build(),
  };
}

/** A failover run, the reference way (or one of its variants). */
export function failoverRun(run: ShopRun = {}): ShopExecution {
  const request = { ...REQUEST, requestedBy: run.requestedBy ?? REQUEST.requestedBy };
  const history = new HistoryBuilder(STARTED, request);
  const main = history.main;
  if (run.skipped) {
    main.task({
      state: 'Preflight',
      input: request,
      start: 0,
      end: 2,
      failure: {
        error: 'FailoverInProgressError',
        cause: JSON.stringify({
          errorType: 'FailoverInProgressError',
          errorMessage: 'Another failover is running: execution first started 2026-11-20T09:59:00.000Z.',
        }),
      },
    });
    main.event('TaskStateExited', 2, {
      stateExitedEventDetails: {
        name: 'Preflight',
        output: JSON.stringify({ ...request, error: { Error: 'FailoverInProgressError', Cause: 'refused' } }),
      },
    });
    main.task({ state: 'NotifySkipped', input: {}, start: 2, end: 3 });
    main.pass('Pass', 'RunSkipped', 3);
    return ended(history, request, 3, {
      status: 'SUCCEEDED',
      output: {
        outcome: 'skipped',
        reason: JSON.stringify({
          errorType: 'FailoverInProgressError',
          errorMessage: 'Another failover is running: execution first started 2026-11-20T09:59:00.000Z.',
        }),
        request,
      },
    });
  }
  preflight(main, request, run.decision !== undefined);
  main.pass('Choice', 'IsDryRun', 3);
  main.pass('Choice', 'NeedsDecision', 3);
  let t = 3;
  let decision: unknown = { status: 'not-required' };
  if (run.decision) {
    const loop = decisionLoop(main, run.decision);
    t = loop.end;
    decision = loop.output;
    if (run.decision.outcome !== 'approved') {
      const denied = run.decision.outcome === 'denied';
      main.task({
        state: denied ? 'NotifyDenied' : 'NotifyDecisionTimedOut',
        input: {},
        start: t,
        end: t + 1,
      });
      main.pass('Pass', denied ? 'RunDenied' : 'RunDecisionTimedOut', t + 1);
      return ended(history, request, t + 1, {
        status: 'SUCCEEDED',
        output: { mode: 'failover', outcome: denied ? 'denied' : 'decision-timed-out', request, decision },
      });
    }
  }
  const recoveredCause = JSON.stringify({
    errorType: 'PrimaryRecoveredError',
    errorMessage:
      'primary recovered before the point of no return: https://primary.shop.example.com/health answers HTTP 200 from us-west-2. Nothing was changed; the run stands down.',
  });
  if (run.standDown) {
    main.task({
      state: 'Confirm',
      input: {},
      start: t,
      end: t + 1,
      failure: { error: 'PrimaryRecoveredError', cause: recoveredCause },
    });
    main.event('TaskStateExited', t + 1, {
      stateExitedEventDetails: {
        name: 'Confirm',
        output: JSON.stringify({ error: { Error: 'PrimaryRecoveredError', Cause: recoveredCause } }),
      },
    });
    main.task({ state: 'NotifyStoodDown', input: {}, start: t + 1, end: t + 2 });
    main.pass('Pass', 'RunStoodDown', t + 2);
    return ended(history, request, t + 2, {
      status: 'SUCCEEDED',
      output: { mode: 'failover', outcome: 'stood-down', reason: recoveredCause, request },
    });
  }
  const confirmation = {
    confirmedAt: at(t + 1),
    primary: request.requestedBy.startsWith('alarm:')
      ? {
          checked: true,
          state: 'down',
          detail: 'https://primary.shop.example.com/health: connection refused',
        }
      : {
          checked: false,
          state: null,
          detail: 'started by hand: not re-checked (confirmPrimaryDown not set)',
        },
    rpo: {
      verdict: run.decision ? 'over' : 'within',
      worstLagSeconds: run.decision ? 240 : 4.2,
      budgetSeconds: 60,
      acceptedLossSeconds: run.decision?.acceptDataLossSeconds ?? null,
      acceptedUnknown: false,
      acceptedBy: run.decision ? 'alice' : null,
    },
  };
  main.task({ state: 'Confirm', input: {}, start: t, end: t + 1, output: confirmation });
  t = startPromotions(main, t + 1, true);
  const recovery = recover(main, t, run);
  t = recovery.end;
  if (run.failWeb) {
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
    return ended(history, request, t + 3, { status: 'FAILED', error: 'TaskStartFailureError', cause });
  }
  const dns = {
    record: 'www.shop.example.com',
    via: 'data-plane',
    before: 'gate open (alarm OK): Route 53 answers primary.shop.example.com',
    after: 'gate closed (alarm ALARM): Route 53 answers dr.shop.example.com',
    changeId: null,
    status: 'INSYNC',
    done: true,
    alreadySwitched: false,
    submittedAt: at(t + 1),
    insyncAt: at(t + 12),
    attempt: 1,
  };
  main.task({
    state: 'SwitchDns',
    input: envelope,
    start: t,
    end: t + 1,
    output: { ...dns, done: false, attempt: 0 },
  });
  main.pass('Choice', 'IsDnsInSync', t + 1);
  main.pass('Wait', 'WaitForDnsSync', t + 1, t + 11);
  main.task({ state: 'CheckDnsSync', input: envelope, start: t + 11, end: t + 12, output: dns });
  const verification = {
    url: 'https://dr.shop.example.com/health',
    httpStatus: 200,
    verifiedAt: at(t + 15),
    dns: {
      record: 'www.shop.example.com',
      answer: 'dr.shop.example.com',
      trafficTo: 'dr',
      detail: 'DNS answers dr.shop.example.com for www.shop.example.com',
    },
  };
  main.task({ state: 'VerifyDrEndpoint', input: envelope, start: t + 12, end: t + 15, output: verification });
  main.task({ state: 'NotifySucceeded', input: {}, start: t + 15, end: t + 16 });
  main.pass('Pass', 'FailoverSucceeded', t + 16);
  return ended(history, request, t + 16, {
    status: 'SUCCEEDED',
    output: {
      mode: 'failover',
      outcome: 'failed-over',
      request,
      changes: CHANGES,
      dns,
      verification,
      decision,
      confirmation,
      fencing: recovery.fencing,
    },
  });
}

export function succeededFailover(): ShopExecution {
  return failoverRun();
}

export function failedFailover(): ShopExecution {
  return failoverRun({ failWeb: true, fencePasses: 10, fencePending: true });
}

export function dryRun(): ShopExecution {
  const request = { ...REQUEST, mode: 'dry-run', requestedBy: 'alice@example.com' };
  const history = new HistoryBuilder(STARTED, request);
  preflight(history.main, request, false);
  history.main.pass('Choice', 'IsDryRun', 3);
  history.main.pass('Choice', 'DryRunVerdict', 3);
  history.main.pass('Pass', 'DryRunReport', 3);
  return ended(history, request, 3, {
    status: 'SUCCEEDED',
    output: { mode: 'dry-run', outcome: 'would-fail-over', request, wouldChange: CHANGES },
  });
}
