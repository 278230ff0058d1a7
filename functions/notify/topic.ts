import { ConfigurationError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';

/** The deployed topic must be the plan's: a mismatch means messages would go to the wrong people. */
export function checkTopicArn(topicArn: string, plan: Plan): string {
  const expectedSuffix = `:${plan.notifications.topicName}`;
  if (
    !/^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(topicArn) ||
    !topicArn.endsWith(expectedSuffix)
  ) {
    throw new ConfigurationError(
      `DRCTL_TOPIC_ARN is ${topicArn}, but the plan's notifications.topicName is ${plan.notifications.topicName}: set DRCTL_TOPIC_ARN to the ARN of topic ${plan.notifications.topicName} (arn:aws:sns:<region>:<account>:${plan.notifications.topicName})`,
      { field: 'notifications.topicName' },
    );
  }
  return topicArn;
}
