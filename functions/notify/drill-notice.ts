import { drillRecordName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { NotifyInput } from '../shared/contracts.ts';
import * as z from '../shared/validator.ts';
import { formatDuration } from './duration.ts';
import { describeFailure } from './failure.ts';
import { cleanSubject } from './subject.ts';

type DrillEvent = 'drill-started' | 'drill-succeeded' | 'drill-failed';

/** The verdict's fields a notice uses (DrillVerdictOutput), read defensively. */
const verdictSchema = z.looseObject({
  outcome: z.enum(['succeeded', 'failed', 'objective-missed', 'cleanup-incomplete']),
  error: z.nullable(z.string()),
  cause: z.string(),
  rto: z.looseObject({
    seconds: z.nullable(z.number()),
    objectiveSeconds: z.number(),
    met: z.nullable(z.boolean()),
  }),
  rpo: z.looseObject({
    seconds: z.nullable(z.number()),
    writesLost: z.nullable(z.number()),
    objectiveSeconds: z.number(),
    met: z.nullable(z.boolean()),
    basis: z.string(),
  }),
  cleanup: z.looseObject({ complete: z.boolean(), leftBehind: z.array(z.string()) }),
});
const preflightSchema = z.looseObject({
  databases: z.array(
    z.looseObject({ id: z.string(), replicaIdentifier: z.string(), copyIdentifier: z.string() }),
  ),
  services: z.array(
    z.looseObject({ id: z.string(), cluster: z.string(), service: z.string(), drDesiredCount: z.number() }),
  ),
});

/**
 * The drill's notices: started (what it fails over, and that production is not touched), and its
 * result (measured RTO and RPO against the objectives, the cleanup, and every resource left behind
 * by name, so that whoever reads it knows what to remove by hand).
 */
export function drillNotice(
  plan: Plan,
  event: DrillEvent,
  input: NotifyInput,
): { subject: string; message: string } {
  const incident = input.request.incidentId ? ` (${input.request.incidentId})` : '';
  const preflight = preflightSchema.safeParse(input.preflight).data;
  const verdict = verdictSchema.safeParse(input.verdict).data;
  const failure = input.error ? describeFailure(input.error) : null;
  const lines: string[] = [];
  let subject: string;
  if (event === 'drill-started') {
    subject = `[drctl] ${plan.name} drill STARTED${incident}`;
    lines.push(
      `drctl drill of plan "${plan.name}" STARTED: copies fail over in ${plan.regions.dr}; production is not touched.`,
      '',
      requestLine(input),
      ...startedLines(plan, preflight),
    );
  } else if (verdict === undefined) {
    // Refused or failed before any verdict: nothing was made, or the verdict itself failed.
    const refused = failure?.name === 'DrillRefusedError';
    subject = `[drctl] ${plan.name} drill ${refused ? 'REFUSED' : 'FAILED'}${failure ? `: ${failure.name}` : ''}`;
    lines.push(
      `drctl drill of plan "${plan.name}" ${refused ? 'was REFUSED' : 'FAILED'}.`,
      '',
      requestLine(input),
      `Error: ${failure ? `${failure.name}: ${failure.message}` : 'unknown'}`,
      '',
      refused
        ? 'Nothing was changed. Next: run the drill again once what stands in the way is gone.'
        : 'The drill did not reach its cleanup verdict: check the drill copies (*-drill in RDS), the DR services and the drill gate by hand, or let the sweep (it runs on every failed drill) remove them.',
    );
  } else {
    subject = resultSubject(plan, verdict);
    lines.push(headline(plan, verdict), '', requestLine(input), ...figureLines(verdict));
    if (failure) lines.push('', `Error: ${failure.name}: ${failure.message}`);
    lines.push('', ...cleanupLines(verdict), '', `Next: ${nextStep(verdict)}`);
  }
  return { subject: cleanSubject(subject), message: `${lines.join('\n')}\n` };
}

function requestLine(input: NotifyInput): string {
  const { requestedBy, incidentId, reason } = input.request;
  return `Requested by: ${requestedBy ?? 'unknown'}; incident ${incidentId ?? 'unknown'}; reason: ${reason ?? 'not given'}`;
}

function startedLines(plan: Plan, preflight: z.output<typeof preflightSchema> | undefined): string[] {
  const copies =
    preflight?.databases.map((d) => `  - ${d.copyIdentifier} (copy of ${d.replicaIdentifier})`) ?? [];
  const services =
    preflight?.services.map((s) => `  - ${s.cluster}/${s.service} to ${s.drDesiredCount} tasks`) ?? [];
  return [
    '',
    'The drill promotes these copies:',
    ...copies,
    'scales these DR services (they take no production traffic):',
    ...services,
    `and moves ${drillRecordName(plan)} to the DR target. Everything is cleaned up afterwards; the result follows.`,
  ];
}

function resultSubject(plan: Plan, verdict: z.output<typeof verdictSchema>): string {
  const figures = `RTO ${seconds(verdict.rto.seconds)}, RPO ${seconds(verdict.rpo.seconds)}`;
  const word = {
    succeeded: 'SUCCEEDED',
    failed: 'FAILED',
    'objective-missed': 'MISSED AN OBJECTIVE',
    'cleanup-incomplete': 'LEFT RESOURCES BEHIND',
  }[verdict.outcome];
  return `[drctl] ${plan.name} drill ${word}: ${figures}`;
}

function headline(plan: Plan, verdict: z.output<typeof verdictSchema>): string {
  return {
    succeeded: `drctl drill of plan "${plan.name}" SUCCEEDED: it met its objectives and cleaned up.`,
    failed: `drctl drill of plan "${plan.name}" FAILED.`,
    'objective-missed': `drctl drill of plan "${plan.name}" MISSED AN OBJECTIVE.`,
    'cleanup-incomplete': `drctl drill of plan "${plan.name}" could not clean up: resources are LEFT BEHIND (below).`,
  }[verdict.outcome];
}

function figureLines(verdict: z.output<typeof verdictSchema>): string[] {
  const { rto, rpo } = verdict;
  const judged = (met: boolean | null) => (met === null ? 'not judged (unknown)' : met ? 'MET' : 'MISSED');
  const basis =
    rpo.basis === 'canary'
      ? 'measured by the write canary'
      : rpo.basis === 'replica-lag-estimate'
        ? "ESTIMATED from the copies' replica lag at promotion (the write canary is off or unreadable)"
        : 'unknown';
  return [
    `RTO: ${seconds(rto.seconds)} from the declared outage to the DR application serving through the drill name; objective ${formatDuration(rto.objectiveSeconds)}: ${judged(rto.met)}.`,
    `RPO: ${seconds(rpo.seconds)}${rpo.writesLost === null ? '' : ` (${rpo.writesLost} heartbeat writes lost)`}, ${basis}; objective ${formatDuration(rpo.objectiveSeconds)}: ${judged(rpo.met)}.`,
  ];
}

function cleanupLines(verdict: z.output<typeof verdictSchema>): string[] {
  if (verdict.cleanup.complete) return ['Cleanup: complete, nothing left behind.'];
  return ['Cleanup: INCOMPLETE. Left behind:', ...verdict.cleanup.leftBehind.map((item) => `  - ${item}`)];
}

function nextStep(verdict: z.output<typeof verdictSchema>): string {
  if (!verdict.cleanup.complete) {
    return 'remove what is left behind (the sweep of the next drill, or of this failed one, tries again; a copy is an RDS instance that costs by the hour).';
  }
  if (verdict.outcome === 'succeeded') return 'nothing. Keep this message and the run report as evidence.';
  if (verdict.outcome === 'objective-missed') {
    return 'the recovery is slower or loses more than the plan allows: look at the slowest step in the run report, or revisit the objectives.';
  }
  return 'fix the cause named above and run the drill again.';
}

const seconds = (value: number | null): string => (value === null ? 'unknown' : formatDuration(value));
