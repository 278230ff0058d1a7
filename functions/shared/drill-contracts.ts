import { type CanaryHeartbeat, canaryHeartbeatSchema } from './canary-contracts.ts';
import { executionArnSchema, stateMachineArnSchema } from './contracts.ts';
import * as z from './validator.ts';

/**
 * The shapes that cross the drill state machine's boundary (statemachines/drill.asl.json): the
 * input of each `drill` function op, validated at the edge, and the output each returns. As in
 * the failover, no resource identifier travels here: a task names a plan database by its id and
 * the function derives every drill resource's name from the plan (plan/names.ts), so that no
 * input can point a drill at production.
 */

const envelope = {
  /** The execution name: it names this drill's resources (the drctl:drill tag). */
  correlationId: z.string().check(z.minLength(1), z.maxLength(80)),
  executionStartTime: z.iso.datetime({ offset: true }),
};

const executionArn = executionArnSchema;
const stateMachineArn = stateMachineArnSchema;
const attempt = z._default(z.number().check(z.int(), z.minimum(0)), 0);
const isoNullable = z.nullable(z.iso.datetime({ offset: true }));
const isoOrNull = z._default(isoNullable, null);
/** A replica lag in seconds: CloudWatch's ReplicaLag is never negative (-1 means "not replicating" and is filtered before). */
const lagSeconds = z.nullable(z.number().check(z.nonnegative()));
const databaseId = z.string().check(z.minLength(1), z.maxLength(100));

/** What a sweep or cleanup poll reported before, so that the last poll's output keeps it all. */
const previousResources = z._default(
  z
    .array(
      z.object({
        resource: z.string(),
        kind: z.enum(['copy', 'service', 'gate']),
        outcome: z.enum(['cleaned', 'pending', 'failed', 'skipped']),
        action: z.string(),
        detail: z.string(),
      }),
    )
    .check(z.maxLength(500)),
  [],
);

export const DRILL_OPS = [
  'preflight',
  'sweep',
  'create-copy',
  'copy-status',
  'declare-outage',
  'promote-copy',
  'promote-status',
  'gate',
  'verify',
  'data-loss',
  'cleanup',
  'verdict',
] as const;
export type DrillOp = (typeof DRILL_OPS)[number];

export const drillPreflightInputSchema = z.object({
  op: z.literal('preflight'),
  ...envelope,
  executionArn,
  stateMachineArn,
  /** The raw execution input: preflight is where it is validated. */
  request: z.unknown(),
});

/**
 * Removes what earlier drills left. From the state machine (before the copies are made) it
 * carries the execution; from the EventBridge rule on failed, timed-out and aborted drills only
 * `{ op, reason }`.
 */
export const sweepInputSchema = z.object({
  op: z.literal('sweep'),
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  correlationId: z.optional(envelope.correlationId),
  executionStartTime: z.optional(envelope.executionStartTime),
  attempt,
  previous: previousResources,
});

export const createCopyInputSchema = z.object({ op: z.literal('create-copy'), ...envelope, databaseId });

export const copyStatusInputSchema = z.object({ op: z.literal('copy-status'), ...envelope, attempt });

export const declareOutageInputSchema = z.object({ op: z.literal('declare-outage'), ...envelope });

export const promoteCopyInputSchema = z.object({
  op: z.enum(['promote-copy', 'promote-status']),
  ...envelope,
  databaseId,
  attempt,
  /** promote-status echoes what promote-copy recorded, so that the last poll's output keeps it. */
  startedAt: isoOrNull,
  lagAtPromotionSeconds: z._default(lagSeconds, null),
  lagObservedAt: isoOrNull,
});

export const gateInputSchema = z.object({
  op: z.literal('gate'),
  ...envelope,
  /** close: move the drill name to the DR target; status: poll until it holds; open: move it back. */
  action: z.enum(['close', 'status', 'open']),
  attempt,
  before: z._default(z.nullable(z.string()), null),
  submittedAt: isoOrNull,
});

export const drillVerifyInputSchema = z.object({ op: z.literal('verify'), ...envelope });

export const dataLossInputSchema = z.object({
  op: z.literal('data-loss'),
  ...envelope,
  /** The PromoteCopies Map's output: one PromoteCopyOutput per database. */
  promotions: z
    .array(
      z.looseObject({
        databaseId,
        copyIdentifier: z.string(),
        // The same checks as promote-copy's input: the data-loss window is computed from them.
        startedAt: isoNullable,
        lagAtPromotionSeconds: lagSeconds,
      }),
    )
    .check(z.minLength(1)),
  /** DeclareOutage's output: the cut and the copies' heartbeats at it (absent in older runs). */
  outage: z.optional(
    z.looseObject({
      outageAt: z.iso.datetime({ offset: true }),
      copies: z._default(z.nullable(z.array(canaryHeartbeatSchema)), null),
    }),
  ),
});

export const cleanupInputSchema = z.object({
  op: z.literal('cleanup'),
  ...envelope,
  attempt,
  previous: previousResources,
});

const caughtError = z.nullable(z.object({ Error: z.string(), Cause: z.optional(z.string()) }));

export const verdictInputSchema = z.object({
  op: z.literal('verdict'),
  ...envelope,
  /** What the run gathered; a step that did not run leaves its field null. */
  outage: z.nullable(z.unknown()),
  verification: z.nullable(z.unknown()),
  dataLoss: z.nullable(z.unknown()),
  cleanup: z.nullable(z.unknown()),
  /** The step error that sent the run to cleanup, or null on the success path. */
  error: caughtError,
  /** The cleanup task's own error, when it failed past its retries. */
  cleanupError: z._default(caughtError, null),
});

// ---- Outputs ------------------------------------------------------------------------------------

export interface DrillTiming {
  /** Copy creation, the sweep's and the cleanup's deletions: drills.copyPollSeconds. */
  copyPollSeconds: number;
  copyMaxPolls: number;
  sweepMaxPolls: number;
  cleanupMaxPolls: number;
  /** The recovery is polled as the failover polls it (failover.pollSeconds), so its timing is the failover's. */
  promotionPollSeconds: number;
  promotionMaxPolls: number;
  servicePollSeconds: number;
  serviceMaxPolls: number;
  dnsPollSeconds: number;
  dnsMaxPolls: number;
}

export interface DrillPreflightDatabase {
  id: string;
  engine: string;
  /** The plan's DR replica: the copy's source. */
  replicaIdentifier: string;
  copyIdentifier: string;
  primaryIdentifier: string;
  /** ReplicaLag of the DR replica now (last active minute), or null when unknown. */
  lagSeconds: number | null;
  lagObservedAt: string | null;
}

export interface DrillPreflightOutput {
  checkedAt: string;
  request: { mode: 'drill'; reason: string; incidentId: string; requestedBy: string };
  executionName: string;
  drillRecord: string;
  databases: DrillPreflightDatabase[];
  services: { id: string; cluster: string; service: string; desiredCount: number; drDesiredCount: number }[];
  canary: { enabled: boolean; intervalSeconds: number };
  objectives: { rtoSeconds: number; rpoSeconds: number };
  timing: DrillTiming;
}

/** One thing a drill made, as the sweep and the cleanup report it. */
export interface DrillResource {
  /** e.g. rds:us-west-2:shop-orders-replica-drill, ecs:us-west-2:shop-dr/shop-web, cloudwatch:us-west-2:alarm/shop-drill-gate-closed */
  resource: string;
  kind: 'copy' | 'service' | 'gate';
  /** cleaned: gone or back to its pilot-light state; pending: on its way; failed: could not be; skipped: left alone on purpose. */
  outcome: 'cleaned' | 'pending' | 'failed' | 'skipped';
  action: string;
  detail: string;
}

export interface SweepOutput {
  sweptAt: string;
  reason: string;
  resources: DrillResource[];
  /** Nothing the sweep started is still on its way (deletions finished). */
  done: boolean;
  attempt: number;
}

export interface CreateCopyOutput {
  databaseId: string;
  copyIdentifier: string;
  sourceIdentifier: string;
  status: string;
  /** When this execution asked RDS for the copy (null when an earlier attempt did). */
  requestedAt: string | null;
  alreadyExisted: boolean;
}

export interface CopyStatusOutput {
  checkedAt: string;
  copies: { databaseId: string; copyIdentifier: string; status: string; available: boolean }[];
  done: boolean;
  /** When every copy was first seen available. */
  readyAt: string | null;
  attempt: number;
}

export interface DeclareOutageOutput {
  /** The drill's simulated loss of the primary: its RTO runs from here, its data loss is cut here. */
  outageAt: string;
  /** Each copy's last heartbeat at `outageAt` (the canary reader); null when the canary is off. */
  copies: CanaryHeartbeat[] | null;
}

export interface PromoteCopyOutput {
  databaseId: string;
  copyIdentifier: string;
  status: string;
  done: boolean;
  alreadyPromoted: boolean;
  /** When PromoteReadReplica was called: the copy's promotion instant for the data-loss window. */
  startedAt: string | null;
  completedAt: string | null;
  /** The copy's ReplicaLag read right before its promotion (last active minute), or null when unknown. */
  lagAtPromotionSeconds: number | null;
  lagObservedAt: string | null;
  attempt: number;
}

export interface DrillGateOutput {
  gate: 'drill';
  via: 'data-plane';
  record: string;
  before: string | null;
  after: string;
  status: 'PENDING' | 'INSYNC';
  done: boolean;
  alreadySwitched: boolean;
  submittedAt: string | null;
  insyncAt: string | null;
  attempt: number;
}

export interface DrillVerifyOutput {
  url: string;
  httpStatus: number;
  /** The DR application served through the drill name: the drill's RTO ends here. */
  verifiedAt: string;
  dns: { record: string; answer: string; trafficTo: 'dr'; detail: string };
}

export type DataLossBasis = 'canary' | 'replica-lag-estimate' | 'unknown';

export interface DatabaseDataLoss {
  databaseId: string;
  copyIdentifier: string;
  promotedAt: string | null;
  /**
   * The copy's last heartbeat at the declared outage (or, when that read failed, after its
   * promotion), and the primary's last one written at or before the same instant (`cutAt`).
   */
  copy: { seq: number | null; writtenAt: string | null; error?: string };
  primary: { seq: number | null; writtenAt: string | null; error?: string };
  /** The instant both sides were read at: the declared outage, or the promotion as a fallback. */
  cutAt: string | null;
  /** Primary seq at the cut − copy seq; null when either side is unknown. */
  writesLost: number | null;
  /** The cut − the copy's last written_at (canary), or the lag at promotion (estimate), or null. */
  secondsLost: number | null;
  basis: DataLossBasis;
  lagAtPromotionSeconds: number | null;
  detail: string;
}

export interface DataLossOutput {
  measuredAt: string;
  canary: boolean;
  databases: DatabaseDataLoss[];
  /** The drill's RPO: the worst database's seconds, all databases' heartbeats lost. */
  worst: { secondsLost: number | null; writesLost: number | null; basis: DataLossBasis };
}

export interface CleanupOutput {
  checkedAt: string;
  resources: DrillResource[];
  /** Nothing is pending any more (everything cleaned, skipped or failed). */
  done: boolean;
  /** Everything cleaned or skipped: nothing left behind. */
  complete: boolean;
  /** Each resource not cleaned, with why, for the notice and the alarm. */
  leftBehind: string[];
  attempt: number;
}

export type DrillOutcome = 'succeeded' | 'failed' | 'objective-missed' | 'cleanup-incomplete';

export interface DrillVerdictOutput {
  outcome: DrillOutcome;
  /** The end state's error (null when the drill succeeded) and its cause. */
  error: string | null;
  cause: string;
  rto: {
    seconds: number | null;
    objectiveSeconds: number;
    met: boolean | null;
    outageAt: string | null;
    servedAt: string | null;
  };
  rpo: {
    seconds: number | null;
    writesLost: number | null;
    objectiveSeconds: number;
    met: boolean | null;
    basis: DataLossBasis;
  };
  cleanup: { complete: boolean; leftBehind: string[] };
  /** The step error that sent the drill to cleanup, when there was one. */
  failure: { Error: string; Cause: string } | null;
}
