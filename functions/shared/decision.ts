import { ACCEPT_UNKNOWN_DATA_LOSS } from '../../plan/names.ts';
import * as z from './validator.ts';

/**
 * A person's decision on a run that waits before the point of no return, as written to the
 * decision parameter (plan/names.ts decisionParameterName) by `drctl approve` / `drctl deny` or
 * by hand. Accepting more data loss than the plan's RPO is explicit and for this run only: a
 * number of seconds, or, when the replica lag is unknown, the exact words "accept unknown data
 * loss".
 */
export const decisionDocumentSchema = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  /** Who the writer says they are (the parameter's LastModifiedUser says who wrote it). */
  decidedBy: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  acceptDataLossSeconds: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(86_400))),
  acceptUnknownDataLoss: z.optional(
    z.literal(ACCEPT_UNKNOWN_DATA_LOSS, { error: `must be exactly "${ACCEPT_UNKNOWN_DATA_LOSS}"` }),
  ),
});
export type DecisionDocument = z.infer<typeof decisionDocumentSchema>;

/** A decision as the run records it: the document plus who wrote it and when (from Parameter Store). */
export interface RecordedDecision {
  decision: 'approve' | 'deny';
  reason: string;
  /** The IAM identity that wrote the parameter, or null when Parameter Store does not say. */
  author: string | null;
  /** What the writer says about themselves, when given. */
  decidedBy: string | null;
  decidedAt: string | null;
  acceptDataLossSeconds: number | null;
  acceptUnknownDataLoss: boolean;
}
