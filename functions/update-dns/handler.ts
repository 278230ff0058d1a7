import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { cloudWatchClient, route53Client, sfnClient } from '../shared/clients.ts';
import { type DnsOutput, dnsInputSchema, parseTaskInput } from '../shared/contracts.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import { failoverRunGuards } from '../shared/run-guard.ts';
import { updateDns } from './update-dns.ts';

const { logger, tracer } = powertools('update-dns');
const plan = loadDeployedPlan();
// Only the client the plan's strategy needs: the gate strategy never builds a Route 53 client.
const clients =
  plan.dns.strategy === 'gate'
    ? { cloudWatch: tracer.captureAWSv3Client(cloudWatchClient({ region: plan.regions.dr })) }
    : { route53: tracer.captureAWSv3Client(route53Client()) };

const sfn = tracer.captureAWSv3Client(sfnClient({ region: plan.regions.dr }));
/** The runs this container has verified past the point of no return live as long as it does. */
const runGuards = failoverRunGuards(sfn, plan);

async function switchDns(event: unknown, context: Context): Promise<DnsOutput> {
  const input = parseTaskInput(dnsInputSchema, event, 'update-dns');
  const pastPointOfNoReturn = runGuards.guardFor(context.invokedFunctionArn);
  return updateDns({ plan, ...clients, pastPointOfNoReturn, now: () => new Date(), logger }, input);
}

export const handler = middy(switchDns)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
