import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { drillStateMachineName, failoverStateMachineName } from '../../../plan/names.ts';
import { referencePlan, worldClient } from './support.ts';

/**
 * Step Functions takes any JSON as an execution's input. An input that is not an object (a list,
 * a string, a number) must end the run with preflight's InvalidInputError and its message, not
 * with States.ResultPathMatchFailure from a Catch that cannot write into it; nothing changes.
 */
const plan = referencePlan();
let world: World;
let runs = 0;

beforeAll(async () => {
  world = await startWorld({ plan, drills: true, scale: 5_000 });
  await world.runFor(60);
});

afterAll(async () => {
  await world.close();
});

async function runWith(machineName: string, input: string, name: string) {
  const sfn = worldClient(world, SFNClient, plan.regions.dr);
  const machine = world.stepFunctions.stateMachineArn.replace(failoverStateMachineName(plan), machineName);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machine, name, input }),
  );
  await world.until(() => world.stepFunctions.describe(executionArn as string).status !== 'RUNNING', {
    timeoutSeconds: 600,
  });
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

describe('an execution input that is not a JSON object', () => {
  it.each([
    ['failover', '[]'],
    ['failover', '"fail over now"'],
    ['failover', '42'],
    ['drill', '[]'],
    ['drill', '"drill"'],
  ])('ends the %s run with InvalidInputError naming the input, for %s', async (machine, input) => {
    // Prepare
    const before = world.snapshot().databases.map((d) => d.replica.role);
    const machineName = machine === 'drill' ? drillStateMachineName(plan) : failoverStateMachineName(plan);

    // Act
    const run = await runWith(machineName, input, `bad-input-${++runs}`);

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('InvalidInputError');
    expect(run.cause).toMatch(/expected object/i);
    expect(world.snapshot().databases.map((d) => d.replica.role)).toEqual(before);
  });
});
