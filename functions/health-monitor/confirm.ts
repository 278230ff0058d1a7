import { PrimaryRecoveredError } from '../../plan/errors.ts';
import type { ConfirmOutput, confirmInputSchema } from '../shared/contracts.ts';
import type { RecordedDecision } from '../shared/decision.ts';
import { describeProbe, isHealthyResponse } from '../shared/http-probe.ts';
import type * as z from '../shared/validator.ts';
import type { HealthMonitorPorts } from './ports.ts';
import { acceptRpo } from './rpo-guard.ts';
import { claimRun } from './run-lock.ts';

export type ConfirmInput = z.output<typeof confirmInputSchema>;
type Ports = Pick<HealthMonitorPorts, 'plan' | 'sfn' | 'probe' | 'now' | 'logger'>;

/**
 * The last look before the point of no return (the first PromoteReadReplica): no other failover
 * holds the lock; the RPO guard's verdict is within the budget or accepted by the decision; and,
 * for a run started by an alarm (or a hand-started one that asks), the primary still does not
 * answer from the DR region. A healthy answer stands the run down with no change.
 */
export async function confirm(ports: Ports, input: ConfirmInput): Promise<ConfirmOutput> {
  const startedAt = new Date(input.executionStartTime);
  await claimRun(
    ports,
    { executionArn: input.executionArn, stateMachineArn: input.stateMachineArn, startedAt },
    input.request,
  );
  const decision = (input.decision as { decision?: RecordedDecision | null } | null)?.decision ?? null;
  const rpo = {
    verdict: input.rpo.verdict,
    worstLagSeconds: input.rpo.worstLagSeconds,
    budgetSeconds: input.rpo.budgetSeconds,
    acceptedLossSeconds: decision?.acceptDataLossSeconds ?? null,
    acceptedUnknown: decision?.acceptUnknownDataLoss ?? false,
    acceptedBy: decision ? (decision.decidedBy ?? decision.author) : null,
  };
  acceptRpo(rpo);
  const primary = await checkPrimaryStillDown(ports, input);
  const output: ConfirmOutput = { confirmedAt: ports.now().toISOString(), primary, rpo };
  ports.logger?.info('confirmed: past the point of no return next', { ...output });
  return output;
}

async function checkPrimaryStillDown(ports: Ports, input: ConfirmInput): Promise<ConfirmOutput['primary']> {
  const { plan } = ports;
  const { request } = input;
  const asked = request.requestedBy.startsWith('alarm:') || request.confirmPrimaryDown === true;
  if (!asked)
    return {
      checked: false,
      state: null,
      detail: 'started by hand: not re-checked (confirmPrimaryDown not set)',
    };
  const url = plan.application.primary.healthUrl;
  const result = await ports.probe(url, plan.detection.probe.timeoutSeconds * 1000);
  if (isHealthyResponse(result)) {
    throw new PrimaryRecoveredError(
      `primary recovered before the point of no return: ${url} answers ${describeProbe(result)} from ${plan.regions.dr}. Nothing was changed; the run stands down.`,
    );
  }
  const state = result.outcome === 'not-attempted' ? 'unknown' : 'down';
  return { checked: true, state, detail: `${url}: ${describeProbe(result)}` };
}
