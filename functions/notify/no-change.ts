import type { Plan } from '../../plan/schema.ts';
import type { NotifyInput } from '../shared/contracts.ts';
import type { FailureDescription } from './failure.ts';
import type { StepResults } from './step-results.ts';
import { cleanSubject } from './subject.ts';

type NoChangeEvent = 'skipped' | 'stood-down' | 'denied' | 'decision-timed-out';

/**
 * Short notices of runs that end with nothing changed: never a FAILED one for a failover that
 * another run is doing, or that a person or the primary's recovery called off.
 */
export function noChangeNotice(
  plan: Plan,
  event: NoChangeEvent,
  input: NotifyInput,
  results: StepResults,
  failure: FailureDescription | null,
): { subject: string; message: string } {
  const decision = results.decision?.decision;
  const who = decision
    ? [decision.decidedBy, decision.author].filter(Boolean).join(' as ') || 'unknown'
    : 'unknown';
  const incident = input.request.incidentId ? ` (${input.request.incidentId})` : '';
  const notice = {
    skipped: {
      subject: `[drctl] ${plan.name} failover SKIPPED: another failover holds the lock${incident}`,
      why: failure?.message ?? 'another failover holds the lock',
      next: 'nothing. Follow the failover that holds the lock; its own messages say how it ends.',
    },
    'stood-down': {
      subject: `[drctl] ${plan.name} failover STOOD DOWN: primary recovered before the point of no return${incident}`,
      why: failure?.message ?? 'the primary answered healthy from the DR region',
      next: `nothing was changed. Watch ${plan.regions.primary}: if it fails again, the alarms start a new run.`,
    },
    denied: {
      subject: `[drctl] ${plan.name} failover DENIED by ${who}${incident}`,
      why: `denied by ${who} at ${decision?.decidedAt ?? 'an unknown time'}: ${decision?.reason ?? 'no reason given'}`,
      next: 'nothing was changed. Start a new run by hand if the situation changes.',
    },
    'decision-timed-out': {
      subject: `[drctl] ${plan.name} failover NOT DECIDED within ${plan.failover.approval.timeoutMinutes} min: no change${incident}`,
      why: `nobody decided within ${plan.failover.approval.timeoutMinutes} minutes${results.decision?.problem ? ` (the decision parameter is not a valid decision: ${results.decision.problem})` : ''}`,
      next: 'nothing was changed. Start a new run by hand (or wait for the next alarm) and decide in time.',
    },
  }[event];
  const lines = [
    `drctl failover of plan "${plan.name}" ended with NO CHANGE (${event}).`,
    '',
    `Requested by: ${input.request.requestedBy ?? 'unknown'}; incident ${input.request.incidentId ?? 'unknown'}; reason: ${input.request.reason ?? 'not given'}`,
    `Why: ${notice.why}`,
    '',
    `Next: ${notice.next}`,
  ];
  return { subject: cleanSubject(notice.subject), message: lines.join('\n') };
}
