import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { cloudWatchClient, ecsClient, rdsClient, sfnClient } from '../shared/clients.ts';
import { type FenceOutput, fenceInputSchema, parseTaskInput } from '../shared/contracts.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { failoverExecutionArn, stateMachineArns } from '../shared/state-machines.ts';
import * as z from '../shared/validator.ts';
import { type FencePorts, fenceForRun, fencePrimary } from './fence.ts';

const { logger, tracer } = powertools('fence-primary');
const plan = loadDeployedPlan();
const ports: FencePorts & { sfn: SFNClient } = {
  plan,
  primaryEcs: tracer.captureAWSv3Client(ecsClient({ region: plan.regions.primary, bestEffort: true })),
  primaryRds: tracer.captureAWSv3Client(rdsClient({ region: plan.regions.primary, bestEffort: true })),
  rds: tracer.captureAWSv3Client(rdsClient({ region: plan.regions.dr })),
  ecs: tracer.captureAWSv3Client(ecsClient({ region: plan.regions.dr })),
  cloudWatch: tracer.captureAWSv3Client(cloudWatchClient({ region: plan.regions.dr })),
  // The run's own history: a task input claims its run is past the point of no return, the run proves it.
  sfn: tracer.captureAWSv3Client(sfnClient({ region: plan.regions.dr })),
  now: () => new Date(),
  logger,
};

/** A state-machine task says `operation: fence`; the EventBridge schedule sends an event without one. */
const routeSchema = z.object({ operation: z.optional(z.literal('fence')) });

async function fence(event: unknown, context: Context): Promise<FenceOutput> {
  const { operation } = parseTaskInput(routeSchema, event, 'fence-primary');
  if (operation === undefined) return fencePrimary(ports, { attempt: 0, pastPointOfNoReturn: false });
  const input = parseTaskInput(fenceInputSchema, event, 'fence-primary');
  const run = failoverExecutionArn(stateMachineArns(plan, context.invokedFunctionArn), input.correlationId);
  return fenceForRun(ports, { attempt: input.attempt, executionArn: run });
}

export const handler = middy(fence)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
