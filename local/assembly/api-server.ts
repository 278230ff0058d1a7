import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callKindOf } from '../../functions/shared/call-kind.ts';
import { ROUTE53_CONTROL_PLANE_REGION } from '../../plan/names.ts';
import { cloudWatchApi } from '../cloudwatch/api.ts';
import type { WorldContext } from '../context.ts';
import { answerQuery } from '../dns/answers.ts';
import { ecsApi } from '../ecs/api.ts';
import type { Endpoints } from '../endpoints.ts';
import { lambdaApi } from '../lambda/api.ts';
import { isMutating, type MutationLedger } from '../mutations.ts';
import { awsRequestListener, type RequestContext } from '../protocol/server.ts';
import { rdsApi } from '../rds/api.ts';
import type { CountedKind, RequestCounts } from '../request-counts.ts';
import { route53Api } from '../route53/api.ts';
import { s3Api } from '../s3/api.ts';
import { secretsManagerApi } from '../secretsmanager/api.ts';
import { snsApi } from '../sns/api.ts';
import { ssmApi } from '../ssm/api.ts';
import { stepFunctionsApi } from '../stepfunctions/api.ts';
import type { StepFunctionsModel } from '../stepfunctions/executions.ts';
import { worldIdOf } from '../stepfunctions/invocation-marks.ts';
import { chargeApiLatency } from '../stepfunctions/invocation-time.ts';
import { stsApi } from '../sts/api.ts';
import type { Cleanup } from './cleanup.ts';
import type { WorldModels } from './models.ts';

/** One answered AWS API request, as the world logs it. */
export interface AnsweredRequest {
  context: RequestContext;
  outcome: string;
  at: number;
  /** drctl's call kind from the user agent, or 'outside'. */
  kind: CountedKind;
}

/** How many answered requests the world keeps (the oldest go first). */
export const REQUEST_LOG_LIMIT = 5_000;

/**
 * Serves every service's API on the world's AWS endpoint. Each call first passes the faults'
 * gate (outages, throttling, 5xx, latency) and costs the modelled API latency; every answer is
 * logged and counted (its call kind read from the user agent, as an auditor reads CloudTrail).
 */
export function serveApis(
  context: WorldContext,
  parts: {
    models: WorldModels;
    stepFunctions: StepFunctionsModel;
    endpoints: Endpoints;
    counts: RequestCounts;
    ledger: MutationLedger;
  },
  cleanup: Cleanup,
): AnsweredRequest[] {
  const { clock, timings, plan } = context;
  const { models, stepFunctions, endpoints, counts, ledger } = parts;
  const requests: AnsweredRequest[] = [];
  // The protocol layer knows the request's service and operation; the caller's user agent rides
  // along with the request's asynchronous context.
  const callers = new AsyncLocalStorage<CountedKind>();
  const listener = awsRequestListener({
    query: [rdsApi(models.rds), snsApi(models.sns), stsApi(context.account)],
    objects: [
      ecsApi(models.ecs),
      cloudWatchApi(models.cloudWatch),
      stepFunctionsApi(stepFunctions),
      ssmApi(models.ssm, context.account),
      secretsManagerApi(models.secrets),
    ],
    restXml: [route53Api(models.route53, models.healthChecks, models.cloudWatch)],
    raw: [s3Api(models.s3, context.account), lambdaApi(context, models.lambda)],
    gate: async (call) => {
      await chargeApiLatency(clock, call, timings.apiCallMs);
      await models.fault.gate(call);
    },
    defaultRegion: plan.regions.dr,
    onRequest: (request, outcome) => {
      const at = clock.now();
      const kind = callers.getStore() ?? 'outside';
      requests.push({ context: request, outcome, at, kind });
      if (isMutating(request.service, request.operation)) {
        ledger.record({
          at,
          service: request.service,
          region: request.service === 'route53' ? ROUTE53_CONTROL_PLANE_REGION : request.region,
          operation: request.operation,
          resources: request.resources ?? [],
          outcome,
          kind,
          caller: request.caller,
        });
      }
      if (requests.length > REQUEST_LOG_LIMIT) requests.splice(0, requests.length - REQUEST_LOG_LIMIT);
      counts.count(
        {
          service: request.service,
          // Route 53's API is one endpoint in us-east-1, whatever region the caller signs for.
          region: request.service === 'route53' ? ROUTE53_CONTROL_PLANE_REGION : request.region,
          operation: request.operation,
          kind,
          outcome,
        },
        at,
      );
    },
  });
  const counted = (req: IncomingMessage, res: ServerResponse) =>
    callers.run(callKindOfRequest(req), () => listener(req, res));
  const detach = endpoints.attach({
    world: worldIdOf(clock),
    aws: counted,
    app: (role) => models.application.listener(role),
    dns: (query) => answerQuery(query, { plan, route53: models.route53, now: () => clock.now() }),
  });
  cleanup.add(detach);
  return requests;
}

function callKindOfRequest(req: IncomingMessage): CountedKind {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(' ') : value;
  };
  return callKindOf(header('x-amz-user-agent')) ?? callKindOf(header('user-agent')) ?? 'outside';
}
