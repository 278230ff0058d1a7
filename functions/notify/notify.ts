import type { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { NotifyInput, NotifyOutput } from '../shared/contracts.ts';
import { composeMessage } from './compose-message.ts';
import { describeFailure } from './failure.ts';
import { readStepResults } from './step-results.ts';
import { subjectLine, summaryText } from './summary.ts';
import { buildTimeline } from './timeline.ts';

export interface NotifyPorts {
  plan: Plan;
  sns: SNSClient;
  /** Checked against the plan's topic name at start (see topic.ts). */
  topicArn: string;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Publishes one message about the run. A publish failure is thrown as a family error; the state
 * machine catches it, because a failed notification must never undo or fail a failover.
 */
export async function notify(ports: NotifyPorts, input: NotifyInput): Promise<NotifyOutput> {
  const { plan, now } = ports;
  const at = now();
  const results = readStepResults(input);
  if (results.unreadable.length > 0) {
    ports.logger?.warn('step results with an unexpected shape', { unreadable: results.unreadable });
  }
  const failure =
    (input.event === 'failed' || input.event === 'skipped') && input.error
      ? describeFailure(input.error)
      : null;
  const elapsedSeconds = (at.getTime() - new Date(input.executionStartTime).getTime()) / 1000;
  const context = { plan, event: input.event, request: input.request, results, failure, elapsedSeconds };
  const subject = subjectLine(context);
  const message = composeMessage(
    summaryText(context),
    buildTimeline({
      plan,
      event: input.event,
      executionStartTime: input.executionStartTime,
      results,
      failure,
      now: at,
    }),
  );

  try {
    const output = await ports.sns.send(
      new PublishCommand({
        TopicArn: ports.topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: {
          event: { DataType: 'String', StringValue: input.event },
          plan: { DataType: 'String', StringValue: plan.name },
        },
      }),
    );
    ports.logger?.info('notification published', { subject, messageId: output.MessageId });
    return { subject, messageId: output.MessageId ?? '' };
  } catch (error) {
    throw toDrError(error, `Publish to ${ports.topicArn} (${input.event} notification)`);
  }
}
