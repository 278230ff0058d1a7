import { DescribeExecutionCommand, type ExecutionListItem, type SFNClient } from '@aws-sdk/client-sfn';
import { toDrError } from '../../plan/errors.ts';
import { listExecutions } from '../shared/list-executions.ts';

/** The executions of a state machine that are running now. */
export function runningExecutions(sfn: SFNClient, stateMachineArn: string): Promise<ExecutionListItem[]> {
  return listExecutions(sfn, stateMachineArn, { statusFilter: 'RUNNING' });
}

/**
 * Failover executions that may change production now: running ones that are not dry-runs (a
 * dry-run changes nothing, so a drill may run beside it).
 */
export async function runningFailovers(sfn: SFNClient, failoverArn: string): Promise<ExecutionListItem[]> {
  const running = await runningExecutions(sfn, failoverArn);
  const changing: ExecutionListItem[] = [];
  for (const run of running) {
    let input: string | undefined;
    try {
      ({ input } = await sfn.send(new DescribeExecutionCommand({ executionArn: run.executionArn })));
    } catch (error) {
      throw toDrError(error, `DescribeExecution ${run.executionArn}`);
    }
    if (modeOf(input) !== 'dry-run') changing.push(run);
  }
  return changing;
}

function modeOf(input: string | undefined): string | null {
  try {
    const parsed = JSON.parse(input ?? '{}') as { mode?: unknown };
    return typeof parsed.mode === 'string' ? parsed.mode : null;
  } catch {
    return null;
  }
}

export const describeRun = (run: ExecutionListItem): string =>
  `execution ${run.name ?? run.executionArn} started ${run.startDate ? run.startDate.toISOString() : 'at an unknown time'}`;
