import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

/**
 * Where events that could not be delivered end up (rule targets, asynchronous invocations, SNS
 * deliveries), kept for 14 days so that a missed alarm or health check can be investigated.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
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
