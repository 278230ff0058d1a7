import { cloudWatchApi } from '../cloudwatch/api.ts';
import type { WorldContext } from '../context.ts';
import { ecsApi } from '../ecs/api.ts';
import type { Endpoints } from '../endpoints.ts';
import { awsRequestListener, type RequestContext } from '../protocol/server.ts';
import { rdsApi } from '../rds/api.ts';
import { route53Api } from '../route53/api.ts';
import { snsApi } from '../sns/api.ts';
import { stepFunctionsApi } from '../stepfunctions/api.ts';
import type { StepFunctionsModel } from '../stepfunctions/executions.ts';
import { chargeApiLatency } from '../stepfunctions/invocation-time.ts';
import type { Cleanup } from './cleanup.ts';
import type { WorldModels } from './models.ts';

/** One answered AWS API request, as the world logs it. */
export interface AnsweredRequest {
  context: RequestContext;
  outcome: string;
  at: number;
}

/** How many answered requests the world keeps (the oldest go first). */
export const REQUEST_LOG_LIMIT = 5_000;

/**
 * Serves every service's API on the world's AWS endpoint. Each call first passes the faults'
 * gate (outages, throttling, 5xx, latency) and costs the modelled API latency.
 */
export function serveApis(
  context: WorldContext,
  parts: { models: WorldModels; stepFunctions: StepFunctionsModel; endpoints: Endpoints },
  cleanup: Cleanup,
): AnsweredRequest[] {
  const { clock, timings, plan } = context;
  const { models, stepFunctions, endpoints } = parts;
  const requests: AnsweredRequest[] = [];
  const listener = awsRequestListener({
    query: [rdsApi(models.rds), snsApi(models.sns)],
    objects: [ecsApi(models.ecs), cloudWatchApi(models.cloudWatch), stepFunctionsApi(stepFunctions)],
    restXml: [route53Api(models.route53, models.healthChecks)],
    gate: async (call) => {
      await chargeApiLatency(clock, call, timings.apiCallMs);
      await models.fault.gate(call);
    },
    defaultRegion: plan.regions.dr,
    onRequest: (request, outcome) => {
      requests.push({ context: request, outcome, at: clock.now() });
      if (requests.length > REQUEST_LOG_LIMIT) requests.splice(0, requests.length - REQUEST_LOG_LIMIT);
    },
  });
  const detach = endpoints.attach({ aws: listener, app: (role) => models.application.listener(role) });
  cleanup.add(detach);
  return requests;
}
