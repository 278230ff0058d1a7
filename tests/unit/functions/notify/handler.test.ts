import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedPlanFile } from '../deployed-plan.ts';
import { fakeLambdaContext } from '../lambda-context.ts';
import { EXECUTION_START, preflightOutput, request, TOPIC_ARN } from './fixtures.ts';

const snsMock = mockClient(SNSClient);
let handler: (event: unknown, context: typeof fakeLambdaContext) => Promise<unknown>;

beforeAll(async () => {
  process.env.DRCTL_PLAN_FILE = deployedPlanFile();
  process.env.DRCTL_TOPIC_ARN = TOPIC_ARN;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../../../functions/notify/handler.ts'));
});

describe('notify handler', () => {
  it('publishes to the configured topic', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const event = {
      event: 'started',
      correlationId: 'exec-1',
      executionStartTime: EXECUTION_START,
      request,
      preflight: preflightOutput,
    };

    // Act
    const output = await handler(event, fakeLambdaContext);

    // Assess
    expect(output).toEqual({ subject: '[drctl] shop failover STARTED (INC-42)', messageId: 'm-1' });
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(TOPIC_ARN);
  });

  it('keeps the InvalidInputError name through middy and publishes nothing for a bad event', async () => {
    // Prepare
    snsMock.reset();
    const event = { event: 'exploded', correlationId: 'exec-1', executionStartTime: EXECUTION_START };

    // Act
    const error = (await handler(event, fakeLambdaContext).catch((e: unknown) => e)) as Error & {
      field?: string;
    };

    // Assess
    expect(error.name).toBe('InvalidInputError');
    expect(error.field).toBe('event');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
