import type { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { NotifyInput, NotifyOutput } from '../shared/contracts.ts';
import { composeMessage } from './compose-message.ts';
import { decisionRequest } from './decision-request.ts';
import { drillNotice } from './drill-notice.ts';
import { describeFailure } from './failure.ts';
import { noChangeNotice } from './no-change.ts';
import { readStepResults, type StepResults } from './step-results.ts';
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
  // A drill's step results have their own shapes (drill-contracts.ts), read by drill-notice.ts.
  const results: StepResults = input.event.startsWith('drill-') ? { unreadable: [] } : readStepResults(input);
  if (results.unreadable.length > 0) {
    ports.logger?.warn('step results with an unexpected shape', { unreadable: results.unreadable });
  }
  const { subject, message } = compose(ports, input, results);
  try {
    const output = await ports.sns.send(
      new PublishCommand({
        TopicArn: ports.topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: {
          event: { DataType: 'String', StringValue: input.event },
          plan: { DataType: 'String', StringValue: ports.plan.name },
        },
      }),
    );
    ports.logger?.info('notification published', { subject, messageId: output.MessageId });
    return { subject, messageId: output.MessageId ?? '' };
  } catch (error) {
    throw toDrError(error, `Publish to ${ports.topicArn} (${input.event} notification)`);
  }
}

/** The message for the event: the failover's course, a request to decide, or a run that changed nothing. */
function compose(
  ports: NotifyPorts,
  input: NotifyInput,
  results: StepResults,
): { subject: string; message: string } {
  const { plan, now } = ports;
  const event = input.event;
  const failure = input.error ? describeFailure(input.error) : null;
  if (event === 'decision-needed') return decisionRequest(plan, input, results);
  if (event === 'drill-started' || event === 'drill-succeeded' || event === 'drill-failed') {
    return drillNotice(plan, event, input);
  }
  if (event === 'skipped' || event === 'stood-down' || event === 'denied' || event === 'decision-timed-out') {
    return noChangeNotice(plan, event, input, results, failure);
  }
  const at = now();
  const elapsedSeconds = (at.getTime() - new Date(input.executionStartTime).getTime()) / 1000;
  const context = {
    plan,
    event,
    request: input.request,
    results,
    failure: event === 'failed' ? failure : null,
    elapsedSeconds,
  };
  return {
    subject: subjectLine(context),
    message: composeMessage(
      summaryText(context),
      buildTimeline({
        plan,
        event,
        executionStartTime: input.executionStartTime,
        results,
        failure: context.failure,
        now: at,
      }),
    ),
  };
}
