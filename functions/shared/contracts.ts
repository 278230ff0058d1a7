import { InvalidInputError } from '../../plan/errors.ts';
import { fieldPath } from '../../plan/issues.ts';
import { EXECUTION_NAME_ALLOWED, isUsableExecutionName } from '../../plan/names.ts';
import { escapeControlCharacters, previewValue } from '../../plan/value-preview.ts';
import type { RecordedDecision } from './decision.ts';
import * as z from './validator.ts';

/**
 * The shapes that cross the state machine boundary: the execution input, and each Task's input
 * and output. statemachines/failover.asl.json builds the inputs with Parameters; the handlers
 * validate them at the edge with these schemas. Resource identifiers never travel here: a task
 * names a plan entry by its logical id (`databaseId`, `serviceId`) and the function resolves
 * the AWS identifiers from its own copy of the plan.
 */

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/**
 * What a person, an alarm or a schedule passes to StartExecution, and nothing else. `failover`
 * and `dry-run` run on the failover state machine, `drill` on the drill state machine; each
 * machine refuses the other's modes in its preflight.
 */
export const executionInputSchema = z.strictObject({
  mode: z.enum(['failover', 'dry-run', 'drill']),
  reason: text(500),
  incidentId: z
    .string()
    .check(z.regex(/^[A-Za-z0-9._:/-]{1,128}$/, 'letters, digits and . _ : / - (max 128)')),
  requestedBy: text(200),
  /** A hand-started run re-checks that the primary is still down before the point of no return only when asked. */
  confirmPrimaryDown: z.optional(z.boolean()),
});
export type ExecutionInput = z.infer<typeof executionInputSchema>;

/** Fields the state machine adds to every Task input, from the context object. */
const taskEnvelope = {
  /** The execution name; the handlers log it as the correlation id. */
  correlationId: z.string().check(z.minLength(1)),
  executionStartTime: z.iso.datetime({ offset: true }),
};

/** A poll counter: the state machine passes how many polls ran; absent is the first. */
const attempt = z._default(z.number().check(z.int(), z.minimum(0)), 0);
/** A value echoed from an earlier poll's output; absent (first poll) is null. */
const echoed = z._default(z.nullable(z.string()), null);

/**
 * Step Functions ARNs are at most 256 characters (DescribeExecution's executionArn): the bound
 * keeps an ARN an error echoes (evidence, run lock) short.
 */
const ARN_MAX_LENGTH = 256;

/** A Step Functions execution ARN, in any partition and region. */
export const executionArnSchema = z
  .string()
  .check(
    z.maxLength(ARN_MAX_LENGTH),
    z.regex(
      /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/,
      'a Step Functions execution ARN',
    ),
  );
/** A Step Functions state machine ARN, in any partition and region. */
export const stateMachineArnSchema = z
  .string()
  .check(
    z.maxLength(ARN_MAX_LENGTH),
    z.regex(
      /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/,
      'a Step Functions state machine ARN',
    ),
  );

export const preflightInputSchema = z.object({
  operation: z.literal('preflight'),
  ...taskEnvelope,
  /** This execution and its state machine (`$$.Execution.Id`, `$$.StateMachine.Id`): the run lock reads them. */
  executionArn: executionArnSchema,
  stateMachineArn: stateMachineArnSchema,
  /** The raw execution input: preflight is where it is validated. */
  request: z.unknown(),
});

export const assessInputSchema = z.object({ operation: z.literal('assess'), ...taskEnvelope });

/** Right before the point of no return: the lock again, the RPO verdict with the decision, the primary still down. */
export const confirmInputSchema = z.object({
  operation: z.literal('confirm'),
  ...taskEnvelope,
  executionArn: preflightInputSchema.shape.executionArn,
  stateMachineArn: preflightInputSchema.shape.stateMachineArn,
  request: executionInputSchema,
  rpo: z.object({
    budgetSeconds: z.number(),
    worstLagSeconds: z.nullable(z.number()),
    verdict: z.enum(['within', 'over', 'unknown']),
  }),
  /** The decision, when the run waited for one (null otherwise). */
  decision: z._default(z.nullable(z.unknown()), null),
});

export const decisionInputSchema = z.object({ operation: z.literal('check'), ...taskEnvelope, attempt });

export const fenceInputSchema = z.object({ operation: z.literal('fence'), ...taskEnvelope, attempt });
export const verifyInputSchema = z.object({ operation: z.literal('verify'), ...taskEnvelope });

export const promoteInputSchema = z.object({
  operation: z.enum(['start', 'status']),
  ...taskEnvelope,
  databaseId: z.string().check(z.minLength(1)),
  /** How many status polls have run so far (the state machine bounds the loop with it). */
  attempt,
  /** `status` echoes the start output's startedAt, so the timeline keeps it across polls. */
  startedAt: echoed,
});

export const scaleInputSchema = z.object({
  operation: z.enum(['start', 'status']),
  ...taskEnvelope,
  serviceId: z.string().check(z.minLength(1)),
  attempt,
  startedAt: echoed,
});

export const dnsInputSchema = z.object({
  operation: z.enum(['start', 'status']),
  ...taskEnvelope,
  /** The Route 53 change id returned by `start` (absent when nothing had to change). */
  changeId: echoed,
  attempt,
  /** `status` echoes what start saw, so the failure notice and the report keep it across polls. */
  before: echoed,
  /** `status` echoes when start wrote (gate strategy), so the timeline keeps it. */
  submittedAt: echoed,
});

/** A change a failover makes (or, in a dry-run, would make). */
export const changeSchema = z.object({
  resource: z.string(),
  action: z.string(),
  before: z.string(),
  after: z.string(),
});
export type Change = z.infer<typeof changeSchema>;

/** A step of the run, as notify and the report show it. */
export const stepSchema = z.object({
  step: z.string(),
  startedAt: z.nullable(z.string()),
  endedAt: z.nullable(z.string()),
  outcome: z.enum(['succeeded', 'failed', 'skipped', 'unknown']),
  detail: z.optional(z.string()),
});
export type Step = z.infer<typeof stepSchema>;

export const NOTIFY_EVENTS = [
  'started',
  'succeeded',
  'failed',
  'decision-needed',
  'skipped',
  'stood-down',
  'denied',
  'decision-timed-out',
  'drill-started',
  'drill-succeeded',
  'drill-failed',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
/** Events of runs that end without any change. */
export const NO_CHANGE_EVENTS: readonly NotifyEvent[] = [
  'skipped',
  'stood-down',
  'denied',
  'decision-timed-out',
];

export const notifyInputSchema = z.object({
  /**
   * started / succeeded / failed: the failover's course. decision-needed: the run waits for a
   * person. skipped, stood-down, denied, decision-timed-out: the run ends with no change.
   */
  event: z.enum(NOTIFY_EVENTS),
  ...taskEnvelope,
  request: z._default(z.partial(z.looseObject(executionInputSchema.shape)), {}),
  /** Step results gathered by the state machine so far (shapes of the Task outputs below). */
  preflight: z.optional(z.unknown()),
  recovery: z.optional(z.unknown()),
  dns: z.optional(z.unknown()),
  verification: z.optional(z.unknown()),
  /** The decision the run waited for (DecisionOutput) and the last look before the point of no return (ConfirmOutput). */
  decision: z.optional(z.unknown()),
  confirmation: z.optional(z.unknown()),
  /** What was found changed, from the assess step (failure path). */
  assessment: z.optional(z.unknown()),
  /** The caught error: `{ Error, Cause }` as Step Functions passes it. */
  error: z.optional(z.nullable(z.object({ Error: z.string(), Cause: z.optional(z.string()) }))),
  /** Drills: the declared outage (DeclareOutageOutput) and the verdict (DrillVerdictOutput). */
  outage: z.optional(z.unknown()),
  verdict: z.optional(z.unknown()),
});
export type NotifyInput = z.infer<typeof notifyInputSchema>;

/**
 * How much of a bad value an error shows. The error travels as a Step Functions error cause
 * (at most 32,768 characters, message and stack trace both carry it), so what was found is a
 * preview, never the value itself, and the preview is depth-bounded (a deeply nested value
 * must not overflow the stack while the error is written).
 */
const FOUND_PREVIEW_LENGTH = 200;

/** Parses task input at the edge; the error names the field that is wrong. */
export function parseTaskInput<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = z.safeParse(schema, input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = bounded(issue ? fieldPath(issue.path) : '(root)');
  if (issue?.code === 'unrecognized_keys') {
    throw new InvalidInputError(`${what}: ${field}: ${unrecognizedKeys(issue.keys)}`, field);
  }
  const found = issue && 'input' in issue ? `; found ${previewValue(issue.input, FOUND_PREVIEW_LENGTH)}` : '';
  throw new InvalidInputError(`${what}: ${field}: ${bounded(issue?.message ?? 'invalid')}${found}`, field);
}

const MAX_KEYS_NAMED = 5;

/** Names the keys only: the issue's input is the whole object around them, which may be huge. */
function unrecognizedKeys(keys: readonly string[]): string {
  const named = keys.slice(0, MAX_KEYS_NAMED).map((key) => previewValue(key));
  const more = keys.length > MAX_KEYS_NAMED ? ` and ${keys.length - MAX_KEYS_NAMED} more` : '';
  return `Unrecognized key${keys.length === 1 ? '' : 's'}: ${named.join(', ')}${more}; remove ${keys.length === 1 ? 'it' : 'them'} or check the spelling`;
}

/** Zod's own messages and paths can carry input (a custom check's text, a record's keys). */
function bounded(text: string): string {
  const safe = escapeControlCharacters(text);
  return safe.length > FOUND_PREVIEW_LENGTH * 2 ? `${safe.slice(0, FOUND_PREVIEW_LENGTH * 2 - 3)}...` : safe;
}

/**
 * Refuses, before anything runs, an execution name (the correlation id) that Step Functions
 * accepted but drctl cannot put in the decision parameter's name or a drill's tag.
 */
export function refuseUnusableExecutionName(correlationId: string): void {
  if (isUsableExecutionName(correlationId)) return;
  throw new InvalidInputError(
    `execution name: correlationId: ${previewValue(correlationId, 100)} cannot name this run's decision parameter and drill tags, which allow only ${EXECUTION_NAME_ALLOWED}; start the execution with a name of letters, digits, - _ . (drctl's own names are). Nothing was changed.`,
    'correlationId',
  );
}

// ---- Task outputs ----------------------------------------------------------------------------

export type DatabaseReadiness = 'replica-ready' | 'promoting' | 'promoted';

export interface PreflightDatabase {
  id: string;
  identifier: string;
  readiness: DatabaseReadiness;
  /** Last ReplicaLag >= 0 seen in the look-back window; null when none (unknown, never zero). */
  lastActiveLagSeconds: number | null;
  lagObservedAt: string | null;
}

export interface PreflightService {
  id: string;
  cluster: string;
  service: string;
  desiredCount: number;
  drDesiredCount: number;
}

/**
 * The detection behind a run, as preflight read it: the alarm (named in `requestedBy`, or the
 * earlier of the plan's detection alarms in ALARM for a run started by hand) and when it went to
 * ALARM. On AWS the outage's start is unknown; `changedAt` is the earliest known instant, and the
 * run's RTO is measured from it ("from detection"). Null fields are unknown, never guessed.
 */
export interface PreflightTrigger {
  alarm: string | null;
  region: string | null;
  path: 'route53-health-check' | 'dr-probe' | null;
  /** The alarm's state when preflight read it; null when it could not be read. */
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' | null;
  /** The alarm's StateTransitionedTimestamp while in ALARM and not after the run started (ISO). */
  changedAt: string | null;
  detail: string;
}

export interface PreflightOutput {
  checkedAt: string;
  request: ExecutionInput;
  /** When the outage was detected (the start of a failover's RTO on AWS). */
  trigger: PreflightTrigger;
  databases: PreflightDatabase[];
  services: PreflightService[];
  dns: { record: string; currentValue: string | null; pointsTo: 'primary' | 'dr' };
  /**
   * The RPO guard's verdict on the databases still to promote: within the budget, over it, or
   * unknown (no lag observed while replication was active). Over and unknown need a person's
   * explicit acceptance before the point of no return.
   */
  rpo: {
    budgetSeconds: number;
    worstLagSeconds: number | null;
    verdict: 'within' | 'over' | 'unknown';
    offences: string[];
  };
  /**
   * Whether the run waits for a person's decision before the point of no return, and why. A
   * dry run does not wait: for it, whether a failover started now would.
   */
  decision: { required: boolean; reasons: string[] };
  /** A rough estimate of the recovery from here (promotion, start-up, traffic switch), in seconds. */
  estimatedRecoverySeconds: number;
  /** What a failover changes from here; in a dry-run, the whole answer. */
  changes: Change[];
  /** Polling settings for the state machine's Wait states and loop bounds (from the plan). */
  timing: PollTiming;
}

export interface PollTiming {
  promotionPollSeconds: number;
  promotionMaxPolls: number;
  servicePollSeconds: number;
  serviceMaxPolls: number;
  dnsPollSeconds: number;
  dnsMaxPolls: number;
  approvalPollSeconds: number;
  approvalMaxPolls: number;
  fencePollSeconds: number;
  fenceMaxPolls: number;
}

export interface PromoteOutput {
  databaseId: string;
  identifier: string;
  /** RDS DBInstanceStatus as last read. */
  status: string;
  done: boolean;
  /** True when the instance was already a standalone instance before this run touched it. */
  alreadyPromoted: boolean;
  startedAt: string | null;
  completedAt: string | null;
  attempt: number;
}

export interface ScaleOutput {
  serviceId: string;
  cluster: string;
  service: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  /** The primary deployment's rolloutState (IN_PROGRESS, COMPLETED, FAILED) or null. */
  rolloutState: string | null;
  stoppedReasons: string[];
  done: boolean;
  alreadyScaled: boolean;
  startedAt: string | null;
  completedAt: string | null;
  attempt: number;
}

export interface DnsOutput {
  record: string;
  /**
   * How traffic moved: `data-plane` (the gate: PutMetricData in the DR region, Route 53 answers
   * follow its health check) or `route53-api` (a change through Route 53's control plane).
   */
  via: 'data-plane' | 'route53-api';
  before: string | null;
  after: string;
  changeId: string | null;
  status: 'PENDING' | 'INSYNC';
  done: boolean;
  alreadySwitched: boolean;
  submittedAt: string | null;
  insyncAt: string | null;
  attempt: number;
}

export interface VerifyOutput {
  url: string;
  httpStatus: number;
  verifiedAt: string;
  /** What DNS (Route 53's data plane) answers for the public record, as a client resolves it. */
  dns: {
    record: string;
    /** The CNAME target answered, or null when the lookup failed. */
    answer: string | null;
    trafficTo: 'dr' | 'primary' | 'unknown';
    detail: string;
  };
}

export interface AssessOutput {
  assessedAt: string;
  changes: Change[];
  /** Resources whose state could not be read. */
  unknown: string[];
}

export interface NotifyOutput {
  subject: string;
  messageId: string;
}

export interface DecisionOutput {
  parameter: string;
  checkedAt: string;
  status: 'pending' | 'approved' | 'denied';
  decision: RecordedDecision | null;
  /** What is wrong with a decision parameter that exists but is not a valid decision. */
  problem: string | null;
  attempt: number;
}

export interface ConfirmOutput {
  confirmedAt: string;
  /** The DR-side check that the primary is still down (alarm-started runs, or when asked). */
  primary: { checked: boolean; state: 'down' | 'unknown' | null; detail: string };
  rpo: {
    verdict: 'within' | 'over' | 'unknown';
    worstLagSeconds: number | null;
    budgetSeconds: number;
    /** Seconds of loss the decision accepted for this run, or null. */
    acceptedLossSeconds: number | null;
    acceptedUnknown: boolean;
    acceptedBy: string | null;
  };
}

export interface FencedResource {
  resource: string;
  kind: 'service' | 'database' | 'traffic';
  /** fenced: takes neither writes nor traffic; pending: its region does not answer yet; failed: cannot be fenced as is. */
  outcome: 'fenced' | 'pending' | 'failed';
  action: string;
  detail: string;
}

export interface FenceOutput {
  checkedAt: string;
  /** The plan is failed over (a DR replica is standalone): the only state in which fencing happens. */
  failedOver: boolean;
  /** The DR side serves (replicas promoted and available, services at their DR counts). */
  recoveryComplete: boolean;
  resources: FencedResource[];
  /** Every resource fenced, or the recovery complete (what is pending is left to the schedule). */
  done: boolean;
  attempt: number;
}
