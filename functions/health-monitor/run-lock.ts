import { DescribeExecutionCommand, type ExecutionListItem, type SFNClient } from '@aws-sdk/client-sfn';
import { FailoverInProgressError, toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { ExecutionInput } from '../shared/contracts.ts';
import { listExecutions } from '../shared/list-executions.ts';

/** This execution, as the state machine's context object names it. */
export interface RunIdentity {
  executionArn: string;
  stateMachineArn: string;
  startedAt: Date;
}

/**
 * Errors that end a run before it changes anything: such a run never held the lock, so it starts
 * no cooldown. Names are the family's (plan/errors.ts).
 */
const BEFORE_ANY_CHANGE = new Set([
  'InvalidInputError',
  'PreflightFailedError',
  'RpoBudgetExceededError',
  'FailoverInProgressError',
]);

/**
 * One failover at a time, in AWS as in the world: EventBridge starts an unnamed execution per
 * delivered alarm event, and both detection paths may fire, so the state machine itself must
 * refuse a second run before it changes anything. A failover is refused while an older one of
 * the same state machine runs (the oldest start wins; equal starts are ordered by ARN), and an
 * alarm-started one also within `failover.cooldownMinutes` of the start of the last failover
 * that held the lock. Dry-runs change nothing and are never refused. ListExecutions is
 * eventually consistent: two starts within the same second may both see nothing; the check is
 * repeated before the point of no return.
 */
export async function claimRun(
  ports: { plan: Plan; sfn: SFNClient },
  self: RunIdentity,
  request: ExecutionInput,
): Promise<void> {
  if (request.mode === 'dry-run') return;
  const older = await olderRuns(ports.sfn, self, ports.plan);
  for (const run of older) {
    if (run.status !== 'RUNNING') continue;
    if ((await modeOf(ports.sfn, run)) === 'dry-run') continue;
    throw new FailoverInProgressError(
      `Another failover is running: execution ${run.name} started ${iso(run.startDate)}. This run changes nothing; follow that execution instead.`,
      { executionArn: run.executionArn ?? '', startedAt: iso(run.startDate) },
    );
  }
  if (!request.requestedBy.startsWith('alarm:')) return;
  for (const run of older) {
    if (run.status === 'RUNNING') continue;
    if (!(await heldTheLock(ports.sfn, run))) continue;
    const until = new Date((run.startDate?.getTime() ?? 0) + ports.plan.failover.cooldownMinutes * 60_000);
    throw new FailoverInProgressError(
      `A failover started ${iso(run.startDate)} (execution ${run.name}), within the plan's ${ports.plan.failover.cooldownMinutes}-minute cooldown: alarm-started runs are skipped until ${until.toISOString()}. Start a run by hand if one is needed.`,
      { executionArn: run.executionArn ?? '', startedAt: iso(run.startDate) },
    );
  }
}

/**
 * Executions of this state machine that started before this one: every running one (however old),
 * and, for the cooldown, those that started within it. ListExecutions returns the newest first.
 */
async function olderRuns(sfn: SFNClient, self: RunIdentity, plan: Plan): Promise<ExecutionListItem[]> {
  const cooldownStart = self.startedAt.getTime() - plan.failover.cooldownMinutes * 60_000;
  const running = await listExecutions(sfn, self.stateMachineArn, { statusFilter: 'RUNNING' });
  const recent = await listExecutions(sfn, self.stateMachineArn, {
    stopAfter: (run) => (run.startDate?.getTime() ?? 0) < cooldownStart,
  });
  const byArn = new Map<string, ExecutionListItem>();
  for (const run of [...running, ...recent]) {
    if (run.executionArn === self.executionArn || !startedBefore(run, self)) continue;
    const started = run.startDate?.getTime() ?? 0;
    if (run.status === 'RUNNING' || started >= cooldownStart) byArn.set(run.executionArn ?? '', run);
  }
  return [...byArn.values()];
}

function startedBefore(run: ExecutionListItem, self: RunIdentity): boolean {
  const started = run.startDate?.getTime() ?? Number.POSITIVE_INFINITY;
  const own = self.startedAt.getTime();
  return started < own || (started === own && (run.executionArn ?? '') < self.executionArn);
}

async function describe(sfn: SFNClient, run: ExecutionListItem) {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn: run.executionArn }));
  } catch (error) {
    throw toDrError(error, `DescribeExecution ${run.executionArn}`);
  }
}

async function modeOf(sfn: SFNClient, run: ExecutionListItem): Promise<string | null> {
  const described = await describe(sfn, run);
  return inputMode(described.input);
}

/** Whether a finished run got past this lock: a failover that was not skipped and changed something (or may have). */
async function heldTheLock(sfn: SFNClient, run: ExecutionListItem): Promise<boolean> {
  const described = await describe(sfn, run);
  if (inputMode(described.input) !== 'failover') return false;
  if (described.status === 'SUCCEEDED') return !isSkipped(described.output);
  return !BEFORE_ANY_CHANGE.has(described.error ?? '');
}

function inputMode(input: string | undefined): string | null {
  try {
    const parsed = JSON.parse(input ?? '{}') as { mode?: unknown };
    return typeof parsed.mode === 'string' ? parsed.mode : null;
  } catch {
    return null;
  }
}

function isSkipped(output: string | undefined): boolean {
  try {
    return (JSON.parse(output ?? '{}') as { outcome?: unknown }).outcome === 'skipped';
  } catch {
    return false;
  }
}

const iso = (date: Date | undefined): string => (date ? date.toISOString() : 'at an unknown time');
