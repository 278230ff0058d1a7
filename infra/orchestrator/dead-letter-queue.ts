import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface DeadLetterQueueProps {
  /** Physical name of the alarm that fires when anything lands in the queue. */
  alarmName: string;
  /** What the alarm does (notify the topic); without, the alarm still shows and can be forwarded. */
  alarmAction?: IAlarmAction;
}

/**
 * Where events that could not be delivered end up (rule targets, asynchronous invocations, SNS
 * deliveries), kept for 14 days so that a missed alarm or health check can be investigated, and
 * an alarm as soon as one message is there. SQS stops publishing metrics for a queue without
 * activity for six hours, so missing data keeps the alarm's state (ignore): a message that sat
 * there unread does not turn the alarm OK by itself.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.alarm = new Alarm(this, 'NotEmpty', {
      alarmName: props.alarmName,
      alarmDescription:
        'A drctl event could not be delivered (rule target, asynchronous invocation or notification) and is in this dead-letter queue. Read it, fix the cause, then purge it.',
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.IGNORE,
    });
    if (props.alarmAction) this.alarm.addAlarmAction(props.alarmAction);
    acknowledge(
      this.queue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the stack (EventBridge targets, Lambda async, SNS); a DLQ of a DLQ would only move the problem.',
    );
    acknowledge(
      this.queue,
      'Serverless-SQSRedrivePolicy',
      'This queue is itself the dead-letter queue of the stack; it has no consumer whose failures could be redriven.',
    );
  }
}
