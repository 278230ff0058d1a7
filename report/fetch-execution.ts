import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { DrError, toDrError } from '../plan/errors.ts';
import { compactHistoryEvent, eventPayloadSize } from './compact-history.ts';
import type { ExecutionRecord } from './from-execution.ts';

/**
 * What an execution's history may keep in memory once compacted (report/compact-history.ts).
 * A drill or failover at Step Functions' 25,000-event limit keeps a few MiB; the limit is there
 * so that a history nobody expected fails with a clear error instead of exhausting a Lambda.
 */
export const HISTORY_BYTES_LIMIT = 64 * 1024 * 1024;
/** Step Functions keeps at most 25,000 events per execution; a page holds up to 1,000. */
const PAGE_SIZE = 1_000;

export interface FetchOptions {
  /** Override of HISTORY_BYTES_LIMIT (tests). */
  bytesLimit?: number;
}

/**
 * Reads an execution and its whole history (every page, oldest first), compacted page by page,
 * and the same of each child execution its startExecution.sync Tasks started (each database's
 * promotion and each service's scaling polls in a child: docs/architecture.md).
 */
export async function fetchExecution(
  client: SFNClient,
  executionArn: string,
  options: FetchOptions = {},
): Promise<ExecutionRecord> {
  const budget = { kept: 0, limit: options.bytesLimit ?? HISTORY_BYTES_LIMIT };
  const parent = await fetchOne(client, executionArn, budget);
  const children: ExecutionRecord[] = [];
  for (const childArn of childExecutionArns(parent.events)) {
    children.push(await fetchOne(client, childArn, budget));
  }
  return children.length === 0 ? parent : { ...parent, children };
}

/** The executions a history's startExecution.sync Tasks started (their TaskSubmitted output). */
export function childExecutionArns(events: readonly HistoryEvent[]): string[] {
  const arns: string[] = [];
  for (const event of events) {
    const submitted = event.taskSubmittedEventDetails;
    if (event.type !== 'TaskSubmitted' || !submitted?.resource?.startsWith('startExecution.sync')) continue;
    try {
      const arn = (JSON.parse(submitted.output ?? '{}') as { ExecutionArn?: unknown }).ExecutionArn;
      if (typeof arn === 'string' && !arns.includes(arn)) arns.push(arn);
    } catch {
      // not the StartExecution response: nothing to follow
    }
  }
  return arns;
}

async function fetchOne(
  client: SFNClient,
  executionArn: string,
  budget: { kept: number; limit: number },
): Promise<ExecutionRecord> {
  const { limit } = budget;
  try {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetExecutionHistoryCommand({
          executionArn,
          nextToken,
          maxResults: PAGE_SIZE,
          includeExecutionData: true,
        }),
      );
      for (const event of page.events ?? []) {
        const compact = compactHistoryEvent(event);
        budget.kept += eventPayloadSize(compact);
        if (budget.kept > limit) {
          throw new DrError(
            `the history of ${executionArn} holds more than ${Math.round(limit / (1024 * 1024))} MiB of state data after compaction (at event ${event.id ?? events.length + 1}): the report is not built from it; read it in the Step Functions console`,
          );
        }
        events.push(compact);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return { execution, events };
  } catch (error) {
    throw toDrError(error, `reading execution ${executionArn}`);
  }
}
