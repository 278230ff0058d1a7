import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { InvalidInputError, toDrError } from '../../plan/errors.ts';

/** States of the decision loop: a run in one of them waits for a person. */
const WAITING_STATES = new Set([
  'RequestDecision',
  'StartWaiting',
  'WaitForDecision',
  'CheckDecision',
  'DecisionMade',
]);

export interface WaitingRun {
  executionArn: string;
  name: string;
  /** What the run needs accepted (from its preflight), to refuse a decision that cannot pass. */
  rpo: { verdict: string; worstLagSeconds: number | null; budgetSeconds: number } | null;
}

/**
 * Finds the execution a decision is for and checks that it waits for one: it exists, it runs,
 * and its last entered state is in the decision loop. Anything else is bad input (exit 2) with
 * what the execution is doing instead.
 */
export async function findWaitingRun(sfn: SFNClient, executionArn: string): Promise<WaitingRun> {
  let status: string | undefined;
  let stopDate: Date | undefined;
  try {
    ({ status, stopDate } = await sfn.send(new DescribeExecutionCommand({ executionArn })));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') {
      throw new InvalidInputError(
        `no such execution ${executionArn}: check the name (drctl status lists the last runs)`,
        'execution',
      );
    }
    throw toDrError(error, `DescribeExecution ${executionArn}`);
  }
  if (status !== 'RUNNING') {
    throw new InvalidInputError(
      `execution ${executionArn} has already ended (${status}${stopDate ? ` at ${stopDate.toISOString()}` : ''}): there is nothing to decide`,
      'execution',
    );
  }
  const events = await recentEvents(sfn, executionArn);
  const entered = events.find((e) => e.stateEnteredEventDetails !== undefined);
  const state = entered?.stateEnteredEventDetails?.name;
  if (state === undefined || !WAITING_STATES.has(state)) {
    throw new InvalidInputError(
      `execution ${executionArn} is not waiting for a decision (its last state is ${state ?? 'unknown'})`,
      'execution',
    );
  }
  return { executionArn, name: executionArn.split(':').at(-1) ?? executionArn, rpo: rpoNeed(events) };
}

async function recentEvents(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  try {
    const output = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 100 }),
    );
    return output.events ?? [];
  } catch (error) {
    throw toDrError(error, `GetExecutionHistory ${executionArn}`);
  }
}

/** The preflight's RPO verdict, from the input of the decision request the run sent. */
function rpoNeed(events: HistoryEvent[]): WaitingRun['rpo'] {
  for (const event of events) {
    const details = event.stateEnteredEventDetails;
    if (details?.name !== 'NeedsDecision' && details?.name !== 'RequestDecision') continue;
    try {
      const input = JSON.parse(details.input ?? '{}') as { preflight?: { rpo?: WaitingRun['rpo'] } };
      if (input.preflight?.rpo) return input.preflight.rpo;
    } catch {
      // An input that does not parse says nothing about the need: the run's own check decides.
    }
  }
  return null;
}
