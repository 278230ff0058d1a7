import type { Plan } from '../../plan/schema.ts';
import { previewValue } from '../../plan/value-preview.ts';
import type {
  DataLossBasis,
  DrillOutcome,
  DrillVerdictOutput,
  verdictInputSchema,
} from '../shared/drill-contracts.ts';
import * as z from '../shared/validator.ts';

export type VerdictInput = z.output<typeof verdictInputSchema>;

/**
 * The fields of the step outputs the verdict reads. A step that did not run leaves null; a value
 * that does not fit (not an ISO date, a negative figure) is refused: it counts as not measured
 * and the cause names it, since a success must rest on figures that are possible.
 */
const isoDate = z.iso.datetime({ offset: true });
const outageSchema = z.looseObject({ outageAt: isoDate });
const verificationSchema = z.looseObject({ verifiedAt: isoDate });
const lost = z.nullable(z.number().check(z.nonnegative()));
const dataLossSchema = z.looseObject({
  worst: z.looseObject({
    secondsLost: lost,
    writesLost: lost,
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
 * unknown one is neither met nor missed. A drill that ran to the end without a measured RTO, or
 * with an impossible figure, did not show that it meets its objectives: it ends as failed
 * (DrillFailedError, the outcome the state machine also gives a verdict it could not compute).
 */
export function drillVerdict(plan: Plan, input: VerdictInput): DrillVerdictOutput {
  const outageAt = outageSchema.safeParse(input.outage).data?.outageAt ?? null;
  const servedAt = verificationSchema.safeParse(input.verification).data?.verifiedAt ?? null;
  const worst = dataLossSchema.safeParse(input.dataLoss).data?.worst ?? null;
  const cleanup = cleanupSchema.safeParse(input.cleanup).data ?? null;
  const rtoSeconds = outageAt !== null && servedAt !== null ? secondsBetween(outageAt, servedAt) : null;
  const unmeasured = unmeasuredFigures(input, { outageAt, servedAt, rtoSeconds, worst });
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
  const { outcome, error } = decide(cleanupComplete, failure, unmeasured, missed);
  return {
    outcome,
    error,
    cause: causeOf(outcome, { failure, unmeasured, missed, leftBehind, rto, rpo }),
    rto,
    rpo,
    cleanup: { complete: cleanupComplete, leftBehind: cleanupComplete ? [] : leftBehind },
    failure,
  };
}

/**
 * What the drill did not measure although it ran to the end (a failed step explains its own
 * gaps), and every figure refused as impossible. An honestly unknown RPO (no canary, no lag) is
 * not listed: it is reported as unknown and judged neither met nor missed.
 */
function unmeasuredFigures(
  input: VerdictInput,
  read: {
    outageAt: string | null;
    servedAt: string | null;
    rtoSeconds: number | null;
    worst: z.output<typeof dataLossSchema>['worst'] | null;
  },
): string[] {
  const problems: string[] = [];
  if (input.outage !== null && read.outageAt === null) {
    problems.push(`outage.outageAt is not an ISO date (found ${previewValue(input.outage)})`);
  }
  if (input.verification !== null && read.servedAt === null) {
    problems.push(`verification.verifiedAt is not an ISO date (found ${previewValue(input.verification)})`);
  }
  if (read.outageAt !== null && read.servedAt !== null && read.rtoSeconds === null) {
    problems.push(
      `verification.verifiedAt ${read.servedAt} is before outage.outageAt ${read.outageAt}, so the RTO is not a duration`,
    );
  }
  if (input.dataLoss !== null && read.worst === null) {
    problems.push(
      `dataLoss.worst is not a data-loss figure: seconds and writes lost are null or at least 0 (found ${previewValue(input.dataLoss, 120)})`,
    );
  }
  if (input.error === null && read.rtoSeconds === null && problems.length === 0) {
    problems.push('the drill ended without a declared outage and a verification through the drill name');
  }
  return problems;
}

function decide(
  cleanupComplete: boolean,
  failure: DrillVerdictOutput['failure'],
  unmeasured: string[],
  missed: string[],
): { outcome: DrillOutcome; error: string | null } {
  if (!cleanupComplete) return { outcome: 'cleanup-incomplete', error: 'CleanupIncompleteError' };
  if (failure !== null || unmeasured.length > 0) return { outcome: 'failed', error: 'DrillFailedError' };
  if (missed.length > 0) return { outcome: 'objective-missed', error: 'ObjectiveMissedError' };
  return { outcome: 'succeeded', error: null };
}

function causeOf(
  outcome: DrillOutcome,
  parts: {
    failure: DrillVerdictOutput['failure'];
    unmeasured: string[];
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
  if (parts.unmeasured.length > 0) {
    lines.push(`The drill could not show that it meets its objectives: ${parts.unmeasured.join('; ')}.`);
  }
  if (parts.missed.length > 0) lines.push(`Objective missed: ${parts.missed.join('; ')}.`);
  if (outcome === 'succeeded') {
    lines.push(
      `Drill succeeded: RTO ${inSeconds(parts.rto.seconds)} (objective ${parts.rto.objectiveSeconds} s), RPO ${inSeconds(parts.rpo.seconds)} (${parts.rpo.basis}; objective ${parts.rpo.objectiveSeconds} s); everything cleaned up.`,
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

/** "450 s", or "unknown" for a figure that was not measured (never "null s"). */
function inSeconds(value: number | null): string {
  return value === null ? 'unknown' : `${value} s`;
}

function secondsBetween(from: string, to: string): number | null {
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
