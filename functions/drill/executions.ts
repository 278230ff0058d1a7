import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  ListExecutionsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { toDrError } from '../../plan/errors.ts';

/** ListExecutions pages read at most (100 executions each): a bound, not a business rule. */
const MAX_PAGES = 10;

/** The executions of a state machine that are running now. */
export async function runningExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let output: { executions?: ExecutionListItem[]; nextToken?: string };
    try {
      output = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn,
          statusFilter: 'RUNNING',
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
    } catch (error) {
      throw toDrError(error, `ListExecutions ${stateMachineArn}`);
    }
    found.push(...(output.executions ?? []));
    nextToken = output.nextToken;
    if (!nextToken) break;
  }
  return found;
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
