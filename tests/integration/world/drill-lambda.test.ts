import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import type { DbInstance } from '../../../local/rds/model.ts';
import { canaryFunctionName } from '../../../plan/names.ts';
import { referencePlan, worldClient } from './support.ts';

/**
 * The Lambda Invoke API of the world, through the real SDK: the canary's two deployments as the
 * drill invokes them (the reader in the DR region, the writer beside the primaries), and
 * Invoke's documented answers (an unknown function, a function error, DryRun, Event).
 */
const plan = referencePlan();
const database = plan.databases[0] as (typeof plan.databases)[number];
let world: World;
const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload));
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

beforeAll(async () => {
  world = await startWorld({ plan, drills: true, scale: 5_000 });
  // Heartbeats every 5 s on the primaries.
  await world.runFor(30);
});

afterAll(async () => {
  await world.close();
});

describe('Lambda Invoke in the world', () => {
  it("reads the primary's last heartbeat through the canary writer in the primary region", async () => {
    // Prepare
    const lambda = worldClient(world, LambdaClient, plan.regions.primary);

    // Act
    const output = await lambda.send(
      new InvokeCommand({
        FunctionName: canaryFunctionName(plan, 'writer'),
        Payload: encode({
          op: 'read',
          targets: [{ databaseId: database.id, instanceIdentifier: database.primary.identifier }],
        }),
      }),
    );

    // Assess
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBeUndefined();
    const { heartbeats } = decode(output.Payload) as {
      heartbeats: { seq: number | null; writtenAt: string }[];
    };
    expect(heartbeats[0]?.seq).toBeGreaterThanOrEqual(5);
    expect(Date.parse(heartbeats[0]?.writtenAt ?? '')).toBeLessThanOrEqual(world.clock.now());
  });

  it('answers a function error with X-Amz-Function-Error and the error document (the reader refuses a production instance)', async () => {
    // Prepare
    const lambda = worldClient(world, LambdaClient, plan.regions.dr);

    // Act
    const output = await lambda.send(
      new InvokeCommand({
        FunctionName: canaryFunctionName(plan, 'reader'),
        Payload: encode({
          op: 'read',
          targets: [{ databaseId: database.id, instanceIdentifier: database.replica.identifier }],
        }),
      }),
    );

    // Assess
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    const failure = decode(output.Payload) as { errorType: string; errorMessage: string };
    expect(failure.errorType).toBe('InvalidInputError');
    expect(failure.errorMessage).toContain(database.replica.identifier);
  });

  it('refuses an unknown function, a function of another region, and answers DryRun and Event', async () => {
    // Prepare
    const dr = worldClient(world, LambdaClient, plan.regions.dr);

    // Act
    const unknown = await dr.send(new InvokeCommand({ FunctionName: `${plan.name}-nope` })).catch((e) => e);
    const elsewhere = await dr
      .send(new InvokeCommand({ FunctionName: canaryFunctionName(plan, 'writer') }))
      .catch((e) => e);
    const dryRun = await dr.send(
      new InvokeCommand({ FunctionName: `${plan.name}-drill`, InvocationType: 'DryRun' }),
    );
    const queued = await dr.send(
      new InvokeCommand({
        FunctionName: `${plan.name}-drill`,
        InvocationType: 'Event',
        Payload: encode({ op: 'sweep', reason: 'a sweep by hand' }),
      }),
    );

    // Assess
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(unknown.message).toContain(`function:${plan.name}-nope`);
    expect(elsewhere).toBeInstanceOf(ResourceNotFoundException);
    expect(dryRun.StatusCode).toBe(204);
    expect(queued.StatusCode).toBe(202);
  });
});

describe('Lambda Invoke payloads in the world', () => {
  it('hands a JSON null payload to the handler as null, as Lambda does (the health monitor refuses it)', async () => {
    // Prepare
    const lambda = worldClient(world, LambdaClient, plan.regions.dr);

    // Act
    const output = await lambda.send(
      new InvokeCommand({ FunctionName: `${plan.name}-health-monitor`, Payload: encode(null) }),
    );

    // Assess
    expect(output.FunctionError).toBe('Unhandled');
    expect((decode(output.Payload) as { errorType: string }).errorType).toBe('InvalidInputError');
  });
});

describe('the canary writer in the world', () => {
  it('writes nothing while the primary region is down (it runs there), and writes again once it is back', async () => {
    // Prepare
    const primary = world.models.rds.find(database.primary.region, database.primary.identifier) as DbInstance;
    const seq = () => world.models.rds.heartbeats(primary, world.clock.now()).last()?.seq ?? 0;
    await world.runFor(10);
    const before = seq();

    // Act
    world.faults.regionOutage(plan.regions.primary);
    await world.runFor(60);
    const during = seq();
    world.faults.regionRecovers(plan.regions.primary);
    await world.runFor(60);

    // Assess
    expect(before).toBeGreaterThan(0);
    // A beat under way when the region went down may still have committed.
    expect(during - before).toBeLessThanOrEqual(1);
    expect(seq() - during).toBeGreaterThanOrEqual(5);
  });
});
