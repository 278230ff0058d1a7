import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { fetchExecution } from '../../../report/fetch-execution.ts';
import { reportFromExecution } from '../../../report/from-execution.ts';
import { childStateMachineArns, FAILOVER_CHILDREN } from '../../../statemachines/definition.ts';
import { failoverInput, referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function historyOf(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

async function childrenOf(sfn: SFNClient, stateMachineArn: string) {
  return (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
}

describe('each resource polls in a child execution of its own (startExecution.sync:2)', () => {
  it('runs one child per database and per service, each with its own history, and the failover succeeds', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
    await world.runFor(180);
    const sfn = worldClient(world, SFNClient, plan.regions.dr);
    const machines = childStateMachineArns(world.stepFunctions.stateMachineArn, FAILOVER_CHILDREN);

    // Act
    const execution = world.stepFunctions.start(failoverInput('CHILD-1'), 'with-children');
    await world.stepFunctions.wait(execution.arn);
    const parentHistory = await historyOf(sfn, execution.arn);
    const listed = await childrenOf(sfn, world.stepFunctions.stateMachineArn);
    const promotions = await childrenOf(sfn, machines.promoteDatabase);
    const scalings = await childrenOf(sfn, machines.scaleService);
    const child = await sfn.send(new DescribeExecutionCommand({ executionArn: promotions[0]?.executionArn }));
    const childHistory = await historyOf(sfn, child.executionArn as string);

    // Assess: the run lock's ListExecutions sees the failover only, as in AWS
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(listed.map((e) => e.executionArn)).toEqual([execution.arn]);
    expect(promotions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(scalings.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(child.executionArn).toMatch(
      new RegExp(
        `^arn:aws:states:${plan.regions.dr}:\\d{12}:execution:shop-failover-promote-database:[0-9a-f-]{36}$`,
      ),
    );
    expect(JSON.parse(child.input ?? '{}')).toMatchObject({
      AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: execution.arn,
      correlationId: 'with-children',
    });
    // The polls are in the child's history; the parent records the integration's events only.
    const waits = childHistory.filter((e) => e.type === 'WaitStateEntered');
    expect(waits.length).toBeGreaterThanOrEqual(300 / plan.failover.pollSeconds.promotion - 1);
    expect(parentHistory.some((e) => e.stateEnteredEventDetails?.name === 'WaitForPromotion')).toBe(false);
    const submitted = parentHistory.filter((e) => e.type === 'TaskSubmitted');
    expect(submitted).toHaveLength(plan.databases.length + plan.services.length);
    expect(submitted[0]?.taskSubmittedEventDetails).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync:2',
    });
    const succeeded = parentHistory.filter((e) => e.type === 'TaskSucceeded');
    expect(JSON.parse(succeeded[0]?.taskSucceededEventDetails?.output ?? '{}')).toMatchObject({
      Status: 'SUCCEEDED',
      Output: { done: true },
    });
    expect(parentHistory.length).toBeLessThan(childHistory.length + 400);
    // The run report reads each loop from its child, one step per database as before.
    const report = reportFromExecution(await fetchExecution(sfn, execution.arn), plan);
    const orders = report.steps.find((step) => step.step === 'Promote orders');
    expect(orders).toMatchObject({ kind: 'promote', resource: 'orders', outcome: 'succeeded' });
    expect(orders?.detail).toMatch(/started, then \d+ status checks/);
    expect(report.steps.filter((step) => step.kind === 'scale')).toHaveLength(plan.services.length);
    expect(report.steps.map((step) => step.step)).not.toContain('PromoteDatabase');
  }, 90_000);

  it("brings a failed child's error to the failover's Catch under its own name, and stops the other children", async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    world.faults.promotionsFail({ databaseId: 'catalog' });
    const sfn = worldClient(world, SFNClient, plan.regions.dr);
    const machines = childStateMachineArns(world.stepFunctions.stateMachineArn, FAILOVER_CHILDREN);

    // Act
    const execution = world.stepFunctions.start(failoverInput('CHILD-2'), 'child-fails');
    await world.stepFunctions.wait(execution.arn);
    const promotions = await childrenOf(sfn, machines.promoteDatabase);
    const scalings = await childrenOf(sfn, machines.scaleService);
    const failed = promotions.filter((e) => e.status === 'FAILED');
    const child = await sfn.send(new DescribeExecutionCommand({ executionArn: failed[0]?.executionArn }));
    const parentHistory = await historyOf(sfn, execution.arn);

    // Assess: the parent fails with the child's error (the error family's name), after AssessChanges
    expect(execution.status).toBe('FAILED');
    expect(failed).toHaveLength(1);
    expect(child.error).toBe('PromotionFailedError');
    expect(execution.error).toBe(child.error);
    expect(execution.cause).toBe(child.cause);
    const taskFailed = parentHistory.find((e) => e.type === 'TaskFailed');
    expect(taskFailed?.taskFailedEventDetails?.error).toBe('States.TaskFailed');
    expect(JSON.parse(taskFailed?.taskFailedEventDetails?.cause ?? '{}')).toMatchObject({
      ExecutionArn: child.executionArn,
      Status: 'FAILED',
      Error: 'PromotionFailedError',
    });
    expect(parentHistory.some((e) => e.stateEnteredEventDetails?.name === 'AssessChanges')).toBe(true);
    expect(world.events.list({ type: 'route53.change-submitted' })).toEqual([]);
    // Nothing is left polling once the Recover Parallel has failed.
    expect([...promotions, ...scalings].filter((e) => e.status === 'RUNNING')).toEqual([]);
  }, 90_000);
});
