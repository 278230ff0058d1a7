import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { cloudWatchClient, ecsClient, rdsClient, sfnClient } from '../shared/clients.ts';
import { type FenceOutput, fenceInputSchema, parseTaskInput } from '../shared/contracts.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { failoverRunGuards } from '../shared/run-guard.ts';
import * as z from '../shared/validator.ts';
import { type FencePorts, fenceForRun, fencePrimary } from './fence.ts';

const { logger, tracer } = powertools('fence-primary');
const plan = loadDeployedPlan();
const sfn = tracer.captureAWSv3Client(sfnClient({ region: plan.regions.dr }));
/** The runs this container has verified past the point of no return live as long as it does. */
const runGuards = failoverRunGuards(sfn, plan);
const ports: FencePorts = {
  plan,
  primaryEcs: tracer.captureAWSv3Client(ecsClient({ region: plan.regions.primary, bestEffort: true })),
  primaryRds: tracer.captureAWSv3Client(rdsClient({ region: plan.regions.primary, bestEffort: true })),
  rds: tracer.captureAWSv3Client(rdsClient({ region: plan.regions.dr })),
  ecs: tracer.captureAWSv3Client(ecsClient({ region: plan.regions.dr })),
  cloudWatch: tracer.captureAWSv3Client(cloudWatchClient({ region: plan.regions.dr })),
  now: () => new Date(),
  logger,
};

/** A state-machine task says `operation: fence`; the EventBridge schedule sends an event without one. */
const routeSchema = z.object({ operation: z.optional(z.literal('fence')) });

async function fence(event: unknown, context: Context): Promise<FenceOutput> {
  const { operation } = parseTaskInput(routeSchema, event, 'fence-primary');
  if (operation === undefined) return fencePrimary(ports, { attempt: 0, pastPointOfNoReturn: false });
  const input = parseTaskInput(fenceInputSchema, event, 'fence-primary');
  // The input claims its run is past the point of no return; the run's own history must say so.
  const pastPointOfNoReturn = runGuards.guardFor(context.invokedFunctionArn);
  return fenceForRun({ ...ports, pastPointOfNoReturn }, input);
}

export const handler = middy(fence)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
