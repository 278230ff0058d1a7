import { GetExecutionHistoryCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { NotPastPointOfNoReturnError, toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import { failoverExecutionArn, stateMachineArns } from './state-machines.ts';

/**
 * The failover state machine's point of no return (statemachines/failover.asl.json): the Map
 * that issues every promotion, entered only after Preflight, the decision and Confirm. A test
 * holds the name to the definition.
 */
export const POINT_OF_NO_RETURN_STATE = 'StartPromotions';

/**
 * How far a run is read. StartPromotions was event 16 of the reference plan's unattended run in
 * the world (`npm run drill`); a run that waits for a decision first adds about nine events per
 * check, at most `approvalMaxPolls` (60) checks: under 600 events, so 1,000 is enough.
 */
const MAX_PAGES = 5;
const PAGE_SIZE = 200;

/**
 * Refuses an action that cannot be undone (promoting a replica, fencing the old primary, moving
 * traffic) unless the run it is done for really is a failover run past its point of no return.
 * The task input says which run it is (its correlationId, the execution's name), but an input
 * is only a claim: anyone who may invoke the function could send one. The run's own history, in
 * the DR region, is not. Nothing is changed on a refusal.
 */
export async function assertPastPointOfNoReturn(
  sfn: SFNClient,
  executionArn: string,
  action: string,
  verified: VerifiedRuns = new Set(),
): Promise<void> {
  if (verified.has(executionArn)) return;
  if (await enteredPointOfNoReturn(sfn, executionArn, action)) {
    verified.add(executionArn);
    return;
  }
  throw new NotPastPointOfNoReturnError(
    `${action}: refused, nothing changed: run ${executionArn} has not reached ${POINT_OF_NO_RETURN_STATE}, the failover's point of no return (after Preflight, the decision and Confirm). Only the failover state machine does this, for a run past that point: start a failover (drctl drill --target aws --mode failover) instead of invoking the function by hand`,
  );
}

async function enteredPointOfNoReturn(
  sfn: SFNClient,
  executionArn: string,
  action: string,
): Promise<boolean> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const history = await readHistoryPage(sfn, executionArn, nextToken, action);
    const entered = (history.events ?? []).some(
      (event) =>
        event.type === 'MapStateEntered' && event.stateEnteredEventDetails?.name === POINT_OF_NO_RETURN_STATE,
    );
    if (entered) return true;
    nextToken = history.nextToken;
    if (!nextToken) return false;
  }
  return false;
}

async function readHistoryPage(
  sfn: SFNClient,
  executionArn: string,
  nextToken: string | undefined,
  action: string,
) {
  try {
    return await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: PAGE_SIZE,
        includeExecutionData: false,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') {
      throw new NotPastPointOfNoReturnError(
        `${action}: refused, nothing changed: there is no failover run ${executionArn} (${name}). Only the failover state machine does this, for one of its runs past the point of no return`,
        { cause: error },
      );
    }
    throw toDrError(error, `${action}: GetExecutionHistory ${executionArn}`);
  }
}

/**
 * The check a function's core makes before an action that cannot be undone: `correlationId` is
 * the run's name as its task input gives it. Bound by the handler to its Step Functions client
 * and to the plan's failover state machine in the account and region of the invoked function.
 */
export type RunGuard = (correlationId: string, action: string) => Promise<void>;

/** Runs a container has seen past the point (execution ARNs): their later calls need no second look. */
export type VerifiedRuns = Set<string>;

/**
 * A handler's run guards: created once per module, so the runs it has verified live as long as
 * its container (and a fresh module, as in a new world of the local world, starts with none).
 * `guardFor` binds one to the failover state machine in the account and region of the invoked
 * function.
 */
export function failoverRunGuards(
  sfn: SFNClient,
  plan: Plan,
): { guardFor: (invokedFunctionArn: string) => RunGuard } {
  const verified: VerifiedRuns = new Set();
  return {
    guardFor(invokedFunctionArn) {
      const machines = stateMachineArns(plan, invokedFunctionArn);
      return (correlationId, action) =>
        assertPastPointOfNoReturn(sfn, failoverExecutionArn(machines, correlationId), action, verified);
    },
  };
}
