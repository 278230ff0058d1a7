import type { Plan } from '../../plan/schema.ts';
import type { Step } from '../shared/contracts.ts';
import { dnsRecordResource, drServiceResource, replicaResource } from '../shared/resource-names.ts';
import type { FailureDescription } from './failure.ts';
import type { StepResults } from './step-results.ts';

export interface TimelineContext {
  plan: Plan;
  event: 'started' | 'succeeded' | 'failed';
  executionStartTime: string;
  results: StepResults;
  failure: FailureDescription | null;
  now: Date;
}

/**
 * The run's steps in order: preflight, each promotion, each scale-up, the DNS switch and the
 * endpoint check, built from the step outputs the state machine passed. On a failure, steps
 * without an output are "unknown" and carry what the assessment found on their resource.
 */
export function buildTimeline(context: TimelineContext): Step[] {
  const { plan, results, event } = context;
  const steps: Step[] = [preflightStep(context)];
  if (event === 'started' || results.preflight === undefined) return withFailure(steps, context);

  for (const db of plan.databases) {
    const promotion = results.promotions?.find((p) => p.databaseId === db.id);
    steps.push(
      promotion
        ? {
            step: `promote database ${db.id}`,
            startedAt: promotion.startedAt,
            endedAt: promotion.completedAt,
            outcome: promotion.done ? 'succeeded' : 'unknown',
            detail: promotion.alreadyPromoted
              ? `${promotion.identifier} was already standalone before this run (${promotion.status})`
              : `${promotion.identifier} ${promotion.status}`,
          }
        : unreported(`promote database ${db.id}`, replicaResource(db), context),
    );
  }
  for (const service of plan.services) {
    const scaling = results.scalings?.find((s) => s.serviceId === service.id);
    const stopped = scaling?.stoppedReasons.length
      ? `; stopped tasks: ${scaling.stoppedReasons.join(' | ')}`
      : '';
    steps.push(
      scaling
        ? {
            step: `scale service ${service.id}`,
            startedAt: scaling.startedAt,
            endedAt: scaling.completedAt,
            outcome: scaling.done ? 'succeeded' : 'unknown',
            detail: `${scaling.cluster}/${scaling.service} desiredCount ${scaling.desiredCount}, running ${scaling.runningCount}${scaling.alreadyScaled ? ' (already scaled before this run)' : ''}${stopped}`,
          }
        : unreported(`scale service ${service.id}`, drServiceResource(plan, service), context),
    );
  }
  const { dns } = results;
  steps.push(
    dns
      ? {
          step: 'switch DNS',
          startedAt: dns.submittedAt,
          endedAt: dns.insyncAt,
          outcome: dns.done ? 'succeeded' : 'unknown',
          detail: dns.alreadySwitched
            ? `${dns.record} already pointed to ${dns.after}`
            : `${dns.record}: ${dns.before ?? '(none)'} → ${dns.after}, change ${dns.changeId ?? '-'} ${dns.status}`,
        }
      : unreported('switch DNS', dnsRecordResource(plan), context),
  );
  const { verification } = results;
  steps.push(
    verification
      ? {
          step: 'verify DR endpoint',
          startedAt: null,
          endedAt: verification.verifiedAt,
          outcome: 'succeeded',
          detail: `HTTP ${verification.httpStatus} from ${verification.url}`,
        }
      : unreported('verify DR endpoint', null, context),
  );
  return withFailure(steps, context);
}

function preflightStep({ results, executionStartTime, failure }: TimelineContext): Step {
  const { preflight } = results;
  if (preflight === undefined) {
    return {
      step: 'preflight',
      startedAt: executionStartTime,
      endedAt: null,
      outcome: failure ? 'failed' : 'unknown',
      ...(failure ? { detail: `${failure.name}: ${failure.message}` } : {}),
    };
  }
  const lag = preflight.rpo.worstLagSeconds === null ? 'not judged' : `${preflight.rpo.worstLagSeconds} s`;
  return {
    step: 'preflight',
    startedAt: executionStartTime,
    endedAt: preflight.checkedAt,
    outcome: 'succeeded',
    detail: `${preflight.changes.length} change(s) planned; worst last-active replica lag ${lag} (RPO budget ${preflight.rpo.budgetSeconds} s)`,
  };
}

/** A step the state machine passed no output for: what the assessment saw on its resource, if anything. */
function unreported(step: string, resource: string | null, { results }: TimelineContext): Step {
  const change =
    resource === null ? undefined : results.assessment?.changes.find((c) => c.resource === resource);
  const unknown =
    resource === null ? undefined : results.assessment?.unknown.find((u) => u.startsWith(resource));
  let detail = 'no result reported';
  if (change) detail = `found ${change.action}: ${change.after}`;
  else if (unknown) detail = `state could not be read: ${unknown}`;
  else if (results.assessment && resource !== null) detail = 'found unchanged';
  return { step, startedAt: null, endedAt: null, outcome: 'unknown', detail };
}

function withFailure(steps: Step[], { failure, results, now }: TimelineContext): Step[] {
  // A preflight failure is already on the preflight step.
  if (failure === null || results.preflight === undefined) return steps;
  return [
    ...steps,
    {
      step: 'failure',
      startedAt: null,
      endedAt: now.toISOString(),
      outcome: 'failed',
      detail: `${failure.name}: ${failure.message}`,
    },
  ];
}
