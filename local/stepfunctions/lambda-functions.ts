import { randomUUID } from 'node:crypto';
import type { FunctionArns, FunctionKey } from '../../statemachines/definition.ts';
import type { SimClock } from '../clock.ts';
import { invocationTimes } from './invocation-time.ts';

/**
 * The failover's Lambda handlers, loaded in process. They read their configuration
 * (DRCTL_PLAN_FILE, DRCTL_TOPIC_ARN, AWS_ENDPOINT_URL, AWS_REGION) once at import, so the world
 * sets those before it imports them; each world gets fresh module instances (a distinct import
 * URL, see assembly/handlers.ts).
 */
export const FUNCTION_DIRECTORIES: Record<FunctionKey, string> = {
  healthMonitor: 'health-monitor',
  promoteReplica: 'promote-replica',
  scaleService: 'scale-service',
  updateDns: 'update-dns',
  notify: 'notify',
  approval: 'approval',
  fencePrimary: 'fence-primary',
};

export type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;
export type Invoke = (event: unknown) => Promise<unknown>;

/** Lambda function ARNs of the world's functions (in the DR region, where the orchestrator runs). */
export function functionArns(region: string, account: string, planName: string): FunctionArns {
  const arn = (key: FunctionKey) =>
    `arn:aws:lambda:${region}:${account}:function:${planName}-${FUNCTION_DIRECTORIES[key]}`;
  return {
    healthMonitor: arn('healthMonitor'),
    promoteReplica: arn('promoteReplica'),
    scaleService: arn('scaleService'),
    updateDns: arn('updateDns'),
    notify: arn('notify'),
    approval: arn('approval'),
    fencePrimary: arn('fencePrimary'),
  };
}

export interface LoadedFunctions {
  functions: Record<FunctionKey, Invoke>;
  /** Handlers that could not be imported (invoking them fails with the reason). */
  problems: string[];
}

export async function loadFunctions(arns: FunctionArns, generation: string): Promise<LoadedFunctions> {
  const problems: string[] = [];
  const entries = await Promise.all(
    (Object.keys(FUNCTION_DIRECTORIES) as FunctionKey[]).map(async (key) => {
      const url = new URL(`../../functions/${FUNCTION_DIRECTORIES[key]}/handler.ts`, import.meta.url);
      if (generation !== '') url.searchParams.set('world', generation);
      const where = `functions/${FUNCTION_DIRECTORIES[key]}/handler.ts`;
      try {
        const module = (await import(url.href)) as { handler?: LambdaHandler };
        const handler = module.handler;
        if (typeof handler !== 'function') throw new Error('it does not export a handler');
        return [key, invoker(handler, arns[key])] as const;
      } catch (error) {
        // The world still runs (its APIs do not need the functions); invoking this one fails clearly.
        const reason = `${where} could not be loaded: ${(error as Error).message}`;
        problems.push(reason);
        const unavailable: Invoke = async () => {
          throw Object.assign(new Error(reason), { name: 'FunctionUnavailable' });
        };
        return [key, unavailable] as const;
      }
    }),
  );
  return { functions: Object.fromEntries(entries) as Record<FunctionKey, Invoke>, problems };
}

/** Invokes a handler as Lambda does: a context object, a JSON round trip of the payload and result. */
export function invoker(handler: LambdaHandler, arn: string): Invoke {
  const functionName = arn.split(':').pop() as string;
  return async (event) => {
    const context = {
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: arn,
      memoryLimitInMB: '256',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `local/${functionName}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 60_000,
      done: () => {},
      fail: () => {},
      succeed: () => {},
    };
    try {
      // An Invoke without a payload gives the handler {}; an explicit JSON null stays null, as in Lambda.
      const received = event === undefined ? {} : JSON.parse(JSON.stringify(event));
      const result = await handler(received, context);
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      throw asLambdaError(error);
    }
  };
}

/**
 * Step Functions sees a failed Lambda invocation as Error = the error's type and Cause = the
 * JSON error document Lambda returns ({"errorType", "errorMessage", "trace"}).
 */
function asLambdaError(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const wrapped = new Error(
    JSON.stringify({
      errorType: original.name,
      errorMessage: original.message,
      trace: (original.stack ?? '').split('\n').slice(0, 10),
    }),
  );
  wrapped.name = original.name;
  return wrapped;
}

/**
 * The handlers as the world invokes them: each invocation holds the clock (its CPU time counts
 * at real speed, not `scale` times more), costs the modelled invocation overhead first, and has
 * its own timeline for the API calls it makes (see invocation-time.ts), so that concurrent
 * invocations overlap as they do in AWS.
 */
export function holdingTheClock<K extends string>(
  functions: Record<K, Invoke>,
  clock: SimClock,
  overheadMs: number,
): Record<K, Invoke> {
  const times = invocationTimes(clock, overheadMs);
  return Object.fromEntries(
    (Object.keys(functions) as K[]).map((key) => [
      key,
      (event: unknown) => times.run(() => functions[key](event)),
    ]),
  ) as Record<K, Invoke>;
}
