import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { cloudWatchClient } from '../shared/clients.ts';
import { parseTaskInput } from '../shared/contracts.ts';
import { createHttpProbe } from '../shared/http-probe.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import * as z from '../shared/validator.ts';
import { type PrimaryProbeOutput, probePrimary } from './probe-primary.ts';

const { logger, tracer } = powertools('primary-probe');
const plan = loadDeployedPlan();
const cloudWatch = tracer.captureAWSv3Client(cloudWatchClient({ region: plan.regions.dr }));
const probe = createHttpProbe();

/** The EventBridge scheduled event: an object; its fields are not used. */
const scheduledEventSchema = z.looseObject({});

async function run(event: unknown): Promise<PrimaryProbeOutput> {
  parseTaskInput(scheduledEventSchema, event, 'primary-probe');
  return probePrimary({ plan, cloudWatch, probe, now: () => new Date(), logger });
}

export const handler = middy(run)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
