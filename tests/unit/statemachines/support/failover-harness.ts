import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { validatedInterpreter } from '../../../../local/stepfunctions/validated-definitions.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import type { Plan } from '../../../../plan/schema.ts';
import {
  allStates,
  childStateMachineArns,
  FAILOVER_CHILDREN,
  FUNCTION_KEYS,
  type FunctionArns,
  type FunctionKey,
  loadChildDefinition,
  loadFailoverDefinition,
  substitutionsFor,
  taskFunctions,
} from '../../../../statemachines/definition.ts';
import { fakeLambdaContext } from '../../functions/lambda-context.ts';
import { childTaskHandlers } from './child-runner.ts';
import { currentRun, enclosingStates, recordEntered } from './run-events.ts';

/** An aws-local-stepfunctions event (the library does not export its type). */
export interface EventLog {
  type: string;
  [field: string]: unknown;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const ARNS = Object.fromEntries(
  FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-west-2:111111111111:function:shop-${key}`]),
) as FunctionArns;

export const STATE_MACHINE_ARN = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-failover';

const HANDLER_MODULES: Record<FunctionKey, string> = {
  healthMonitor: '../../../../functions/health-monitor/handler.ts',
  promoteReplica: '../../../../functions/promote-replica/handler.ts',
  scaleService: '../../../../functions/scale-service/handler.ts',
  updateDns: '../../../../functions/update-dns/handler.ts',
  notify: '../../../../functions/notify/handler.ts',
  approval: '../../../../functions/approval/handler.ts',
  fencePrimary: '../../../../functions/fence-primary/handler.ts',
};

export interface Harness {
  plan: Plan;
  /** Whether the DR application endpoint answers 200. */
  setDrServing(check: () => boolean): void;
  /** Whether the primary application endpoint answers 200 (default: it does not, it is down). */
  setPrimaryServing(serving: boolean): void;
  run(input: unknown): Promise<RunResult>;
  close(): Promise<void>;
}

export interface RunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: string | undefined;
  cause: string | undefined;
  /** Task state names in the order they were entered. */
  entered: string[];
  events: EventLog[];
}

/**
 * Runs statemachines/failover.asl.json with aws-local-stepfunctions and the five real handlers
 * in process (their AWS calls go to whatever aws-sdk-client-mock stubs the test installed).
 * Waits and retry intervals are cut to zero: the bounds and the order are what is tested here.
 */
export async function startHarness(options: { strategy?: Plan['dns']['strategy'] } = {}): Promise<Harness> {
  let drServing: () => boolean = () => true;
  let primaryServing = false;
  const server = createServer((req, res) => {
    const serving = req.url?.startsWith('/dr') ? drServing() : primaryServing;
    res.writeHead(serving ? 200 : 503).end(serving ? 'ok' : 'primary region down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
  plan.application.primary.healthUrl = `http://127.0.0.1:${port}/primary/health`;
  plan.application.dr.healthUrl = `http://127.0.0.1:${port}/dr/health`;
  if (options.strategy) plan.dns.strategy = options.strategy;
  const dir = mkdtempSync(join(tmpdir(), 'drctl-sfn-'));
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  process.env.DRCTL_PLAN_FILE = planFile;
  process.env.DRCTL_TOPIC_ARN = `arn:aws:sns:${plan.regions.dr}:111111111111:${plan.notifications.topicName}`;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  // A closed local port: DNS lookups fail at once and verify records the traffic as unknown.
  process.env.DRCTL_DNS_RESOLVER = '127.0.0.1:9';

  const handlers = Object.fromEntries(
    await Promise.all(
      FUNCTION_KEYS.map(async (key) => {
        const module = (await import(HANDLER_MODULES[key])) as { handler: Handler };
        return [key, module.handler] as const;
      }),
    ),
  ) as Record<FunctionKey, Handler>;

  const childArns = childStateMachineArns(STATE_MACHINE_ARN, FAILOVER_CHILDREN);
  const definition = loadFailoverDefinition(ARNS, childArns);
  const children = Object.fromEntries(
    FAILOVER_CHILDREN.map((child) => [childArns[child], loadChildDefinition(child, substitutionsFor(ARNS))]),
  );
  const functions = Object.assign(
    taskFunctions(definition, ARNS),
    ...Object.values(children).map((child) => taskFunctions(child, ARNS)),
  ) as Record<string, FunctionKey>;
  const states = allStates(definition);
  const around = enclosingStates(definition);
  const zero = (type: string) =>
    Object.fromEntries(states.filter(([, state]) => state.Type === type).map(([name]) => [name, 0]));
  const retried = Object.fromEntries(
    states
      .filter(([, state]) => state.Retry !== undefined)
      .map(([name, state]) => [name, state.Retry?.map(() => 0) ?? []]),
  );

  return {
    plan,
    setPrimaryServing(serving) {
      primaryServing = serving;
    },
    setDrServing(check) {
      drServing = check;
    },
    async run(input) {
      const entered: string[] = [];
      const events: EventLog[] = [];
      currentRun.events = [];
      const lambdaHandlers = Object.fromEntries(
        Object.entries(functions).map(([stateName, key]) => [
          stateName,
          async (event: unknown) => {
            entered.push(stateName);
            recordEntered(around.get(stateName) ?? [], stateName);
            return (await handlers[key](event, fakeLambdaContext)) as never;
          },
        ]),
      );
      const taskResourceLocalHandlers = {
        ...lambdaHandlers,
        ...childTaskHandlers(definition, children, lambdaHandlers as never, events),
      } as never;
      const machine = validatedInterpreter(definition).interpreter;
      const execution = machine.run(input as never, {
        overrides: {
          taskResourceLocalHandlers,
          waitTimeOverrides: zero('Wait'),
          retryIntervalOverrides: retried,
        },
        context: {
          Execution: {
            Id: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:test-execution`,
            Name: 'test-execution',
          },
          StateMachine: { Id: STATE_MACHINE_ARN, Name: 'shop-failover' },
        } as never,
      });
      const collecting = (async () => {
        for await (const event of execution.eventLogs) events.push(event as unknown as EventLog);
      })();
      try {
        const output = await execution.result;
        await collecting;
        return { status: 'SUCCEEDED', output, error: undefined, cause: undefined, entered, events };
      } catch (error) {
        await collecting;
        const failed = events.find((event) => event.type === 'ExecutionFailed') as
          | { Error?: string; Cause?: unknown }
          | undefined;
        return {
          status: 'FAILED',
          output: undefined,
          error: failed?.Error ?? (error as Error).name,
          cause: typeof failed?.Cause === 'string' ? failed.Cause : JSON.stringify(failed?.Cause),
          entered,
          events,
        };
      }
    },
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export const failoverInput = (mode: 'failover' | 'dry-run' = 'failover') => ({
  mode,
  reason: 'primary region us-east-1 unavailable',
  incidentId: 'INC-1234',
  requestedBy: 'alarm:shop-primary-health',
});
