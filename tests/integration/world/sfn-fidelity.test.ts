import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { awsCli, hasAwsCli } from './aws-cli.ts';
import { errorCode, rawRequest } from './raw-request.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;
const input = (incidentId: string) =>
  JSON.stringify({ mode: 'dry-run', reason: 'fidelity test', incidentId, requestedBy: 'test' });

async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
});
afterAll(async () => {
  await world?.close();
});

describe('Step Functions as AWS runs it', () => {
  it('is regional: other regions list no state machine and cannot start or describe one', async () => {
    // Prepare
    const stateMachineArn = world.stepFunctions.stateMachineArn;
    const inRegion = worldClient(world, SFNClient, plan.regions.dr);
    const elsewhere = ['us-east-1', 'eu-west-1'].map((region) => worldClient(world, SFNClient, region));
    const { executionArn } = await inRegion.send(
      new StartExecutionCommand({ stateMachineArn, name: 'regional', input: input('I-R') }),
    );

    // Act
    const listed = await Promise.all(
      elsewhere.map((client) => client.send(new ListStateMachinesCommand({}))),
    );
    const own = await inRegion.send(new ListStateMachinesCommand({}));
    const start = await failure(
      (elsewhere[1] as SFNClient).send(new StartExecutionCommand({ stateMachineArn, input: input('I-X') })),
    );
    const describe = await failure(
      (elsewhere[1] as SFNClient).send(new DescribeExecutionCommand({ executionArn })),
    );

    // Assess
    expect(listed.map((page) => page.stateMachines)).toEqual([[], []]);
    // The failover and its two child state machines (one execution per database, per service)
    expect(own.stateMachines?.map((m) => m.stateMachineArn)).toEqual([
      stateMachineArn,
      `${stateMachineArn}-promote-database`,
      `${stateMachineArn}-scale-service`,
    ]);
    expect(start.name).toBe('StateMachineDoesNotExist');
    expect(describe.name).toBe('ExecutionDoesNotExist');
  });

  it('writes the LambdaFunction events of each Task, threaded to its state, and the role in ExecutionStarted', async () => {
    // Prepare
    const client = worldClient(world, SFNClient, plan.regions.dr);
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: world.stepFunctions.stateMachineArn,
        name: 'history',
        input: input('I-H'),
      }),
    );
    await world.stepFunctions.wait(executionArn as string);

    // Act
    const { events = [] } = await client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
    );

    // Assess
    const byId = new Map(events.map((event) => [event.id, event]));
    const previous = (event: HistoryEvent) => byId.get(event.previousEventId ?? -1)?.type;
    const scheduled = events.filter((event) => event.type === 'LambdaFunctionScheduled');
    expect(scheduled.length).toBeGreaterThan(0);
    for (const event of scheduled) {
      expect(previous(event)).toBe('TaskStateEntered');
      expect(event.lambdaFunctionScheduledEventDetails?.resource).toMatch(/^arn:aws:lambda:us-west-2:/);
    }
    const types = events.map((event) => event.type);
    expect(types.slice(0, 6)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
    ]);
    expect(events[0]?.executionStartedEventDetails?.roleArn).toBe(
      `arn:aws:iam::111111111111:role/${plan.name}-failover-state-machine`,
    );
  });

  it('refuses an execution input over 256 KiB with a ValidationException, and starts nothing', async () => {
    // Prepare
    const client = worldClient(world, SFNClient, plan.regions.dr);
    const big = JSON.stringify({ mode: 'dry-run', padding: 'x'.repeat(262_144) });
    const before = world.stepFunctions.list().length;

    // Act
    const refused = await failure(
      client.send(
        new StartExecutionCommand({ stateMachineArn: world.stepFunctions.stateMachineArn, input: big }),
      ),
    );

    // Assess
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toContain('262144');
    expect(world.stepFunctions.list()).toHaveLength(before);
  });

  it.each(['AWSStepFunctions.constructor', 'AWSStepFunctions.__proto__', 'AWSStepFunctions.toString'])(
    'answers %s as an unknown operation (400), not as an operation',
    async (target) => {
      // Act
      const response = await rawRequest(world.endpoint, {
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
        body: '{}',
        scope: { region: plan.regions.dr, service: 'states' },
      });

      // Assess
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('UnknownOperationException');
    },
  );

  it.each([
    ['null', 'SerializationException'],
    ['[1,2]', 'SerializationException'],
    ['{"stateMachineArn": 42}', 'SerializationException'],
    ['{not json', 'SerializationException'],
  ])('answers the body %s with a 400 %s', async (body, code) => {
    // Act
    const response = await rawRequest(world.endpoint, {
      headers: {
        'x-amz-target': 'AWSStepFunctions.ListExecutions',
        'content-type': 'application/x-amz-json-1.0',
      },
      body,
      scope: { region: plan.regions.dr, service: 'states' },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe(code);
  });
});

describe.skipIf(!hasAwsCli)('Step Functions through the AWS CLI', () => {
  it('lists no state machine in us-east-1 and the failover machine in the DR region', async () => {
    // Act
    const east = await awsCli(world, ['stepfunctions', 'list-state-machines', '--region', 'us-east-1']);
    const dr = await awsCli(world, ['stepfunctions', 'list-state-machines', '--region', plan.regions.dr]);

    // Assess
    expect(east.code, east.stderr).toBe(0);
    expect(JSON.parse(east.stdout).stateMachines).toEqual([]);
    expect(JSON.parse(dr.stdout).stateMachines.map((m: { name: string }) => m.name)).toEqual([
      `${plan.name}-failover`,
      `${plan.name}-failover-promote-database`,
      `${plan.name}-failover-scale-service`,
    ]);
  });
});
