import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import { HistoryBuilder, type Thread } from './history-builder.ts';

/**
 * Histories of the reference plan's drill machine (statemachines/drill.asl.json), with the task
 * results the drill functions return (functions/shared/drill-contracts.ts): preflight, sweep,
 * a copy per database (created, then polled until available), the declared outage, the recovery
 * (copy promotions, scaling, the started notice), the drill name's switch, verify, data loss,
 * the cleanup loop, the verdict and the notice. Variants: refused by preflight, the web service
 * failing to scale (into the cleanup), a copy the cleanup cannot delete.
 */
export const DRILL_EXECUTION_ARN = 'arn:aws:states:us-west-2:123456789012:execution:shop-drill:drill-7';
const DRILL_MACHINE_ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:shop-drill';
const STARTED = new Date('2026-11-22T03:00:00.000Z');
export const DRILL_REQUEST = {
  mode: 'drill',
  reason: 'scheduled drill',
  incidentId: 'evt-1',
  requestedBy: 'schedule:shop-drill-schedule',
};
const DATABASES = ['orders', 'catalog'] as const;
const REPLICA: Record<string, string> = { orders: 'shop-orders-replica', catalog: 'shop-catalog-replica' };
const copyOf = (db: string) => `${REPLICA[db]}-drill`;

export function drillAt(seconds: number): string {
  return new Date(STARTED.getTime() + seconds * 1000).toISOString();
}

export interface DrillVariant {
  refused?: boolean;
  /** The web service fails to scale: Recover fails, the run goes to the cleanup. */
  failScaling?: boolean;
  /** The cleanup cannot delete the orders copy. */
  leaveOrdersCopy?: boolean;
  /** No canary: the data loss is the lag estimate. */
  noCanary?: boolean;
  /** The cleanup's polls run out with the orders copy still deleting. */
  cleanupPollsRunOut?: boolean;
}

export interface DrillExecution {
  describe: DescribeExecutionOutput;
  events: HistoryEvent[];
}

function forEach(
  main: Thread,
  state: string,
  items: readonly string[],
  t: number,
  body: (iteration: Thread, item: string) => number,
): number {
  main.event('MapStateEntered', t, { stateEnteredEventDetails: { name: state, input: '{}' } });
  let end = t;
  items.forEach((item, index) => {
    const iteration = main.fork();
    iteration.event('MapIterationStarted', t, { mapIterationStartedEventDetails: { name: state, index } });
    end = Math.max(end, body(iteration, item));
    iteration.event('MapIterationSucceeded', end, {
      mapIterationSucceededEventDetails: { name: state, index },
    });
  });
  main.event('MapStateExited', end, { stateExitedEventDetails: { name: state, output: '[]' } });
  return end;
}

function resource(kind: 'copy' | 'service' | 'gate', name: string, outcome: string, detail = '') {
  const action = kind === 'copy' ? 'DeleteDBInstance' : kind === 'service' ? 'desiredCount 0' : 'gate open';
  return { resource: name, kind, outcome, action, detail };
}

function cleanupResources(pass: number, variant: DrillVariant) {
  const done = pass > 0;
  const orders =
    variant.cleanupPollsRunOut || !done ? 'pending' : variant.leaveOrdersCopy ? 'failed' : 'cleaned';
  return [
    resource(
      'copy',
      `rds:us-west-2:${copyOf('orders')}`,
      orders,
      orders === 'failed' ? 'InvalidDBInstanceState: the copy is being modified' : '',
    ),
    resource('copy', `rds:us-west-2:${copyOf('catalog')}`, done ? 'cleaned' : 'pending'),
    resource('service', 'ecs:us-west-2:shop-dr/shop-web', 'cleaned'),
    resource('gate', 'cloudwatch:us-west-2:alarm/shop-drill-gate-closed', 'cleaned'),
  ];
}

function recover(main: Thread, t: number, variant: DrillVariant): number {
  main.event('ParallelStateEntered', t, { stateEnteredEventDetails: { name: 'Recover', input: '{}' } });
  const promoted = forEach(main.fork(), 'PromoteCopies', DATABASES, t, (iteration, databaseId) => {
    const base = {
      databaseId,
      copyIdentifier: copyOf(databaseId),
      alreadyPromoted: false,
      startedAt: drillAt(t + 1),
      lagAtPromotionSeconds: databaseId === 'orders' ? 1.5 : null,
      lagObservedAt: drillAt(t),
    };
    iteration.task({
      state: 'PromoteCopy',
      input: { databaseId },
      start: t,
      end: t + 2,
      output: { ...base, status: 'modifying', done: false, completedAt: null, attempt: 0 },
    });
    iteration.task({
      state: 'CheckCopyPromotion',
      input: { databaseId },
      start: t + 90,
      end: t + 91,
      output: { ...base, status: 'available', done: true, completedAt: drillAt(t + 91), attempt: 1 },
    });
    return t + 91;
  });
  const scaled = forEach(main.fork(), 'ScaleServices', ['web'], t, (iteration, serviceId) => {
    iteration.task({
      state: 'StartScaling',
      input: { serviceId },
      start: t,
      end: t + 1,
      output: { done: false },
    });
    if (variant.failScaling) {
      iteration.task({
        state: 'CheckScaling',
        input: { serviceId },
        start: t + 30,
        end: t + 31,
        failure: {
          error: 'TaskStartFailureError',
          cause: 'shop-web tasks stopped: CannotPullContainerError',
        },
      });
      return t + 31;
    }
    iteration.task({
      state: 'CheckScaling',
      input: { serviceId },
      start: t + 60,
      end: t + 61,
      output: { done: true, attempt: 1 },
    });
    return t + 61;
  });
  main.fork().task({ state: 'NotifyDrillStarted', input: {}, start: t, end: t + 1 });
  const end = variant.failScaling ? scaled : Math.max(promoted, scaled);
  main.event(variant.failScaling ? 'ParallelStateFailed' : 'ParallelStateExited', end, {
    ...(variant.failScaling ? {} : { stateExitedEventDetails: { name: 'Recover', output: '{}' } }),
  });
  return end;
}

function cleanup(
  main: Thread,
  t: number,
  variant: DrillVariant,
): { end: number; result: Record<string, unknown> } {
  const poll = (pass: number, at: number) => {
    const resources = cleanupResources(pass, variant);
    const leftBehind = resources
      .filter((r) => r.outcome === 'failed')
      .map((r) => `${r.resource}: ${r.detail}`);
    const stillPending = resources.some((r) => r.outcome === 'pending');
    return {
      checkedAt: drillAt(at),
      resources,
      done: !stillPending,
      complete: !stillPending && leftBehind.length === 0,
      leftBehind,
      attempt: pass,
    };
  };
  main.task({ state: 'Cleanup', input: { attempt: 0 }, start: t, end: t + 2, output: poll(0, t + 2) });
  const result = poll(1, t + 302);
  main.task({ state: 'CheckCleanup', input: { attempt: 0 }, start: t + 300, end: t + 302, output: result });
  return { end: t + 302, result };
}

function verdictOf(variant: DrillVariant, servedAt: number | null, outageAt: number, cleaned: boolean) {
  const rtoSeconds = servedAt === null ? null : servedAt - outageAt;
  const outcome = variant.failScaling ? 'failed' : cleaned ? 'succeeded' : 'cleanup-incomplete';
  const error = {
    failed: 'DrillFailedError',
    succeeded: null,
    'cleanup-incomplete': 'CleanupIncompleteError',
  }[outcome];
  return {
    outcome,
    error,
    cause:
      outcome === 'succeeded'
        ? 'The drill met its objectives and cleaned up.'
        : outcome === 'failed'
          ? 'The drill failed in Recover: TaskStartFailureError.'
          : `Left behind: rds:us-west-2:${copyOf('orders')}.`,
    rto: { seconds: rtoSeconds, objectiveSeconds: 900, met: rtoSeconds === null ? false : rtoSeconds <= 900 },
    rpo: variant.failScaling
      ? { seconds: null, writesLost: null, objectiveSeconds: 60, met: null, basis: 'unknown' }
      : variant.noCanary
        ? { seconds: 1.5, writesLost: null, objectiveSeconds: 60, met: true, basis: 'replica-lag-estimate' }
        : { seconds: 2.4, writesLost: 5, objectiveSeconds: 60, met: true, basis: 'canary' },
    cleanup: { complete: cleaned, leftBehind: [] },
    failure: null,
  };
}

function dataLoss(variant: DrillVariant) {
  const basis = variant.noCanary ? 'replica-lag-estimate' : 'canary';
  return {
    measuredAt: drillAt(860),
    canary: !variant.noCanary,
    databases: DATABASES.map((databaseId) => ({
      databaseId,
      copyIdentifier: copyOf(databaseId),
      promotedAt: drillAt(606),
      copy: { seq: variant.noCanary ? null : 100, writtenAt: null },
      primary: { seq: variant.noCanary ? null : databaseId === 'orders' ? 103 : 102, writtenAt: null },
      writesLost: variant.noCanary ? null : databaseId === 'orders' ? 3 : 2,
      secondsLost: variant.noCanary
        ? databaseId === 'orders'
          ? 1.5
          : null
        : databaseId === 'orders'
          ? 2.4
          : 1.1,
      basis: variant.noCanary && databaseId === 'catalog' ? 'unknown' : basis,
      lagAtPromotionSeconds: databaseId === 'orders' ? 1.5 : null,
      detail: variant.noCanary
        ? 'no canary: the lag at promotion stands in (an estimate)'
        : `${databaseId === 'orders' ? 3 : 2} heartbeats written on the primary before the promotion are not on the copy`,
    })),
    worst: variant.noCanary
      ? { secondsLost: 1.5, writesLost: null, basis: 'replica-lag-estimate' }
      : { secondsLost: 2.4, writesLost: 5, basis: 'canary' },
  };
}

/** A drill of the reference plan, the reference way (or one of its variants). */
export function drillRun(variant: DrillVariant = {}): DrillExecution {
  const history = new HistoryBuilder(STARTED, DRILL_REQUEST);
  const main = history.main;
  if (variant.refused) {
    const cause = JSON.stringify({
      errorType: 'DrillRefusedError',
      errorMessage:
        'A failover is running (execution shop-failover:incident-3): a drill waits until it ends.',
    });
    main.task({
      state: 'DrillPreflight',
      input: DRILL_REQUEST,
      start: 0,
      end: 1,
      failure: { error: 'DrillRefusedError', cause },
    });
    main.task({ state: 'NotifyDrillRefused', input: {}, start: 1, end: 2 });
    main.event('FailStateEntered', 2, {
      stateEnteredEventDetails: { name: 'DrillEndedBeforeAnyChange', input: '{}' },
    });
    return ended(history, 2, { status: 'FAILED', error: undefined, cause: undefined });
  }
  main.task({
    state: 'DrillPreflight',
    input: DRILL_REQUEST,
    start: 0,
    end: 2,
    output: {
      checkedAt: drillAt(2),
      request: DRILL_REQUEST,
      executionName: 'drill-7',
      drillRecord: 'drill.shop.example.com',
      databases: DATABASES.map((id) => ({
        id,
        engine: 'mysql',
        replicaIdentifier: REPLICA[id],
        copyIdentifier: copyOf(id),
        primaryIdentifier: `shop-${id}`,
        lagSeconds: 1,
        lagObservedAt: drillAt(1),
      })),
    },
  });
  main.task({
    state: 'Sweep',
    input: { attempt: 0 },
    start: 2,
    end: 4,
    output: {
      sweptAt: drillAt(4),
      reason: 'before a drill',
      resources: [resource('copy', 'rds:us-west-2:shop-orders-replica-drill', 'cleaned', 'left by drill-6')],
      done: true,
      attempt: 0,
    },
  });
  forEach(main, 'CreateCopies', DATABASES, 4, (iteration, databaseId) => {
    iteration.task({
      state: 'CreateCopy',
      input: { databaseId },
      start: 4,
      end: 6,
      output: {
        databaseId,
        copyIdentifier: copyOf(databaseId),
        sourceIdentifier: REPLICA[databaseId],
        status: 'creating',
        requestedAt: drillAt(5),
        alreadyExisted: false,
      },
    });
    return 6;
  });
  const copies = (available: boolean) =>
    DATABASES.map((databaseId) => ({
      databaseId,
      copyIdentifier: copyOf(databaseId),
      status: available ? 'available' : 'creating',
      available,
    }));
  main.task({
    state: 'CheckCopies',
    input: {},
    start: 306,
    end: 307,
    output: { checkedAt: drillAt(307), copies: copies(false), done: false, readyAt: null, attempt: 1 },
  });
  main.task({
    state: 'CheckCopies',
    input: {},
    start: 600,
    end: 601,
    output: { checkedAt: drillAt(601), copies: copies(true), done: true, readyAt: drillAt(601), attempt: 2 },
  });
  main.task({ state: 'DeclareOutage', input: {}, start: 602, end: 603, output: { outageAt: drillAt(603) } });
  const recovered = recover(main, 605, variant);
  let t = recovered;
  let servedAt: number | null = null;
  if (!variant.failScaling) {
    const gate = (done: boolean, attempt: number) => ({
      gate: 'drill',
      via: 'data-plane',
      record: 'drill.shop.example.com',
      before: 'primary.shop.example.com',
      after: 'dr.shop.example.com',
      status: done ? 'INSYNC' : 'PENDING',
      done,
      alreadySwitched: false,
      submittedAt: drillAt(t + 1),
      insyncAt: done ? drillAt(t + 41) : null,
      attempt,
    });
    main.task({ state: 'SwitchDrillName', input: {}, start: t, end: t + 1, output: gate(false, 0) });
    main.task({ state: 'CheckDrillGate', input: {}, start: t + 40, end: t + 41, output: gate(true, 1) });
    servedAt = t + 60;
    main.task({
      state: 'VerifyThroughDrillName',
      input: {},
      start: t + 41,
      end: servedAt,
      output: {
        url: 'https://dr.shop.example.com/health',
        httpStatus: 200,
        verifiedAt: drillAt(servedAt),
        dns: { record: 'drill.shop.example.com', answer: 'dr.shop.example.com', trafficTo: 'dr', detail: '' },
      },
    });
    main.task({
      state: 'MeasureDataLoss',
      input: {},
      start: servedAt,
      end: servedAt + 2,
      output: dataLoss(variant),
    });
    t = servedAt + 2;
  }
  const clean = cleanup(main, t, variant);
  const verdict = verdictOf(variant, servedAt, 603, clean.result.complete === true);
  main.task({ state: 'DrillVerdict', input: {}, start: clean.end, end: clean.end + 1, output: verdict });
  const succeeded = verdict.outcome === 'succeeded';
  main.task({
    state: succeeded ? 'NotifyDrillSucceeded' : 'NotifyDrillFailed',
    input: {},
    start: clean.end + 1,
    end: clean.end + 2,
  });
  const end = clean.end + 2;
  if (succeeded) {
    return ended(history, end, {
      status: 'SUCCEEDED',
      output: {
        mode: 'drill',
        outcome: 'succeeded',
        request: DRILL_REQUEST,
        rto: verdict.rto,
        rpo: verdict.rpo,
      },
    });
  }
  main.event('FailStateEntered', end, { stateEnteredEventDetails: { name: 'DrillFailed', input: '{}' } });
  return ended(history, end, { status: 'FAILED', error: verdict.error ?? undefined, cause: verdict.cause });
}

function ended(
  history: HistoryBuilder,
  end: number,
  result: { status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED'; error?: string; cause?: string },
): DrillExecution {
  if (result.status === 'SUCCEEDED') {
    history.main.event('ExecutionSucceeded', end, {
      executionSucceededEventDetails: { output: JSON.stringify(result.output) },
    });
  } else {
    history.main.event('ExecutionFailed', end, {
      executionFailedEventDetails: {
        ...(result.error ? { error: result.error } : {}),
        ...(result.cause ? { cause: result.cause } : {}),
      },
    });
  }
  return {
    describe: {
      executionArn: DRILL_EXECUTION_ARN,
      stateMachineArn: DRILL_MACHINE_ARN,
      name: 'drill-7',
      status: result.status,
      startDate: STARTED,
      stopDate: new Date(STARTED.getTime() + end * 1000),
      input: JSON.stringify(DRILL_REQUEST),
      ...(result.status === 'SUCCEEDED'
        ? { output: JSON.stringify(result.output) }
        : {
            ...(result.error ? { error: result.error } : {}),
            ...(result.cause ? { cause: result.cause } : {}),
          }),
    },
    events: history.build(),
  };
}
