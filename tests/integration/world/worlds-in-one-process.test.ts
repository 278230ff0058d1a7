import { randomUUID } from 'node:crypto';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { runMarked, worldIdOf } from '../../../local/stepfunctions/invocation-marks.ts';
import { failoverInput, invokeByHand, recoveryState, referencePlan } from './support.ts';

// Two worlds one after the other in a process must be as separate as two deployments. They share
// their endpoints (opened once per process), so a handler still running when its world closes
// reaches the next world, which must not answer it as its own; and no handler module (its SDK
// clients, its caches) may carry over.
const plan = referencePlan();
// No schedules and no alarm trigger: the calls these tests count are their own.
const options = { plan, scale: 5_000, schedule: false, alarmTrigger: false } as const;
/** A failover run the first world took past its point of no return. */
const CARRIED_RUN = 'failed-over-in-the-first-world';
let closedWorld: string;
let world: World;
let rds: RDSClient;
type SdkFailure = { $metadata?: { httpStatusCode?: number; attempts?: number } };
/** A call the closed world's invocation made before the next world started. */
let betweenWorlds: SdkFailure;

beforeAll(async () => {
  const first = await startWorld(options);
  closedWorld = worldIdOf(first.clock);
  // The SDK's own retry policy (three attempts), as the handlers have it.
  rds = new RDSClient({
    region: plan.regions.dr,
    endpoint: first.endpoint,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' },
  });
  await first.runFor(180);
  first.faults.regionOutage();
  const run = first.stepFunctions.start(failoverInput('CARRIED-1'), CARRIED_RUN);
  const ended = await first.stepFunctions.wait(run.arn);
  if (ended.status !== 'SUCCEEDED') throw new Error(`the first world's failover ended ${ended.status}`);
  await first.close();
  betweenWorlds = await runMarked({ world: closedWorld, invocation: randomUUID() }, describeDatabases).catch(
    (error: unknown) => error as SdkFailure,
  );
  world = await startWorld(options);
  await world.runFor(120);
});
afterAll(async () => {
  await world?.close();
});

const describeDatabases = () => rds.send(new DescribeDBInstancesCommand({}));
const callsOfDescribeDatabases = () =>
  world
    .requestCounts()
    .filter((count) => count.operation === 'DescribeDBInstances')
    .reduce((sum, count) => sum + count.calls, 0);

describe('calls from an invocation of a closed world', () => {
  it('are refused by the next world with a client error the SDK does not retry, and are not counted', async () => {
    // Prepare
    const before = callsOfDescribeDatabases();
    const loggedBefore = world.apiCalls().filter((call) => call.operation === 'DescribeDBInstances').length;

    // Act
    const refused = await runMarked(
      { world: closedWorld, invocation: randomUUID() },
      describeDatabases,
    ).catch((error: unknown) => error as SdkFailure);

    // Assess
    expect(refused).toMatchObject({ $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(callsOfDescribeDatabases()).toBe(before);
    expect(world.apiCalls().filter((call) => call.operation === 'DescribeDBInstances')).toHaveLength(
      loggedBefore,
    );
  });

  it('are refused at once between two worlds too, not answered 503, which the SDK would retry into the next world', () => {
    // Assess
    expect(betweenWorlds).toMatchObject({ $metadata: { httpStatusCode: 400, attempts: 1 } });
  });

  it("are told apart from the running world's own invocations and from outside callers, which it answers", async () => {
    // Prepare
    const before = callsOfDescribeDatabases();

    // Act
    const own = await runMarked(
      { world: worldIdOf(world.clock), invocation: randomUUID() },
      describeDatabases,
    );
    const outside = await describeDatabases();

    // Assess
    expect(own.DBInstances?.length).toBeGreaterThan(0);
    expect(outside.DBInstances?.length).toBeGreaterThan(0);
    expect(callsOfDescribeDatabases()).toBe(before + 2);
  });
});

describe('the handlers of the next world', () => {
  it("do not know the runs an earlier world's handlers verified: fencing for one of them is refused and changes nothing", async () => {
    // Prepare
    const before = recoveryState(world.snapshot());
    const payload = {
      operation: 'fence',
      attempt: 0,
      correlationId: CARRIED_RUN,
      executionStartTime: new Date(world.clock.now()).toISOString(),
    };

    // Act
    const fence = await invokeByHand(world, `${plan.name}-fence-primary`, payload);
    await world.runFor(60);

    // Assess
    expect(fence.error).toBe('Unhandled');
    expect(fence.body.errorType).toBe('NotPastPointOfNoReturnError');
    expect(recoveryState(world.snapshot())).toEqual(before);
  });
});
