import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type HistoryEventType,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  assertPastPointOfNoReturn,
  POINT_OF_NO_RETURN_STATE,
} from '../../../../functions/shared/run-guard.ts';
import { NotPastPointOfNoReturnError, ThrottledError } from '../../../../plan/errors.ts';

const RUN = 'arn:aws:states:us-west-2:111111111111:execution:shop-failover:run-1';
const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'us-west-2' });
const entered = (name: string, type: HistoryEventType = 'TaskStateEntered'): HistoryEvent => ({
  type,
  id: 1,
  timestamp: new Date(),
  stateEnteredEventDetails: { name },
});

beforeEach(() => {
  sfnMock.reset();
});

describe('assertPastPointOfNoReturn', () => {
  it('lets a run through once its history shows the point of no return, on a later page too, and reads it once', async () => {
    // Prepare
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [entered('Preflight'), entered('Confirm')], nextToken: 'page-2' })
      .resolvesOnce({ events: [entered(POINT_OF_NO_RETURN_STATE, 'MapStateEntered')] });

    const verified = new Set<string>();

    // Act
    await assertPastPointOfNoReturn(sfn, RUN, 'fence-primary', verified);
    await assertPastPointOfNoReturn(sfn, RUN, 'fence-primary', verified);

    // Assess
    const calls = sfnMock.commandCalls(GetExecutionHistoryCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input).toMatchObject({ executionArn: RUN, includeExecutionData: false });
    expect(calls[1]?.args[0].input.nextToken).toBe('page-2');
  });

  it('refuses a run that has not reached the point, and a run that does not exist, naming the run', async () => {
    // Prepare
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [entered('Preflight'), entered('RequestDecision')] })
      .rejectsOnce(Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' }));

    // Act
    const early = await assertPastPointOfNoReturn(sfn, RUN, 'promote-replica').catch((e: unknown) => e);
    const none = await assertPastPointOfNoReturn(sfn, RUN, 'promote-replica').catch((e: unknown) => e);

    // Assess
    expect(early).toBeInstanceOf(NotPastPointOfNoReturnError);
    expect((early as Error).message).toContain(`promote-replica: refused, nothing changed: run ${RUN}`);
    expect(none).toBeInstanceOf(NotPastPointOfNoReturnError);
    expect((none as Error).message).toContain('ExecutionDoesNotExist');
  });

  it('passes on a throttled read as retryable, so the state machine tries again', async () => {
    // Prepare
    sfnMock
      .on(GetExecutionHistoryCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const error = await assertPastPointOfNoReturn(sfn, RUN, 'update-dns').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
  });

  it("names the failover definition's own Map that issues the promotions, after Confirm", () => {
    // Prepare
    const definition = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../../statemachines/failover.asl.json'), 'utf8'),
    ) as { States: Record<string, { Type: string; Next?: string }> };

    // Assess
    expect(definition.States[POINT_OF_NO_RETURN_STATE]?.Type).toBe('Map');
    expect(definition.States.Confirm?.Next).toBe(POINT_OF_NO_RETURN_STATE);
  });
});
