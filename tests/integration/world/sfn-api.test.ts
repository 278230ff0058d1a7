import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
let world: World;
let sfn: SFNClient;
const input = (incidentId: string) =>
  JSON.stringify({ mode: 'dry-run', reason: 'api test', incidentId, requestedBy: 'test' });

async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  world = await startWorld({ plan, scale: 200, schedule: false, alarmTrigger: false });
  sfn = new SFNClient({
    region: plan.regions.dr,
    endpoint: world.endpoint,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await world?.close();
});

describe('the Step Functions API of the world', () => {
  it('treats StartExecution with the same name and input as idempotent while the execution runs', async () => {
    // Prepare
    const stateMachineArn = world.stepFunctions.stateMachineArn;

    // Act
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'same', input: input('I-1') }),
    );
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'same', input: input('I-1') }),
    );
    const different = await failure(
      sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'same', input: input('I-2') })),
    );
    await world.stepFunctions.wait(first.executionArn as string);
    const afterEnd = await failure(
      sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'same', input: input('I-1') })),
    );

    // Assess
    expect(again.executionArn).toBe(first.executionArn);
    expect(different.name).toBe('ExecutionAlreadyExists');
    expect(afterEnd.name).toBe('ExecutionAlreadyExists');
  });

  it('describes, lists and tells the history of an execution in simulated time', async () => {
    // Prepare
    const stateMachineArn = world.stepFunctions.stateMachineArn;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'history', input: input('I-3') }),
    );
    await world.stepFunctions.wait(executionArn as string);

    // Act
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED' }));
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '{}')).toMatchObject({ mode: 'dry-run' });
    expect(listed.executions?.map((e) => e.name)).toContain('history');
    expect(events?.[0]?.type).toBe('ExecutionStarted');
    expect(events?.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(
      events?.some((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'Preflight'),
    ).toBe(true);
    // Timestamps speak the world's simulated time, not the machine's.
    const started = events?.[0]?.timestamp?.getTime() ?? 0;
    expect(Math.abs(started - (described.startDate?.getTime() ?? 0))).toBeLessThan(5_000);
  });

  it('stops a running execution as ABORTED', async () => {
    // Prepare
    const stateMachineArn = world.stepFunctions.stateMachineArn;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'stopped',
        input: JSON.stringify({
          mode: 'failover',
          reason: 'stop me',
          incidentId: 'I-4',
          requestedBy: 'test',
        }),
      }),
    );

    // Act
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'changed my mind' }),
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'changed my mind' });
  });
});
