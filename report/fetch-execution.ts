import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { toDrError } from '../plan/errors.ts';
import type { ExecutionRecord } from './from-execution.ts';

/** Reads an execution and its whole history (every page, oldest first). */
export async function fetchExecution(client: SFNClient, executionArn: string): Promise<ExecutionRecord> {
  try {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetExecutionHistoryCommand({
          executionArn,
          nextToken,
          maxResults: 1000,
          includeExecutionData: true,
        }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return { execution, events };
  } catch (error) {
    throw toDrError(error, `reading execution ${executionArn}`);
  }
}
