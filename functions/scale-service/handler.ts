import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { ecsClient } from '../shared/clients.ts';
import { parseTaskInput, type ScaleOutput, scaleInputSchema } from '../shared/contracts.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { scaleService } from './scale-service.ts';

const { logger, tracer } = powertools('scale-service');
const plan = loadDeployedPlan();
const ecs = tracer.captureAWSv3Client(ecsClient({ region: plan.regions.dr }));

async function scale(event: unknown): Promise<ScaleOutput> {
  const input = parseTaskInput(scaleInputSchema, event, 'scale-service');
  return scaleService({ plan, ecs, now: () => new Date(), logger }, input);
}

export const handler = middy(scale)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
