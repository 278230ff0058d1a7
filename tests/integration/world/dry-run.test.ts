import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../../local/index.ts';
import { fetchExecution } from '../../../report/fetch-execution.ts';
import { reportFromExecution } from '../../../report/from-execution.ts';
import { failoverInput, readyWorld, recoveryState, referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
const DRY_RUN = failoverInput('REHEARSAL-1', 'dry-run');

/** Starts a run, waits for its end and reports it as `drctl report --execution` would. */
async function runAndReport(world: World, input: Record<string, unknown>, name: string) {
  const execution = world.stepFunctions.start(input, name);
  await world.stepFunctions.wait(execution.arn);
  const record = await fetchExecution(worldClient(world, SFNClient, plan.regions.dr), execution.arn);
  return {
    execution,
    output: JSON.parse(execution.output ?? '{}'),
    report: reportFromExecution(record, plan),
  };
}

describe('a dry-run', () => {
  let world: World;
  beforeAll(async () => {
    world = await readyWorld(plan);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('succeeds and changes nothing in the world', async () => {
    // Prepare
    const before = recoveryState(world.snapshot());

    // Act
    const { execution, report } = await runAndReport(world, DRY_RUN, 'dry-run-1');
    await world.runFor(120);

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(report.outcome).toBe('would-fail-over');
    expect(recoveryState(world.snapshot())).toEqual(before);
    const changes = world.events.list({
      type: ['rds.promotion-started', 'ecs.desired-count', 'route53.change-submitted'],
    });
    expect(changes).toEqual([]);
  });

  it("says a failover would wait for a person's decision when the lag is over the RPO budget, as a real run would", async () => {
    // Prepare: five minutes of lag against the reference plan's 60 s budget
    world.faults.replicaLagSpike(300, 1_800);
    await world.runFor(180);
    const before = recoveryState(world.snapshot());

    // Act
    const { execution, output, report } = await runAndReport(world, DRY_RUN, 'dry-run-lagging');

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(output.outcome).toBe('would-wait-for-decision');
    expect(output.decision.required).toBe(true);
    expect(report.outcome).toBe('would-wait-for-decision');
    expect(report.noChangeDetail).toContain('the RPO guard cannot accept the replica lag');
    expect(report.noChangeDetail).toContain('shop-orders-replica');
    expect(recoveryState(world.snapshot())).toEqual(before);
    expect(world.events.list({ type: 'rds.promotion-started' })).toEqual([]);
  });
});

describe('a plan that is already failed over', () => {
  let world: World;
  beforeAll(async () => {
    world = await readyWorld(plan);
    const first = world.stepFunctions.start(failoverInput('DONE-1'), 'first-failover');
    await world.stepFunctions.wait(first.arn);
    expect(first.status, first.cause).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('a dry run says so: nothing left to change, not "would fail over"', async () => {
    // Act
    const { execution, output, report } = await runAndReport(world, DRY_RUN, 'dry-run-after');

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(output.outcome).toBe('already-failed-over');
    expect(output.wouldChange).toEqual([]);
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('already-failed-over');
  });

  it('a second failover changes nothing and is not reported as a failover with an RTO from the old alarm', async () => {
    // Prepare
    const before = recoveryState(world.snapshot());
    const sentBefore = world.messages().length;

    // Act
    const { execution, report } = await runAndReport(world, failoverInput('DONE-2'), 'second-failover');

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('already-failed-over');
    expect(report.rto.seconds).toBeNull();
    expect(recoveryState(world.snapshot())).toEqual(before);
    expect(world.events.list({ type: 'rds.promotion-started' })).toHaveLength(plan.databases.length);
    // Its notice says the same as its report, not "the application now serves from us-west-2".
    const result = world
      .messages()
      .slice(sentBefore)
      .find((message) => message.attributes.event === 'succeeded');
    expect(result?.subject).toBe(
      `[drctl] ${plan.name} failover SUCCEEDED with no change: already on ${plan.regions.dr} (DONE-2)`,
    );
    expect(result?.message).toContain('RTO: none, this run recovered nothing');
  });
});
