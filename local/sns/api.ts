import { touch } from '../mutations.ts';
import { AwsError } from '../protocol/errors.ts';
import type { QueryParams } from '../protocol/query-params.ts';
import type { QueryService } from '../protocol/server.ts';
import { list } from '../protocol/xml.ts';
import type { SnsModel } from './model.ts';

/**
 * SNS awsQuery operations (API version 2010-03-31). Bounds from the SNS API reference and SNS
 * quotas: a message (with its attributes) up to 256 KiB, message attributes with a name of up to
 * 256 characters and a DataType of String, Number or Binary (with an optional custom suffix) or
 * String.Array; MessageStructure `json` needs a JSON object with a `default` string; ListTopics
 * pages by 100. (SNS has no count limit of its own on message attributes: only SQS subscriptions
 * with raw delivery refuse more than 10.)
 */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

const invalid = (what: string) => new AwsError('InvalidParameter', `Invalid parameter: ${what}`);

export function snsApi(sns: SnsModel): QueryService {
  return {
    service: 'sns',
    xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
    operations: {
      Publish: (params, context) => {
        const { region } = context;
        const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
        if (!topicArn) throw invalid('TopicArn or TargetArn Reason: no value for required parameter');
        touch(context, topicArn);
        if (!TOPIC_ARN.test(topicArn)) throw invalid('TopicArn');
        const message = params.get('Message');
        if (message === undefined || message === '') throw invalid('Empty message');
        checkMessageStructure(params.get('MessageStructure'), message);
        const attributes = messageAttributes(params);
        const size =
          Buffer.byteLength(message) +
          Object.entries(attributes).reduce((sum, [name, value]) => sum + Buffer.byteLength(name + value), 0);
        if (size > 262_144) throw invalid('Message too long');
        const delivered = sns.publish(region, topicArn, message, params.get('Subject'), attributes);
        return { MessageId: delivered.messageId };
      },
      CreateTopic: (params, context) => {
        const topic = sns.createTopic(context.region, params.required('Name'));
        touch(context, topic.arn);
        return { TopicArn: topic.arn };
      },
      ListTopics: (params, { region }) => {
        const topics = [...sns.topics.values()].filter((t) => t.region === region);
        const token = params.get('NextToken');
        let offset = 0;
        if (token !== undefined) {
          const match = /^sns:(\d{1,9})$/.exec(Buffer.from(token, 'base64').toString('utf8'));
          if (!match || Number(match[1]) > topics.length) throw invalid('NextToken');
          offset = Number(match[1]);
        }
        const next =
          offset + 100 < topics.length ? Buffer.from(`sns:${offset + 100}`).toString('base64') : undefined;
        return {
          Topics: list(
            'member',
            topics.slice(offset, offset + 100).map((t) => ({ TopicArn: t.arn })),
          ),
          NextToken: next,
        };
      },
    },
  };
}

/** MessageStructure `json`: the message is a JSON object with at least a `default` string. */
function checkMessageStructure(structure: string | undefined, message: string): void {
  if (structure === undefined) return;
  if (structure !== 'json') throw invalid('MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalid('Message Structure - JSON message body failed to parse');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalid('Message Structure - JSON message body failed to parse');
  }
  if (typeof (parsed as Record<string, unknown>).default !== 'string') {
    throw invalid('Message Structure - No default entry in JSON message body');
  }
}

function messageAttributes(params: QueryParams): Record<string, string> {
  const entries = params.listOf('MessageAttributes.entry');
  const attributes: Record<string, string> = Object.create(null);
  for (const entry of entries) {
    const name = entry.get('Name') ?? '';
    if (
      name === '' ||
      name.length > 256 ||
      !/^[A-Za-z0-9_.-]+$/.test(name) ||
      /^(aws\.|amazon\.)/i.test(name)
    ) {
      throw new AwsError(
        'InvalidParameterValue',
        `The message attribute name '${name.slice(0, 64)}' is not valid.`,
      );
    }
    const type = entry.get('Value.DataType');
    if (!type || !/^(String|Number|Binary)(\.[A-Za-z0-9_.-]{1,255})?$|^String\.Array$/.test(type)) {
      throw new AwsError(
        'InvalidParameterValue',
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const value = entry.get('Value.StringValue') ?? entry.get('Value.BinaryValue');
    if (value === undefined || value === '') {
      throw new AwsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain non-empty message attribute value.`,
      );
    }
    if (type.startsWith('Number') && !Number.isFinite(Number(value))) {
      throw new AwsError(
        'InvalidParameterValue',
        `The message attribute '${name}' has an invalid number value.`,
      );
    }
    attributes[name] = value;
  }
  return attributes;
}
