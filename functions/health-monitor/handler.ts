import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { cloudWatchClient, ecsClient, rdsClient, route53Client, sfnClient } from '../shared/clients.ts';
import {
  type AssessOutput,
  assessInputSchema,
  type ConfirmOutput,
  confirmInputSchema,
  type PreflightOutput,
  parseTaskInput,
  preflightInputSchema,
  type VerifyOutput,
  verifyInputSchema,
} from '../shared/contracts.ts';
import { createDnsLookup } from '../shared/dns-lookup.ts';
import { createHttpProbe } from '../shared/http-probe.ts';
import { loadDeployedPlan } from '../shared/plan.ts';
import { CORRELATION_ID_PATH, powertools } from '../shared/powertools.ts';
import * as z from '../shared/validator.ts';
import { assess } from './assess.ts';
import { confirm } from './confirm.ts';
import { monitor } from './monitor.ts';
import type { MonitorReport } from './monitor-report.ts';
import type { HealthMonitorPorts } from './ports.ts';
import { preflight } from './preflight.ts';
import { detectionRegionOutsideDr } from './read-trigger.ts';
import { verify } from './verify.ts';

const { logger, tracer } = powertools('health-monitor');
const plan = loadDeployedPlan();
const detectionRegion = detectionRegionOutsideDr(plan);
const ports: HealthMonitorPorts = {
  plan,
  rds: tracer.captureAWSv3Client(rdsClient({ region: plan.regions.dr })),
  primaryRds: tracer.captureAWSv3Client(rdsClient({ region: plan.regions.primary, bestEffort: true })),
  cloudWatch: tracer.captureAWSv3Client(cloudWatchClient({ region: plan.regions.dr })),
  // The fast-path detection alarm (us-east-1), read for the run's detection time: best effort.
  ...(detectionRegion === null
    ? {}
    : {
        detectionCloudWatch: tracer.captureAWSv3Client(
          cloudWatchClient({ region: detectionRegion, bestEffort: true }),
        ),
      }),
  ecs: tracer.captureAWSv3Client(ecsClient({ region: plan.regions.dr })),
  // The gate strategy reads traffic in the DR region: no Route 53 client at all.
  ...(plan.dns.strategy === 'gate' ? {} : { route53: tracer.captureAWSv3Client(route53Client()) }),
  sfn: tracer.captureAWSv3Client(sfnClient({ region: plan.regions.dr })),
  probe: createHttpProbe(),
  lookup: createDnsLookup(),
  now: () => new Date(),
  logger,
};

/** Scheduled events carry no `operation`: they run the monitor. */
const routeSchema = z.object({
  operation: z._default(z.enum(['monitor', 'preflight', 'confirm', 'assess', 'verify']), 'monitor'),
});

async function observe(
  event: unknown,
): Promise<MonitorReport | PreflightOutput | ConfirmOutput | AssessOutput | VerifyOutput> {
  // A scheduled event or a state-machine task: always an object; null, 42 or a list is refused.
  const { operation } = parseTaskInput(routeSchema, event, 'health-monitor');
  switch (operation) {
    case 'preflight':
      return preflight(ports, parseTaskInput(preflightInputSchema, event, 'health-monitor preflight'));
    case 'confirm':
      return confirm(ports, parseTaskInput(confirmInputSchema, event, 'health-monitor confirm'));
    case 'assess':
      parseTaskInput(assessInputSchema, event, 'health-monitor assess');
      return assess(ports);
    case 'verify':
      parseTaskInput(verifyInputSchema, event, 'health-monitor verify');
      return verify(ports);
    case 'monitor':
      return monitor(ports);
  }
}

export const handler = middy(observe)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }));
