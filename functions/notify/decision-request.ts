import { decisionParameterName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { NotifyInput } from '../shared/contracts.ts';
import { formatDuration } from './duration.ts';
import type { StepResults } from './step-results.ts';
import { cleanSubject } from './subject.ts';

/**
 * The message that asks a person to decide, with everything needed to decide: why the run waits,
 * the preflight result, the replica lag per database (or "unknown"), what will change, the
 * estimated recovery time, and how to answer (drctl, the AWS CLI, or the console).
 */
export function decisionRequest(
  plan: Plan,
  input: NotifyInput,
  results: StepResults,
): { subject: string; message: string } {
  const execution = input.correlationId;
  const parameter = decisionParameterName(plan, execution);
  const preflight = results.preflight;
  const raw = (input.preflight ?? {}) as {
    decision?: { reasons?: string[] };
    estimatedRecoverySeconds?: number;
    rpo?: { verdict?: string; offences?: string[] };
  };
  const { timeoutMinutes } = plan.failover.approval;
  const lines = [
    `drctl failover of plan "${plan.name}" (${plan.regions.primary} → ${plan.regions.dr}) WAITS FOR A DECISION before the point of no return (promoting the replicas cannot be undone).`,
    '',
    `Requested by: ${input.request.requestedBy ?? 'unknown'}; incident ${input.request.incidentId ?? 'unknown'}; reason: ${input.request.reason ?? 'not given'}`,
    `Why it waits: ${(raw.decision?.reasons ?? ['a decision is required']).join('; ')}`,
    '',
    'Preflight: passed (every plan resource is ready).',
    ...(preflight?.databases ?? []).map((db) => {
      const lag = (db as { lastActiveLagSeconds?: number | null }).lastActiveLagSeconds;
      return `  - database ${db.id} (${db.identifier}): ${db.readiness}, replica lag ${lag === null || lag === undefined ? 'unknown' : `${lag} s`}`;
    }),
    `RPO guard: ${raw.rpo?.verdict ?? 'unknown'} (budget ${plan.objectives.rpoSeconds} s)${(raw.rpo?.offences ?? []).length > 0 ? `: ${(raw.rpo?.offences ?? []).join('; ')}` : ''}`,
    `Estimated recovery after approval: about ${formatDuration(raw.estimatedRecoverySeconds ?? 0)} (objective ${formatDuration(plan.objectives.rtoSeconds)}).`,
    '',
    'What will change:',
    ...(preflight?.changes ?? []).map((c) => `  - ${c.resource}: ${c.action} (${c.before} → ${c.after})`),
    '',
    `Decide within ${timeoutMinutes} minutes (after that the run stops with no change):`,
    `  drctl approve ${execution} --reason "..."   [--accept-data-loss SECONDS | --accept-unknown-data-loss "accept unknown data loss"]`,
    `  drctl deny ${execution} --reason "..."`,
    `  or write the SSM parameter ${parameter} in ${plan.regions.dr}, e.g.`,
    `  aws ssm put-parameter --region ${plan.regions.dr} --name ${parameter} --type String --value '{"decision":"approve","reason":"..."}'`,
    `  console: https://${plan.regions.dr}.console.aws.amazon.com/systems-manager/parameters/?region=${plan.regions.dr}`,
  ];
  return {
    // The execution's name, which `drctl approve` and `deny` take (the incident is in the message).
    subject: cleanSubject(`[drctl] ${plan.name} failover WAITS FOR A DECISION: run ${execution}`),
    message: lines.join('\n'),
  };
}
