import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { snsClient } from '../shared/clients.ts';
import { type NotifyOutput, notifyInputSchema, parseTaskInput } from '../shared/contracts.ts';
import { requireEnv } from '../shared/env.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { notify } from './notify.ts';
import { checkTopicArn } from './topic.ts';

const { logger, tracer } = powertools('notify');
const plan = loadDeployedPlan();
const topicArn = checkTopicArn(requireEnv(['DRCTL_TOPIC_ARN']).DRCTL_TOPIC_ARN, plan);
// The topic's own region (arn:aws:sns:<region>:<account>:<name>): publishing works wherever it lives.
const sns = tracer.captureAWSv3Client(snsClient({ region: topicArn.split(':')[3] ?? plan.regions.dr }));

async function publish(event: unknown): Promise<NotifyOutput> {
  const input = parseTaskInput(notifyInputSchema, event, 'notify');
  return notify({ plan, sns, topicArn, now: () => new Date(), logger }, input);
}

export const handler = middy(publish)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
