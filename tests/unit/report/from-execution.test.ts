import { describe, expect, it } from 'vitest';
import { stepsFromHistory } from '../../../report/execution-steps.ts';
import { reportFromExecution, triggerKind } from '../../../report/from-execution.ts';
import { runReportSchema } from '../../../report/schema.ts';
import { HistoryBuilder } from './support/history-builder.ts';
import { dryRun, EXECUTION_ARN, failedFailover, succeededFailover } from './support/shop-executions.ts';

const PLAN = {
  name: 'shop',
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  objectives: { rtoSeconds: 900, rpoSeconds: 60 },
};
const GENERATED = new Date('2026-11-20T11:00:00Z');

describe('reportFromExecution', () => {
  it('makes one step per task and Map item, in start order, from interleaved concurrent history', () => {
    // Prepare
    const { describe: execution, events } = succeededFailover();

    // Act
    const report = reportFromExecution({ execution, events }, PLAN, { generatedAt: GENERATED });

    // Assess
    expect(report.steps.map((step) => `${step.kind}:${step.step}`)).toEqual([
      'preflight:Preflight',
      'confirm:Confirm',
      'promote:Promote orders',
      'promote:Promote catalog',
      'scale:Scale web',
      'scale:Scale api',
      'scale:Scale worker',
      'notify:Notify started',
      'fence:Fence old primary',
      'dns:Switch traffic',
      'verify:Verify',
      'notify:Notify result',
    ]);
    // One step per database from StartPromotions (the point of no return) to its last status check.
    const orders = report.steps.find((step) => step.step === 'Promote orders');
    expect(orders).toMatchObject({
      resource: 'orders',
      startedAt: '2026-11-20T10:00:04.000Z',
      endedAt: '2026-11-20T10:05:16.000Z',
      outcome: 'succeeded',
      retries: 1,
    });
    expect(orders?.detail).toContain('started, then 10 status checks');
    expect(orders?.detail).toContain('retried after ThrottledError');
    expect(report.steps.filter((step) => step.retries > 0).map((step) => step.step)).toEqual([
      'Promote orders',
    ]);
    // The fencing loop is one step whatever its passes.
    expect(report.steps.filter((step) => step.kind === 'fence')).toHaveLength(1);
  });

  it('reads trigger, outcome, changes, serving time and replica lag from input, output and preflight', () => {
    // Prepare
    const { describe: execution, events } = succeededFailover();

    // Act
    const report = reportFromExecution({ execution, events }, PLAN, { generatedAt: GENERATED });

    // Assess
    expect(report.trigger).toEqual({
      kind: 'schedule',
      requestedBy: 'schedule:quarterly-drill',
      reason: 'Game day <drill> & audit',
      incidentId: 'DRILL-42',
    });
    expect(report.outcome).toBe('failed-over');
    expect(report.target).toBe('aws');
    expect(report.rto).toEqual({
      seconds: null,
      objectiveSeconds: 900,
      met: null,
      servingAt: '2026-11-20T10:05:31.000Z',
    });
    expect(report.outage.startedAt).toBeNull();
    expect(report.rpo).toMatchObject({ seconds: null, writesLost: null, met: null });
    expect(report.rpo.replicaLagAtPromotion).toEqual([
      { database: 'orders', seconds: 4.2 },
      { database: 'catalog', seconds: null },
    ]);
    expect(report.changes.map((change) => change.action)).toEqual(['promote', 'scale', 'switch']);
    expect(report.execution.consoleUrl).toBe(
      `https://us-west-2.console.aws.amazon.com/states/home?region=us-west-2#/v2/executions/details/${EXECUTION_ARN}`,
    );
    expect(runReportSchema.safeParse(report).success).toBe(true);
  });

  it('reports a failed run: the failed Map item, its readable cause, and what the assess step found changed', () => {
    // Prepare
    const { describe: execution, events } = failedFailover();

    // Act
    const report = reportFromExecution({ execution, events }, PLAN, { generatedAt: GENERATED });

    // Assess
    expect(report.outcome).toBe('failed');
    expect(report.execution.status).toBe('FAILED');
    const web = report.steps.find((step) => step.step === 'Scale web');
    expect(web).toMatchObject({
      outcome: 'failed',
      retries: 1,
      endedAt: '2026-11-20T10:01:43.000Z',
      error: { name: 'TaskStartFailureError', message: 'shop-web tasks stopped: CannotPullContainerError' },
    });
    expect(report.steps.filter((step) => step.outcome === 'failed')).toHaveLength(1);
    expect(report.errors).toEqual([
      {
        step: 'Scale web',
        name: 'TaskStartFailureError',
        cause: 'shop-web tasks stopped: CannotPullContainerError',
      },
    ]);
    expect(report.changes.map((change) => change.resource)).toEqual([
      'rds:us-west-2:shop-orders-replica',
      'ecs:us-west-2:shop-dr/shop-web',
    ]);
    expect(report.steps.map((step) => step.step).slice(-2)).toEqual(['Assess changes', 'Notify failure']);
  });

  it('reports a dry run from its input mode and the changes it would make', () => {
    // Prepare
    const { describe: execution, events } = dryRun();

    // Act
    const report = reportFromExecution({ execution, events }, PLAN, { generatedAt: GENERATED });

    // Assess
    expect(report.mode).toBe('dry-run');
    expect(report.outcome).toBe('would-fail-over');
    expect(report.trigger.kind).toBe('manual');
    expect(report.steps.map((step) => step.step)).toEqual(['Preflight']);
    expect(report.changes).toHaveLength(3);
    expect(report.rto.servingAt).toBeNull();
  });

  it("reports a dry run whose failover would wait for a person's decision, with the reasons", () => {
    // Prepare
    const { describe: execution, events } = dryRun();
    const output = JSON.parse(execution.output ?? '{}');
    output.outcome = 'would-wait-for-decision';
    output.decision = { required: true, reasons: ['the RPO guard cannot accept the replica lag: 300 s'] };

    // Act
    const report = reportFromExecution(
      { execution: { ...execution, output: JSON.stringify(output) }, events },
      PLAN,
      { generatedAt: GENERATED },
    );

    // Assess
    expect(report.outcome).toBe('would-wait-for-decision');
    expect(report.noChangeReason).toBeNull();
    expect(report.noChangeDetail).toBe(
      "a failover started now would wait for a person's decision before the point of no return: the RPO guard cannot accept the replica lag: 300 s",
    );
    expect(report.changes).toHaveLength(3);
  });

  it.each([
    [
      'a dry run that found nothing to change',
      'dry-run',
      { outcome: 'already-failed-over', wouldChange: [] },
    ],
    [
      'an older dry run with an empty change list',
      'dry-run',
      { outcome: 'would-fail-over', wouldChange: [] },
    ],
    [
      'a failover whose preflight found nothing to change',
      'failover',
      { outcome: 'failed-over', changes: [] },
    ],
  ])('reports %s as already failed over, with no RTO from an old alarm', (_name, mode, fields) => {
    // Prepare
    const run = mode === 'dry-run' ? dryRun() : succeededFailover();
    const output = { ...JSON.parse(run.describe.output ?? '{}'), ...fields };

    // Act
    const report = reportFromExecution(
      { execution: { ...run.describe, output: JSON.stringify(output) }, events: run.events },
      PLAN,
      { generatedAt: GENERATED },
    );

    // Assess
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('already-failed-over');
    expect(report.noChangeDetail).toContain('preflight found nothing left to change');
    expect(report.changes).toEqual([]);
    expect(report.rto.seconds).toBeNull();
  });

  it('still reports a failover that had changes left as a failover (a partial one resumed)', () => {
    // Prepare
    const { describe: execution, events } = succeededFailover();

    // Act
    const report = reportFromExecution({ execution, events }, PLAN, { generatedAt: GENERATED });

    // Assess
    expect(report.outcome).toBe('failed-over');
    expect(report.noChangeReason).toBeNull();
  });

  it('takes outage, detection and data loss from the output when the run carries them', () => {
    // Prepare
    const { describe: execution, events } = succeededFailover();
    const output = JSON.parse(execution.output ?? '{}');
    output.outage = { startedAt: '2026-11-20T09:58:00.000Z' };
    output.detection = { detectedAt: '2026-11-20T09:59:30.000Z' };
    output.rpo = { seconds: 3.5, writesLost: 21 };

    // Act
    const report = reportFromExecution(
      { execution: { ...execution, output: JSON.stringify(output) }, events },
      PLAN,
      {
        generatedAt: GENERATED,
      },
    );

    // Assess
    expect(report.rto).toMatchObject({ seconds: 451, met: true });
    expect(report.detection).toEqual({
      detectedAt: '2026-11-20T09:59:30.000Z',
      seconds: 90,
      path: null,
      alarm: null,
    });
    expect(report.rpo).toMatchObject({ seconds: 3.5, writesLost: 21, met: true });
  });

  it('fails the Map item whose poll loop ended in a Fail state', () => {
    // Prepare
    const history = new HistoryBuilder(new Date('2026-11-20T10:00:00Z'), { mode: 'failover' });
    const iteration = history.main.fork();
    iteration.event('MapIterationStarted', 1, {
      mapIterationStartedEventDetails: { name: 'PromoteDatabases', index: 0 },
    });
    iteration.task({ state: 'StartPromotion', input: { databaseId: 'orders' }, start: 1, end: 2 });
    iteration.task({ state: 'CheckPromotion', input: { databaseId: 'orders' }, start: 32, end: 33 });
    iteration.pass('Choice', 'IsPromotionDone', 33);
    const stateOfItem = JSON.stringify({ databaseId: 'orders', promotion: { done: false, attempt: 1 } });
    iteration.event('FailStateEntered', 33, {
      stateEnteredEventDetails: { name: 'PromotionTimedOut', input: stateOfItem },
    });
    iteration.event('MapIterationFailed', 33, {
      mapIterationFailedEventDetails: { name: 'PromoteDatabases', index: 0 },
    });

    // Act
    const { steps } = stepsFromHistory(history.build(), false);

    // Assess
    expect(steps).toEqual([
      expect.objectContaining({
        step: 'Promote orders',
        outcome: 'failed',
        error: expect.objectContaining({ name: 'PromotionTimedOut' }),
      }),
    ]);
  });

  it('reads a history without task invocation events whose events simply follow each other', () => {
    // Prepare: the shape an emulator may write: one linear chain, only state and failure events.
    const t0 = Date.parse('2026-11-20T10:00:00Z');
    const linear = (
      [
        ['ExecutionStarted', 0, { executionStartedEventDetails: { input: '{}' } }],
        [
          'TaskStateEntered',
          1,
          { stateEnteredEventDetails: { name: 'StartScaling', input: '{"serviceId":"web"}' } },
        ],
        [
          'TaskFailed',
          2,
          {
            taskFailedEventDetails: {
              resourceType: 'lambda',
              resource: 'invoke',
              error: 'ThrottledError',
              cause: 'Rate exceeded',
            },
          },
        ],
        [
          'TaskStateEntered',
          2,
          { stateEnteredEventDetails: { name: 'StartScaling', input: '{"serviceId":"api"}' } },
        ],
        [
          'TaskStateExited',
          4,
          {
            stateExitedEventDetails: {
              name: 'StartScaling',
              output: '{"serviceId":"web","scale":{"done":false}}',
            },
          },
        ],
        [
          'TaskStateExited',
          5,
          {
            stateExitedEventDetails: {
              name: 'StartScaling',
              output: '{"serviceId":"api","scale":{"done":true}}',
            },
          },
        ],
        [
          'TaskStateEntered',
          20,
          { stateEnteredEventDetails: { name: 'CheckScaling', input: '{"serviceId":"web"}' } },
        ],
        [
          'TaskFailed',
          21,
          {
            taskFailedEventDetails: {
              resourceType: 'lambda',
              resource: 'invoke',
              error: 'TaskStartFailureError',
              cause: 'image pull failed',
            },
          },
        ],
        [
          'TaskStateExited',
          21,
          {
            stateExitedEventDetails: {
              name: 'CheckScaling',
              output:
                '{"serviceId":"web","error":{"Error":"TaskStartFailureError","Cause":"image pull failed"}}',
            },
          },
        ],
      ] as const
    ).map(([type, seconds, details], index) => ({
      id: index + 1,
      previousEventId: index,
      type,
      timestamp: new Date(t0 + seconds * 1000),
      ...details,
    }));

    // Act
    const { steps } = stepsFromHistory(linear, false);

    // Assess
    expect(steps).toEqual([
      expect.objectContaining({
        step: 'Scale web',
        startedAt: '2026-11-20T10:00:01.000Z',
        endedAt: '2026-11-20T10:00:21.000Z',
        outcome: 'failed',
        retries: 1,
        error: { name: 'TaskStartFailureError', message: 'image pull failed' },
      }),
      expect.objectContaining({
        step: 'Scale api',
        endedAt: '2026-11-20T10:00:05.000Z',
        outcome: 'succeeded',
        retries: 0,
      }),
    ]);
  });

  it('ties a retried failure in a linear history to the task that finished first after it, and says so', () => {
    // Prepare: two promotions open when a throttling error is retried.
    const t0 = Date.parse('2026-11-20T10:00:00Z');
    const entered = (id: string) => ({
      stateEnteredEventDetails: { name: 'StartPromotion', input: `{"databaseId":"${id}"}` },
    });
    const exited = (id: string) => ({
      stateExitedEventDetails: { name: 'StartPromotion', output: `{"databaseId":"${id}"}` },
    });
    const linear = (
      [
        ['TaskStateEntered', 1, entered('orders')],
        ['TaskStateEntered', 1, entered('catalog')],
        [
          'TaskFailed',
          2,
          { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'ThrottledError' } },
        ],
        ['TaskStateExited', 5, exited('catalog')],
        ['TaskStateExited', 9, exited('orders')],
      ] as const
    ).map(([type, seconds, details], index) => ({
      id: index + 1,
      previousEventId: index,
      type,
      timestamp: new Date(t0 + seconds * 1000),
      ...details,
    }));

    // Act
    const { steps } = stepsFromHistory(linear, false);

    // Assess
    const catalog = steps.find((step) => step.step === 'Promote catalog');
    expect(catalog).toMatchObject({ outcome: 'succeeded', retries: 1 });
    expect(catalog?.detail).toBe('retried after ThrottledError; retries matched to this step by timing');
    expect(steps.find((step) => step.step === 'Promote orders')).toMatchObject({
      outcome: 'succeeded',
      retries: 0,
    });
  });

  it('does not call a poll loop that a failing sibling cut short a success', () => {
    // Prepare: the promotion was still in progress when another branch failed the Parallel
    const history = new HistoryBuilder(new Date('2026-11-20T10:00:00Z'), { mode: 'failover' });
    const iteration = history.main.fork();
    iteration.event('MapIterationStarted', 1, {
      mapIterationStartedEventDetails: { name: 'PromoteDatabases', index: 0 },
    });
    iteration.task({
      state: 'StartPromotion',
      input: { databaseId: 'orders' },
      start: 1,
      end: 2,
      output: { databaseId: 'orders', done: false, status: 'modifying', attempt: 0 },
    });
    iteration.task({
      state: 'CheckPromotion',
      input: { databaseId: 'orders' },
      start: 32,
      end: 33,
      output: { databaseId: 'orders', done: false, status: 'modifying', attempt: 1 },
    });

    // Act
    const { steps } = stepsFromHistory(history.build(), false);

    // Assess
    expect(steps).toEqual([
      expect.objectContaining({
        step: 'Promote orders',
        outcome: 'unknown',
        detail: expect.stringContaining('stopped before it was done'),
      }),
    ]);
  });

  it('marks a task still in flight as running while the execution runs', () => {
    // Prepare
    const history = new HistoryBuilder(new Date('2026-11-20T10:00:00Z'), { mode: 'failover' });
    history.main.event('TaskStateEntered', 1, {
      stateEnteredEventDetails: { name: 'Preflight', input: '{}' },
    });

    // Act
    const running = stepsFromHistory(history.build(), true).steps[0];
    const abandoned = stepsFromHistory(history.build(), false).steps[0];

    // Assess
    expect(running).toMatchObject({ step: 'Preflight', outcome: 'running', endedAt: null });
    expect(abandoned).toMatchObject({ outcome: 'unknown' });
  });
});

describe('triggerKind', () => {
  it('reads alarm: and schedule: prefixes; anything else is a person', () => {
    // Prepare + Act
    const kinds = ['alarm:shop-primary-health', 'schedule:weekly', 'alice@example.com', 'Alarm:capital'].map(
      triggerKind,
    );

    // Assess
    expect(kinds).toEqual(['alarm', 'schedule', 'manual', 'manual']);
  });
});
