import type { Plan } from '../../plan/schema.ts';
import type {
  DataLossBasis,
  DrillOutcome,
  DrillVerdictOutput,
  verdictInputSchema,
} from '../shared/drill-contracts.ts';
import * as z from '../shared/validator.ts';

export type VerdictInput = z.output<typeof verdictInputSchema>;

/** The fields of the step outputs the verdict reads; a shape that does not fit counts as absent. */
const outageSchema = z.looseObject({ outageAt: z.string() });
const verificationSchema = z.looseObject({ verifiedAt: z.string() });
const dataLossSchema = z.looseObject({
  worst: z.looseObject({
    secondsLost: z.nullable(z.number()),
    writesLost: z.nullable(z.number()),
    basis: z.enum(['canary', 'replica-lag-estimate', 'unknown']),
  }),
});
const cleanupSchema = z.looseObject({ complete: z.boolean(), leftBehind: z.array(z.string()) });

/**
 * How the drill ended, from what it gathered: SUCCEEDED only when it ran to the end, met both
 * objectives and left nothing behind. Otherwise the most urgent error wins: something left behind
 * (CleanupIncompleteError: it costs money and blocks the next drill), then a failed step
 * (DrillFailedError), then a missed objective (ObjectiveMissedError). RTO runs from the declared
 * outage to the DR application serving through the drill name; RPO is the data-loss window. An
 * objective is judged only on a known figure (an estimate counts, labelled by its basis); an
 * unknown one is neither met nor missed.
 */
export function drillVerdict(plan: Plan, input: VerdictInput): DrillVerdictOutput {
  const outageAt = outageSchema.safeParse(input.outage).data?.outageAt ?? null;
  const servedAt = verificationSchema.safeParse(input.verification).data?.verifiedAt ?? null;
  const worst = dataLossSchema.safeParse(input.dataLoss).data?.worst ?? null;
  const cleanup = cleanupSchema.safeParse(input.cleanup).data ?? null;
  const rtoSeconds = outageAt !== null && servedAt !== null ? secondsBetween(outageAt, servedAt) : null;
  const rto = {
    seconds: rtoSeconds,
    objectiveSeconds: plan.objectives.rtoSeconds,
    met: rtoSeconds === null ? null : rtoSeconds <= plan.objectives.rtoSeconds,
    outageAt,
    servedAt,
  };
  const rpoSeconds = worst?.secondsLost ?? null;
  const rpo = {
    seconds: rpoSeconds,
    writesLost: worst?.writesLost ?? null,
    objectiveSeconds: plan.objectives.rpoSeconds,
    met: rpoSeconds === null ? null : rpoSeconds <= plan.objectives.rpoSeconds,
    basis: (worst?.basis ?? 'unknown') as DataLossBasis,
  };
  const leftBehind = cleanup?.leftBehind ?? [
    `cleanup did not report (${input.cleanupError?.Error ?? 'no result'}): check the drill copies, the DR services and the drill gate by hand`,
  ];
  const cleanupComplete = cleanup?.complete ?? false;
  const failure = input.error === null ? null : { Error: input.error.Error, Cause: input.error.Cause ?? '' };
  const missed = [
    ...(rto.met === false ? [`RTO ${rto.seconds} s over the objective of ${rto.objectiveSeconds} s`] : []),
    ...(rpo.met === false
      ? [
          `RPO ${rpo.seconds} s${rpo.basis === 'replica-lag-estimate' ? ' (estimated from replica lag)' : ''} over the objective of ${rpo.objectiveSeconds} s`,
        ]
      : []),
  ];
  const { outcome, error } = decide(cleanupComplete, failure, missed);
  return {
    outcome,
    error,
    cause: causeOf(outcome, { failure, missed, leftBehind, rto, rpo }),
    rto,
    rpo,
    cleanup: { complete: cleanupComplete, leftBehind: cleanupComplete ? [] : leftBehind },
    failure,
  };
}

function decide(
  cleanupComplete: boolean,
  failure: DrillVerdictOutput['failure'],
  missed: string[],
): { outcome: DrillOutcome; error: string | null } {
  if (!cleanupComplete) return { outcome: 'cleanup-incomplete', error: 'CleanupIncompleteError' };
  if (failure !== null) return { outcome: 'failed', error: 'DrillFailedError' };
  if (missed.length > 0) return { outcome: 'objective-missed', error: 'ObjectiveMissedError' };
  return { outcome: 'succeeded', error: null };
}

function causeOf(
  outcome: DrillOutcome,
  parts: {
    failure: DrillVerdictOutput['failure'];
    missed: string[];
    leftBehind: string[];
    rto: DrillVerdictOutput['rto'];
    rpo: DrillVerdictOutput['rpo'];
  },
): string {
  const lines: string[] = [];
  if (outcome === 'cleanup-incomplete') lines.push(`Left behind: ${parts.leftBehind.join('; ')}.`);
  if (parts.failure !== null)
    lines.push(`The drill failed: ${parts.failure.Error}: ${readable(parts.failure.Cause)}.`);
  if (parts.missed.length > 0) lines.push(`Objective missed: ${parts.missed.join('; ')}.`);
  if (outcome === 'succeeded') {
    lines.push(
      `Drill succeeded: RTO ${parts.rto.seconds} s (objective ${parts.rto.objectiveSeconds} s), RPO ${parts.rpo.seconds ?? 'unknown'} s (${parts.rpo.basis}; objective ${parts.rpo.objectiveSeconds} s); everything cleaned up.`,
    );
  }
  // Step Functions keeps at most 32,768 characters of a Fail state's cause.
  return lines.join(' ').slice(0, 32_000);
}

/** A Lambda error's Cause is its JSON error document: its message is what a person reads. */
function readable(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the cause as it is
  }
  return cause.slice(0, 2_000);
}

function secondsBetween(from: string, to: string): number | null {
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
