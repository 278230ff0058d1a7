import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { sfnClient } from '../shared/clients.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { powertools } from '../shared/powertools.ts';
import { readEvidenceConfig } from './config.ts';
import { evidenceS3Client } from './s3-client.ts';
import { type EvidenceOutput, writeEvidence } from './write-evidence.ts';

const { logger, tracer } = powertools('evidence');
const plan = loadDeployedPlan();
const config = readEvidenceConfig(plan);
const sfn = tracer.captureAWSv3Client(sfnClient({ region: plan.regions.dr }));
const s3 = tracer.captureAWSv3Client(evidenceS3Client(plan.regions.dr));

async function run(event: unknown): Promise<EvidenceOutput> {
  return writeEvidence({ plan, sfn, s3, config, logger }, event);
}

/** EventBridge events carry their id; the execution's name is logged by the core. */
export const handler = middy(run)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: 'id' }));
