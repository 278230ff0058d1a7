import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { ssmClient } from '../shared/clients.ts';
import { type DecisionOutput, decisionInputSchema, parseTaskInput } from '../shared/contracts.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { checkDecision } from './check-decision.ts';

const { logger, tracer } = powertools('approval');
const plan = loadDeployedPlan();
const ssm = tracer.captureAWSv3Client(ssmClient({ region: plan.regions.dr }));

async function check(event: unknown): Promise<DecisionOutput> {
  const input = parseTaskInput(decisionInputSchema, event, 'approval');
  return checkDecision({ plan, ssm, now: () => new Date(), logger }, input);
}

export const handler = middy(check)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
