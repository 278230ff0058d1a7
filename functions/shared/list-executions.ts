import { type ExecutionListItem, ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { toDrError } from '../../plan/errors.ts';

/** ListExecutions pages read at most (100 executions each): a bound, not a business rule. */
const MAX_PAGES = 10;

/**
 * A state machine's executions, newest first as ListExecutions returns them, page by page up to
 * MAX_PAGES; `stopAfter` ends the listing after a page that holds an execution it matches (an
 * execution older than the window the caller looks at).
 */
export async function listExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
  options: { statusFilter?: 'RUNNING'; stopAfter?: (run: ExecutionListItem) => boolean } = {},
): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let output: { executions?: ExecutionListItem[]; nextToken?: string };
    try {
      output = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn,
          maxResults: 100,
          ...(options.statusFilter ? { statusFilter: options.statusFilter } : {}),
          ...(nextToken ? { nextToken } : {}),
        }),
      );
    } catch (error) {
      throw toDrError(error, `ListExecutions ${stateMachineArn}`);
    }
    const executions = output.executions ?? [];
    found.push(...executions);
    nextToken = output.nextToken;
    if (!nextToken || (options.stopAfter !== undefined && executions.some(options.stopAfter))) break;
  }
  return found;
}
