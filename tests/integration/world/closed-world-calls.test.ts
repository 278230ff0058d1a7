import { randomUUID } from 'node:crypto';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { runMarked, worldIdOf } from '../../../local/stepfunctions/invocation-marks.ts';
import { referencePlan } from './support.ts';

// Worlds of one process share their endpoints (the in-process handlers read the endpoint once),
// so a handler still running when its world closes reaches the next world. That world must not
// answer it as its own.
const plan = referencePlan();
const options = { plan, scale: 400, schedule: false, alarmTrigger: false } as const;
let closedWorld: string;
let world: World;
let rds: RDSClient;

beforeAll(async () => {
  const first = await startWorld(options);
  closedWorld = worldIdOf(first.clock);
  // The SDK's own retry policy (three attempts), as the handlers have it.
  rds = new RDSClient({
    region: plan.regions.dr,
    endpoint: first.endpoint,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' },
  });
  await first.close();
  world = await startWorld(options);
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

    // Act
    const refused = await runMarked(
      { world: closedWorld, invocation: randomUUID() },
      describeDatabases,
    ).catch((error: unknown) => error as { $metadata?: { httpStatusCode?: number; attempts?: number } });

    // Assess
    expect(refused).toMatchObject({ $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(callsOfDescribeDatabases()).toBe(before);
    expect(world.apiCalls().some((call) => call.operation === 'DescribeDBInstances')).toBe(false);
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
