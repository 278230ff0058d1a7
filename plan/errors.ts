/**
 * The one error family of drctl. The state machine's Retry and Catch match these `name`s, so a
 * name is a contract: never rename one without changing statemachines/*.asl.json.
 */
export class DrError extends Error {
  /** Retryable errors may succeed when the same step runs again unchanged. */
  readonly retryable: boolean;
  /** The input or plan field the error is about, when there is one. */
  readonly field: string | undefined;

  constructor(message: string, options: { retryable?: boolean; field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
    this.field = options.field;
  }
}

/** Task or execution input that does not match its contract. Nothing was changed. */
export class InvalidInputError extends DrError {
  constructor(message: string, field?: string) {
    super(message, { retryable: false, ...(field === undefined ? {} : { field }) });
  }
}

/** A recovery plan that does not validate. */
export class InvalidPlanError extends DrError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[], field?: string) {
    super(message, { retryable: false, ...(field === undefined ? {} : { field }) });
    this.issues = issues;
  }
}

/** The function itself is set up wrongly (missing environment variable, unknown id). */
export class ConfigurationError extends DrError {}

/** A resource the plan names does not exist. */
export class ResourceNotFoundError extends DrError {}

/** The function's role may not do what the step needs. */
export class AccessDeniedError extends DrError {}

/** The promotion target is not a read replica of the plan's primary. */
export class NotAReplicaError extends DrError {}

/** The resource is busy in a state that forbids the action now (e.g. backing-up); try again. */
export class InvalidStateError extends DrError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** AWS throttled the call; try again with backoff. */
export class ThrottledError extends DrError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** A server-side or network failure that may pass (5xx, timeout, connection refused). */
export class TransientError extends DrError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** Preflight found a plan resource missing or in a state a failover cannot start from. */
export class PreflightFailedError extends DrError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Preflight failed: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** The last replica lag observed while replication was active is over the RPO budget, or unknown. */
export class RpoBudgetExceededError extends DrError {}

/** ECS tasks of the DR service stop before they run; waiting longer will not help. */
export class TaskStartFailureError extends DrError {}

/** The DNS record no longer points where the plan says the primary is (compare-and-set failed). */
export class DnsConflictError extends DrError {}

/** Route 53 rejected the change batch. */
export class DnsChangeRejectedError extends DrError {}

/** The DR endpoint does not answer as healthy (yet). */
export class EndpointUnhealthyError extends DrError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'PriorRequestNotComplete',
  'SlowDown',
]);
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * Turns an AWS SDK (or network) error into the family. `what` names the resource and the call,
 * so that the message tells an operator where to look. Already-family errors pass through.
 */
export function toDrError(error: unknown, what: string): DrError {
  if (error instanceof DrError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsLikeError;
  const code = e.name ?? e.code ?? 'Error';
  const detail = `${what}: ${code}${e.message ? `: ${e.message}` : ''}`;
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING_CODES.has(code) || status === 429) return new ThrottledError(detail, { cause: error });
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized|AuthorizationError/i.test(code)) {
    return new AccessDeniedError(detail, { cause: error });
  }
  if (/NotFound|NoSuch/i.test(code)) return new ResourceNotFoundError(detail, { cause: error });
  if (TRANSIENT_NETWORK_CODES.has(code) || TRANSIENT_NETWORK_CODES.has(e.code ?? '')) {
    return new TransientError(detail, { cause: error });
  }
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) {
    return new TransientError(detail, { cause: error });
  }
  return new DrError(detail, { cause: error });
}

/** A promoted database ended in a state it will not leave by waiting (failed, incompatible-*, storage-full). */
export class PromotionFailedError extends DrError {}

/**
 * Another failover runs, or one started within the plan's cooldown (for an alarm-started run):
 * this execution makes no change and ends as skipped. Names the execution that holds the lock.
 */
export class FailoverInProgressError extends DrError {
  readonly heldBy: { executionArn: string; startedAt: string };
  constructor(message: string, heldBy: { executionArn: string; startedAt: string }) {
    super(message);
    this.heldBy = heldBy;
  }
}

/** The primary answered healthy again right before the point of no return: the run stands down, nothing changed. */
export class PrimaryRecoveredError extends DrError {}

/** A person denied the failover, or nobody decided in time: nothing changed. */
export class FailoverNotApprovedError extends DrError {}

// ---- Drills (the drill state machine's own outcomes and refusals) ---------------------------

/**
 * A drill may not start now, and nothing was changed: a failover runs or the plan is failed over,
 * another drill runs, or a plan replica cannot be copied. The message names what stands in the way.
 */
export class DrillRefusedError extends DrError {}

/** A drill step failed; cleanup ran. The cause names the step and its error. */
export class DrillFailedError extends DrError {}

/** The drill ran and cleaned up, but its measured RTO or RPO missed the plan's objective. */
export class ObjectiveMissedError extends DrError {}

/** Cleanup could not remove everything the drill made: the message names each resource left behind. */
export class CleanupIncompleteError extends DrError {}

/**
 * A drill was asked to create, change or delete something that is not a drill resource (a
 * production replica, a service outside the plan, the public gate). Nothing was called.
 */
export class NotADrillResourceError extends DrError {}

/**
 * An action that cannot be undone (promote, fence, move traffic) was asked for a run that is not a
 * failover run past its point of no return (functions/shared/run-guard.ts). Nothing was changed.
 */
export class NotPastPointOfNoReturnError extends DrError {}

/**
 * Each class's `name`, spelled out: the names are a contract (the ASL matches them) and must not
 * depend on what a minifier calls the class in a Lambda bundle. The keys of this object survive
 * minification; a test builds this module as the bundles are built and checks every export.
 */
for (const [name, errorClass] of Object.entries({
  DrError,
  InvalidInputError,
  InvalidPlanError,
  ConfigurationError,
  ResourceNotFoundError,
  AccessDeniedError,
  NotAReplicaError,
  InvalidStateError,
  ThrottledError,
  TransientError,
  PreflightFailedError,
  RpoBudgetExceededError,
  TaskStartFailureError,
  DnsConflictError,
  DnsChangeRejectedError,
  EndpointUnhealthyError,
  PromotionFailedError,
  FailoverInProgressError,
  PrimaryRecoveredError,
  FailoverNotApprovedError,
  DrillRefusedError,
  DrillFailedError,
  ObjectiveMissedError,
  CleanupIncompleteError,
  NotADrillResourceError,
  NotPastPointOfNoReturnError,
})) {
  Object.defineProperty(errorClass, 'name', { value: name });
}
