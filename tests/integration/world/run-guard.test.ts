import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { failoverInput, invokeByHand, recoveryState, referencePlan, worldClient } from './support.ts';

/**
 * The functions whose work cannot be undone (fencing the old primary, promoting a replica, moving
 * traffic) act only for a failover run past its point of no return, whatever their input claims:
 * invoked by hand, through the real Lambda API, they refuse and change nothing.
 */
const plan = referencePlan();
let world: World;
/** What a state machine task would send for the run named `correlationId`. */
function taskEnvelope(correlationId: string) {
  return { correlationId, executionStartTime: new Date(world.clock.now()).toISOString() };
}

const invoke = (functionName: string, payload: unknown) => invokeByHand(world, functionName, payload);

beforeAll(async () => {
  world = await startWorld({ plan, scale: 5_000 });
  await world.runFor(120);
});

afterAll(async () => {
  await world.close();
});

describe('the point of no return, invoked by hand', () => {
  it('refuses to fence the healthy primary for a run that does not exist', async () => {
    // Prepare
    const before = recoveryState(world.snapshot());
    const envelope = taskEnvelope('made-up');

    // Act
    const fence = await invoke(`${plan.name}-fence-primary`, { operation: 'fence', attempt: 0, ...envelope });
    await world.runFor(60);

    // Assess
    expect(fence.error).toBe('Unhandled');
    expect(fence.body.errorType).toBe('NotPastPointOfNoReturnError');
    expect(fence.body.errorMessage).toContain('nothing changed');
    expect(recoveryState(world.snapshot())).toEqual(before);
  });

  it('refuses to promote a replica or move traffic for a made-up run', async () => {
    // Prepare
    const before = recoveryState(world.snapshot());
    const envelope = taskEnvelope('made-up-2');
    const database = plan.databases[0]?.id;

    // Act
    const promote = await invoke(`${plan.name}-promote-replica`, {
      operation: 'start',
      databaseId: database,
      ...envelope,
    });
    const dns = await invoke(`${plan.name}-update-dns`, { operation: 'start', ...envelope });
    const gateStatus = await invoke(`${plan.name}-update-dns`, { operation: 'status', ...envelope });
    await world.runFor(120);

    // Assess
    for (const refused of [promote, dns, gateStatus])
      expect(refused.body.errorType).toBe('NotPastPointOfNoReturnError');
    expect(recoveryState(world.snapshot())).toEqual(before);
  });

  it('refuses for a real run that never passed the point (a dry run)', async () => {
    // Prepare
    const sfn = worldClient(world, SFNClient, plan.regions.dr);
    const machine = world.stepFunctions.stateMachineArn;
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machine,
        name: 'dry-run-1',
        input: JSON.stringify(failoverInput('INC-1', 'dry-run')),
      }),
    );
    await world.until(
      () => world.stepFunctions.describe(started.executionArn as string).status !== 'RUNNING',
      {
        timeoutSeconds: 600,
      },
    );
    const dryRun = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    const before = recoveryState(world.snapshot());
    const envelope = taskEnvelope('dry-run-1');

    // Act
    const fence = await invoke(`${plan.name}-fence-primary`, { operation: 'fence', attempt: 0, ...envelope });
    await world.runFor(60);

    // Assess
    expect(dryRun.status).toBe('SUCCEEDED');
    expect(fence.body.errorType).toBe('NotPastPointOfNoReturnError');
    expect(fence.body.errorMessage).toContain('has not reached StartPromotions');
    expect(recoveryState(world.snapshot())).toEqual(before);
  });
});
