import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { rdsClient, secretsManagerClient } from '../shared/clients.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { type CanaryResult, runCanary } from './operate.ts';
import type { CanaryRole } from './read.ts';
import { canaryRole, readCanarySettings, roleRegion } from './role.ts';
import { type CanaryDeps, createCanaryDeps } from './sessions.ts';

const { logger, tracer } = powertools('canary');
const plan = loadDeployedPlan();
const settings = readCanarySettings();
/** Per role (one per deployment in AWS; both in one process in the local world), kept across invocations. */
const depsByRole = new Map<CanaryRole, CanaryDeps>();

function depsFor(role: CanaryRole): CanaryDeps {
  const existing = depsByRole.get(role);
  if (existing) return existing;
  const region = roleRegion(plan, role);
  const deps = createCanaryDeps({
    plan,
    rds: tracer.captureAWSv3Client(rdsClient({ region })),
    secrets: tracer.captureAWSv3Client(secretsManagerClient({ region })),
    tls: settings.tls,
    logger,
  });
  depsByRole.set(role, deps);
  return deps;
}

async function canary(event: unknown, context: Context): Promise<CanaryResult> {
  const role = canaryRole(plan, context.functionName, settings.configuredRole);
  return runCanary(depsFor(role), role, event, () => context.getRemainingTimeInMillis());
}

export const handler = middy(canary)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
