import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  type ExecutionStatus,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { claimRun } from '../../../../functions/health-monitor/run-lock.ts';
import { FailoverInProgressError, ThrottledError } from '../../../../plan/errors.ts';
import { rejection, throttlingError } from '../aws-errors.ts';
import { referencePlan, STATE_MACHINE_ARN } from './world.ts';

const plan = referencePlan();
const sfnMock = mockClient(SFNClient);
const SELF_START = new Date('2026-03-01T12:00:00.000Z');
const arn = (name: string) => `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
const self = { executionArn: arn('self'), stateMachineArn: STATE_MACHINE_ARN, startedAt: SELF_START };
const byHand = { mode: 'failover' as const, reason: 'drill', incidentId: 'INC-1', requestedBy: 'alice' };
const byAlarm = { ...byHand, requestedBy: 'alarm:shop-primary-unreachable-from-dr' };

interface Run {
  name: string;
  status: ExecutionStatus;
  minutesBefore: number;
  mode?: string;
  output?: unknown;
  error?: string;
}

function executions(...runs: Run[]) {
  const items: ExecutionListItem[] = [
    {
      executionArn: self.executionArn,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'self',
      status: 'RUNNING' as ExecutionStatus,
      startDate: SELF_START,
    },
    ...runs.map((run) => ({
      executionArn: arn(run.name),
      stateMachineArn: STATE_MACHINE_ARN,
      name: run.name,
      status: run.status,
      startDate: new Date(SELF_START.getTime() - run.minutesBefore * 60_000),
    })),
  ].sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0));
  sfnMock.on(ListExecutionsCommand).callsFake((input: { statusFilter?: string }) => ({
    executions: items.filter(
      (item) => input.statusFilter === undefined || item.status === input.statusFilter,
    ),
  }));
  for (const run of runs) {
    sfnMock.on(DescribeExecutionCommand, { executionArn: arn(run.name) }).resolves({
      executionArn: arn(run.name),
      status: run.status,
      input: JSON.stringify({ ...byHand, mode: run.mode ?? 'failover' }),
      ...(run.output === undefined ? {} : { output: JSON.stringify(run.output) }),
      ...(run.error === undefined ? {} : { error: run.error }),
    });
  }
}

describe('run lock: one failover at a time', () => {
  beforeEach(() => sfnMock.reset());

  it('lets a run through when it is the only one', async () => {
    // Prepare
    executions();

    // Act
    const claimed = claimRun({ plan, sfn: new SFNClient({}) }, self, byHand);

    // Assess
    await expect(claimed).resolves.toBeUndefined();
  });

  it('refuses a run while an older failover runs, naming that execution and its start', async () => {
    // Prepare
    executions({ name: 'first', status: 'RUNNING', minutesBefore: 2 });

    // Act
    const error = await rejection(claimRun({ plan, sfn: new SFNClient({}) }, self, byHand));

    // Assess
    expect(error).toBeInstanceOf(FailoverInProgressError);
    expect(error.message).toContain('first');
    expect(error.message).toContain('2026-03-01T11:58:00.000Z');
    expect((error as FailoverInProgressError).heldBy.executionArn).toBe(arn('first'));
  });

  it('lets the oldest of two runs that started together through and refuses the other', async () => {
    // Prepare: both started in the same millisecond; the smaller ARN wins, for both of them alike
    executions({ name: 'aaa', status: 'RUNNING', minutesBefore: 0 });
    const other = { ...self, executionArn: arn('aaa') };

    // Act
    const selfOutcome = await rejection(claimRun({ plan, sfn: new SFNClient({}) }, self, byHand));
    const otherOutcome = claimRun({ plan, sfn: new SFNClient({}) }, other, byHand);

    // Assess
    expect(selfOutcome).toBeInstanceOf(FailoverInProgressError);
    await expect(otherOutcome).resolves.toBeUndefined();
  });

  it('ignores a running dry-run, and never refuses a dry-run itself', async () => {
    // Prepare
    executions({ name: 'looking', status: 'RUNNING', minutesBefore: 1, mode: 'dry-run' });

    // Act
    const failover = claimRun({ plan, sfn: new SFNClient({}) }, self, byHand);
    const dryRun = claimRun({ plan, sfn: new SFNClient({}) }, self, { ...byHand, mode: 'dry-run' });

    // Assess
    await expect(failover).resolves.toBeUndefined();
    await expect(dryRun).resolves.toBeUndefined();
  });

  it('skips an alarm-started run within the cooldown of the last failover, but not one started by hand', async () => {
    // Prepare
    executions({
      name: 'earlier',
      status: 'SUCCEEDED',
      minutesBefore: 20,
      output: { outcome: 'failed-over' },
    });

    // Act
    const alarm = await rejection(claimRun({ plan, sfn: new SFNClient({}) }, self, byAlarm));
    const hand = claimRun({ plan, sfn: new SFNClient({}) }, self, byHand);

    // Assess
    expect(alarm).toBeInstanceOf(FailoverInProgressError);
    expect(alarm.message).toContain('60-minute cooldown');
    expect(alarm.message).toContain('2026-03-01T12:40:00.000Z');
    await expect(hand).resolves.toBeUndefined();
  });

  it('starts no cooldown from runs that changed nothing: skipped ones and preflight refusals', async () => {
    // Prepare
    executions(
      { name: 'skipped', status: 'SUCCEEDED', minutesBefore: 5, output: { outcome: 'skipped' } },
      { name: 'refused', status: 'FAILED', minutesBefore: 10, error: 'RpoBudgetExceededError' },
      { name: 'looked', status: 'SUCCEEDED', minutesBefore: 15, mode: 'dry-run' },
      { name: 'long-ago', status: 'SUCCEEDED', minutesBefore: 61, output: { outcome: 'failed-over' } },
    );

    // Act
    const claimed = claimRun({ plan, sfn: new SFNClient({}) }, self, byAlarm);

    // Assess
    await expect(claimed).resolves.toBeUndefined();
  });

  it('counts a failover that failed after changes for the cooldown', async () => {
    // Prepare
    executions({ name: 'broken', status: 'FAILED', minutesBefore: 30, error: 'TaskStartFailureError' });

    // Act
    const error = await rejection(claimRun({ plan, sfn: new SFNClient({}) }, self, byAlarm));

    // Assess
    expect(error).toBeInstanceOf(FailoverInProgressError);
    expect(error.message).toContain('broken');
  });

  it('throws a retryable error when Step Functions throttles the listing', async () => {
    // Prepare
    sfnMock.on(ListExecutionsCommand).rejects(throttlingError('ThrottlingException'));

    // Act
    const error = await rejection(claimRun({ plan, sfn: new SFNClient({}) }, self, byHand));

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
  });
});
