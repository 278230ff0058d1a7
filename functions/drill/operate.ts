import { parseTaskInput } from '../shared/contracts.ts';
import {
  cleanupInputSchema,
  copyStatusInputSchema,
  createCopyInputSchema,
  DRILL_OPS,
  dataLossInputSchema,
  declareOutageInputSchema,
  drillPreflightInputSchema,
  drillVerifyInputSchema,
  gateInputSchema,
  promoteCopyInputSchema,
  sweepInputSchema,
  verdictInputSchema,
} from '../shared/drill-contracts.ts';
import * as z from '../shared/validator.ts';
import { cleanup } from './cleanup.ts';
import { copyStatus } from './copy-status.ts';
import { createCopy } from './create-copy.ts';
import { measureDataLoss } from './data-loss.ts';
import { declareOutage } from './declare-outage.ts';
import { switchDrillGate } from './gate.ts';
import type { DrillPorts } from './ports.ts';
import { drillPreflight } from './preflight.ts';
import { promoteCopy } from './promote-copy.ts';
import { sweep } from './sweep.ts';
import { verdict } from './verdict-op.ts';
import { verifyThroughDrillName } from './verify.ts';

/**
 * The `drill` function's op contract (one Lambda, `<plan>-drill` in the DR region). Keep it
 * stable: the drill state machine (statemachines/drill.asl.json), the EventBridge sweep rule
 * (infra) and the local world all call it. Every payload is a JSON object `{ "op": <op>, ... }`
 * checked against its schema in functions/shared/drill-contracts.ts before anything runs (an
 * unknown op or a bad field is an InvalidInputError naming the field, and nothing is called).
 * `envelope` = `correlationId` (the execution name: it tags this drill's resources) and
 * `executionStartTime` (ISO). Outputs are the *Output types of the same file.
 *
 *   op               input beyond op                                   does
 *   preflight        envelope, executionArn, stateMachineArn, request  read only; DrillRefusedError refuses
 *   sweep            reason, [envelope], attempt, previous             removes earlier drills' leftovers; the
 *                                                                      rule on FAILED/TIMED_OUT/ABORTED drill
 *                                                                      executions sends `{ op, reason }` only
 *   create-copy      envelope, databaseId                              cascading replica of the DR replica
 *   copy-status      envelope, attempt                                 done when every copy is available
 *   declare-outage   envelope                                          the simulated loss of the primary
 *   promote-copy     envelope, databaseId, attempt, startedAt,         reads the copy's lag, then promotes it
 *   promote-status     lagAtPromotionSeconds, lagObservedAt            polls the promotion
 *   gate             envelope, action close|status|open, attempt,      the drill gate only (drctl/drill metric)
 *                      before, submittedAt
 *   verify           envelope                                          the drill name through DNS, then DR health
 *   data-loss        envelope, promotions[]                            heartbeats via the canary, else the lag
 *                                                                      at promotion labelled an estimate
 *   cleanup          envelope, attempt, previous                       copies deleted, services to 0, gate open
 *   verdict          envelope, outage, verification, dataLoss,         DrillFailedError / ObjectiveMissedError /
 *                      cleanup, error, cleanupError                    CleanupIncompleteError or success
 *
 * Every call that changes something is guarded to drill resources (guard.ts): a name that is not
 * a drill copy of this plan, or a service not of the plan's DR services, is refused with
 * NotADrillResourceError before any call.
 */
const routeSchema = z.object({ op: z.enum(DRILL_OPS) });

/** One drill op: the input is checked against its contract (naming the field), then its core runs. */
export async function runDrillOp(ports: DrillPorts, event: unknown): Promise<unknown> {
  const { op } = parseTaskInput(routeSchema, event, 'drill');
  const what = `drill ${op}`;
  switch (op) {
    case 'preflight':
      return drillPreflight(ports, parseTaskInput(drillPreflightInputSchema, event, what));
    case 'sweep':
      return sweep(ports, parseTaskInput(sweepInputSchema, event, what));
    case 'create-copy':
      return createCopy(ports, parseTaskInput(createCopyInputSchema, event, what));
    case 'copy-status':
      return copyStatus(ports, parseTaskInput(copyStatusInputSchema, event, what));
    case 'declare-outage':
      parseTaskInput(declareOutageInputSchema, event, what);
      return await declareOutage(ports);
    case 'promote-copy':
    case 'promote-status':
      return promoteCopy(ports, parseTaskInput(promoteCopyInputSchema, event, what));
    case 'gate':
      return switchDrillGate(ports, parseTaskInput(gateInputSchema, event, what));
    case 'verify':
      parseTaskInput(drillVerifyInputSchema, event, what);
      return verifyThroughDrillName(ports);
    case 'data-loss':
      return measureDataLoss(ports, parseTaskInput(dataLossInputSchema, event, what));
    case 'cleanup':
      return cleanup(ports, parseTaskInput(cleanupInputSchema, event, what));
    case 'verdict':
      return verdict(ports, parseTaskInput(verdictInputSchema, event, what));
  }
}
