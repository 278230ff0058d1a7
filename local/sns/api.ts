import { AwsError } from '../protocol/errors.ts';
import type { QueryService } from '../protocol/server.ts';
import { list } from '../protocol/xml.ts';
import type { SnsModel } from './model.ts';

/** SNS awsQuery operations (API version 2010-03-31). */
export function snsApi(sns: SnsModel): QueryService {
  return {
    service: 'sns',
    xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
    operations: {
      Publish: (params, { region }) => {
        const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
        if (!topicArn)
          throw new AwsError(
            'InvalidParameter',
            'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
          );
        const message = params.get('Message');
        if (message === undefined || message === '')
          throw new AwsError('InvalidParameter', 'Invalid parameter: Empty message');
        const attributes: Record<string, string> = {};
        for (const entry of params.listOf('MessageAttributes.entry')) {
          const name = entry.get('Name');
          const value = entry.get('Value.StringValue');
          if (name !== undefined && value !== undefined) attributes[name] = value;
        }
        const delivered = sns.publish(region, topicArn, message, params.get('Subject'), attributes);
        return { MessageId: delivered.messageId };
      },
      CreateTopic: (params, { region }) => ({
        TopicArn: sns.createTopic(region, params.required('Name')).arn,
      }),
      ListTopics: (_params, { region }) => ({
        Topics: list(
          'member',
          [...sns.topics.values()].filter((t) => t.region === region).map((t) => ({ TopicArn: t.arn })),
        ),
      }),
    },
  };
}
