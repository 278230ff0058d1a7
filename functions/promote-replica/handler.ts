import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { rdsClient, sfnClient } from '../shared/clients.ts';
import { type PromoteOutput, parseTaskInput, promoteInputSchema } from '../shared/contracts.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { failoverRunGuards } from '../shared/run-guard.ts';
import { promoteReplica } from './promote-replica.ts';

const { logger, tracer } = powertools('promote-replica');
const plan = loadDeployedPlan();
const rds = tracer.captureAWSv3Client(rdsClient({ region: plan.regions.dr }));
const sfn = tracer.captureAWSv3Client(sfnClient({ region: plan.regions.dr }));
/** The runs this container has verified past the point of no return live as long as it does. */
const runGuards = failoverRunGuards(sfn, plan);

async function promote(event: unknown, context: Context): Promise<PromoteOutput> {
  const input = parseTaskInput(promoteInputSchema, event, 'promote-replica');
  const pastPointOfNoReturn = runGuards.guardFor(context.invokedFunctionArn);
  return promoteReplica({ plan, rds, pastPointOfNoReturn, now: () => new Date(), logger }, input);
}

export const handler = middy(promote)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
