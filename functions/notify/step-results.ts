import { changeSchema, type NotifyInput } from '../shared/contracts.ts';
import * as z from '../shared/validator.ts';

/**
 * The step results the state machine passes to notify, read defensively: a notification must go
 * out even when a result is missing or odd, so a shape that does not fit is treated as absent
 * (and reported), never as a reason to fail. Only the fields the message uses are checked; the
 * shapes are those of PreflightOutput, PromoteOutput, ScaleOutput, DnsOutput, VerifyOutput and
 * AssessOutput in contracts.ts.
 */
const nullableString = z.nullable(z.string());

const preflightSchema = z.looseObject({
  checkedAt: z.string(),
  databases: z.array(z.looseObject({ id: z.string(), identifier: z.string(), readiness: z.string() })),
  services: z.array(z.looseObject({ id: z.string(), cluster: z.string(), service: z.string() })),
  rpo: z.looseObject({ budgetSeconds: z.number(), worstLagSeconds: z.nullable(z.number()) }),
  changes: z.array(changeSchema),
});

const promoteSchema = z.looseObject({
  databaseId: z.string(),
  identifier: z.string(),
  status: z.string(),
  done: z.boolean(),
  alreadyPromoted: z.boolean(),
  startedAt: nullableString,
  completedAt: nullableString,
  attempt: z.number(),
});

const scaleSchema = z.looseObject({
  serviceId: z.string(),
  cluster: z.string(),
  service: z.string(),
  desiredCount: z.number(),
  runningCount: z.number(),
  stoppedReasons: z._default(z.array(z.string()), []),
  done: z.boolean(),
  alreadyScaled: z.boolean(),
  startedAt: nullableString,
  completedAt: nullableString,
});

const dnsSchema = z.looseObject({
  record: z.string(),
  before: nullableString,
  after: z.string(),
  changeId: nullableString,
  status: z.string(),
  done: z.boolean(),
  alreadySwitched: z.boolean(),
  submittedAt: nullableString,
  insyncAt: nullableString,
});

const verifySchema = z.looseObject({ url: z.string(), httpStatus: z.number(), verifiedAt: z.string() });

const recordedDecisionSchema = z.looseObject({
  decision: z.enum(['approve', 'deny']),
  reason: z.string(),
  author: nullableString,
  decidedBy: nullableString,
  decidedAt: nullableString,
  acceptDataLossSeconds: z.nullable(z.number()),
  acceptUnknownDataLoss: z.boolean(),
});

const decisionSchema = z.looseObject({
  parameter: z.string(),
  status: z.enum(['pending', 'approved', 'denied']),
  decision: z.nullable(recordedDecisionSchema),
  problem: nullableString,
});

const confirmationSchema = z.looseObject({
  confirmedAt: z.string(),
  primary: z.looseObject({ checked: z.boolean(), state: z.nullable(z.string()), detail: z.string() }),
  rpo: z.looseObject({
    verdict: z.string(),
    acceptedLossSeconds: z.nullable(z.number()),
    acceptedUnknown: z.boolean(),
    acceptedBy: nullableString,
  }),
});

const fencingSchema = z.looseObject({
  resources: z.array(
    z.looseObject({
      resource: z.string(),
      kind: z.string(),
      outcome: z.enum(['fenced', 'pending', 'failed']),
      detail: z.string(),
    }),
  ),
  done: z.boolean(),
});

const assessSchema = z.looseObject({
  assessedAt: z.string(),
  changes: z.array(changeSchema),
  unknown: z.array(z.string()),
});

/** When the assess step itself failed, its Catch puts the error where the assessment would be. */
const caughtSchema = z.looseObject({ Error: z.string(), Cause: z.optional(z.string()) });

export interface StepResults {
  preflight?: z.output<typeof preflightSchema>;
  promotions?: z.output<typeof promoteSchema>[];
  scalings?: z.output<typeof scaleSchema>[];
  dns?: z.output<typeof dnsSchema>;
  verification?: z.output<typeof verifySchema>;
  decision?: z.output<typeof decisionSchema>;
  confirmation?: z.output<typeof confirmationSchema>;
  fencing?: z.output<typeof fencingSchema>;
  assessment?: z.output<typeof assessSchema>;
  /** Why the assessment is missing although one was passed (the assess step failed). */
  assessmentFailure?: string;
  /** Results that were passed but did not have the expected shape. */
  unreadable: string[];
}

export function readStepResults(input: NotifyInput): StepResults {
  const results: StepResults = { unreadable: [] };
  const read = <S extends z.ZodMiniType>(
    name: string,
    schema: S,
    value: unknown,
  ): z.output<S> | undefined => {
    if (value === undefined || value === null) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    results.unreadable.push(name);
    return undefined;
  };

  const preflight = read('preflight', preflightSchema, input.preflight);
  if (preflight) results.preflight = preflight;
  // The Recover branches: promotions, scale-ups, the started notice (its outcome only), fencing.
  const recovery = read(
    'recovery',
    z.tuple([z.array(promoteSchema), z.array(scaleSchema)], z.unknown()),
    input.recovery,
  );
  if (recovery) {
    results.promotions = recovery[0];
    results.scalings = recovery[1];
    const fencing = read(
      'fencing',
      fencingSchema,
      (recovery[3] as { fencing?: unknown } | undefined)?.fencing,
    );
    if (fencing) results.fencing = fencing;
  }
  // A run that needed no decision carries { status: 'not-required' }: nothing to tell.
  const needed = (input.decision as { status?: unknown } | undefined)?.status !== 'not-required';
  const decision = needed ? read('decision', decisionSchema, input.decision) : undefined;
  if (decision) results.decision = decision;
  const confirmation = read('confirmation', confirmationSchema, input.confirmation);
  if (confirmation) results.confirmation = confirmation;
  const dns = read('dns', dnsSchema, input.dns);
  if (dns) results.dns = dns;
  const verification = read('verification', verifySchema, input.verification);
  if (verification) results.verification = verification;

  if (input.assessment !== undefined && input.assessment !== null) {
    const caught = caughtSchema.safeParse(input.assessment);
    if (caught.success && !('changes' in (input.assessment as object))) {
      results.assessmentFailure = `${caught.data.Error}${caught.data.Cause ? `: ${caught.data.Cause.slice(0, 500)}` : ''}`;
    } else {
      const assessment = read('assessment', assessSchema, input.assessment);
      if (assessment) results.assessment = assessment;
    }
  }
  return results;
}
