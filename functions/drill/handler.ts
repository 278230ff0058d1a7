import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { cloudWatchClient, ecsClient, lambdaClient, rdsClient, sfnClient } from '../shared/clients.ts';
import { createDnsLookup } from '../shared/dns-lookup.ts';
import { createHttpProbe } from '../shared/http-probe.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { stateMachineArns } from '../shared/state-machines.ts';
import { runDrillOp } from './operate.ts';
import type { DrillPorts } from './ports.ts';

const CANARY_READ_TIMEOUT_MS = 20_000;
const { logger, tracer } = powertools('drill');
const plan = loadDeployedPlan();
const dr = { region: plan.regions.dr };
const ports: Omit<DrillPorts, 'machines'> = {
  plan,
  rds: tracer.captureAWSv3Client(rdsClient(dr)),
  cloudWatch: tracer.captureAWSv3Client(cloudWatchClient(dr)),
  ecs: tracer.captureAWSv3Client(ecsClient(dr)),
  sfn: tracer.captureAWSv3Client(sfnClient(dr)),
  // A canary read connects to each database (a cold start in a VPC, a TLS handshake): 20 s.
  lambda: tracer.captureAWSv3Client(lambdaClient({ ...dr, requestTimeoutMs: CANARY_READ_TIMEOUT_MS })),
  // The canary writer lives beside the primaries: best effort, as every call to the primary region.
  primaryLambda: tracer.captureAWSv3Client(
    lambdaClient({
      region: plan.regions.primary,
      bestEffort: true,
      requestTimeoutMs: CANARY_READ_TIMEOUT_MS,
    }),
  ),
  probe: createHttpProbe(),
  lookup: createDnsLookup(),
  now: () => new Date(),
  logger,
};

async function drill(event: unknown, context: Context): Promise<unknown> {
  return runDrillOp({ ...ports, machines: stateMachineArns(plan, context.invokedFunctionArn) }, event);
}

export const handler = middy(drill)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
