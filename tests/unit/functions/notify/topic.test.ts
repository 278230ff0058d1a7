import { describe, expect, it } from 'vitest';
import { checkTopicArn } from '../../../../functions/notify/topic.ts';
import { ConfigurationError } from '../../../../plan/errors.ts';
import { plan, TOPIC_ARN } from './fixtures.ts';

describe('topic ARN check', () => {
  it("accepts the ARN of the plan's topic", () => {
    // Prepare
    const arn = TOPIC_ARN;

    // Act
    const checked = checkTopicArn(arn, plan);

    // Assess
    expect(checked).toBe(TOPIC_ARN);
  });

  it('rejects another topic, naming both the ARN and the plan topic name', () => {
    // Prepare
    const arn = 'arn:aws:sns:us-west-2:111111111111:shop-dr-events-old';

    // Act
    const error = (() => {
      try {
        checkTopicArn(arn, plan);
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(arn);
    expect((error as Error).message).toContain('shop-dr-events');
  });

  it('rejects something that is not an SNS topic ARN', () => {
    // Prepare
    const arn = 'shop-dr-events';

    // Act
    const act = () => checkTopicArn(arn, plan);

    // Assess
    expect(act).toThrow(ConfigurationError);
  });
});
