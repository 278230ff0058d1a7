import { randomUUID } from 'node:crypto';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';

/**
 * SNS topics that keep the messages delivered to them, so tests and the CLI can read the
 * notices: the last MAX_KEPT_MESSAGES per topic (a bound of the world; SNS keeps none).
 */
export const MAX_KEPT_MESSAGES = 1_000;
/** SNS quota: 100,000 standard topics per account; the world keeps at most this many. */
export const MAX_TOPICS = 1_000;
export interface SnsMessage {
  messageId: string;
  topicArn: string;
  subject: string | undefined;
  message: string;
  attributes: Record<string, string>;
  at: number;
}

export interface Topic {
  arn: string;
  name: string;
  region: string;
  messages: SnsMessage[];
}

export class SnsModel {
  readonly topics = new Map<string, Topic>();
  private readonly context: WorldContext;

  constructor(context: WorldContext) {
    this.context = context;
    this.createTopic(context.plan.regions.dr, context.plan.notifications.topicName);
  }

  createTopic(region: string, name: string): Topic {
    if (!/^[a-zA-Z0-9_-]{1,256}(\.fifo)?$/.test(name)) {
      throw new AwsError('InvalidParameter', 'Invalid parameter: Topic Name');
    }
    const arn = `arn:aws:sns:${region}:${this.context.account}:${name}`;
    const existing = this.topics.get(arn);
    if (existing) return existing;
    if (this.topics.size >= MAX_TOPICS) {
      throw new AwsError('TopicLimitExceeded', `The local world keeps at most ${MAX_TOPICS} topics.`, 403);
    }
    const topic: Topic = { arn, name, region, messages: [] };
    this.topics.set(arn, topic);
    return topic;
  }

  publish(
    region: string,
    topicArn: string,
    message: string,
    subject: string | undefined,
    attributes: Record<string, string>,
  ): SnsMessage {
    const topic = this.topics.get(topicArn);
    if (!topic || topic.region !== region) throw new AwsError('NotFound', 'Topic does not exist', 404);
    if (subject !== undefined && (subject.length > 100 || /[\r\n]/.test(subject))) {
      throw new AwsError('InvalidParameter', 'Invalid parameter: Subject');
    }
    if (Buffer.byteLength(message) > 262_144) {
      throw new AwsError('InvalidParameter', 'Invalid parameter: Message too long');
    }
    const at = this.context.clock.now();
    const delivered: SnsMessage = { messageId: randomUUID(), topicArn, subject, message, attributes, at };
    topic.messages.push(delivered);
    if (topic.messages.length > MAX_KEPT_MESSAGES)
      topic.messages.splice(0, topic.messages.length - MAX_KEPT_MESSAGES);
    this.context.events.record(
      'sns.published',
      at,
      `SNS ${topic.name}: ${subject ?? firstLine(message)}`,
      { topicArn, subject, messageId: delivered.messageId },
      region,
    );
    return delivered;
  }
}

/** A message without a subject is shown by its first line, cut with a mark (a subject is under 100 characters). */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.length > 99 ? `${line.slice(0, 96)}...` : line;
}
