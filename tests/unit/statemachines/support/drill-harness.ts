import { StateMachine } from 'aws-local-stepfunctions';
import { drillVerdict } from '../../../../functions/drill/verdict.ts';
import { verdictInputSchema } from '../../../../functions/shared/drill-contracts.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import type { Plan } from '../../../../plan/schema.ts';
import {
  allStates,
  childStateMachineArns,
  DRILL_CHILDREN,
  DRILL_FUNCTION_KEYS,
  type DrillFunctionArns,
  type DrillFunctionKey,
  drillSubstitutionsFor,
  loadChildDefinition,
  loadDrillDefinition,
  type StateMachineDefinition,
  taskFunctions,
} from '../../../../statemachines/definition.ts';
import { childTaskHandlers } from './child-runner.ts';

export const DRILL_ARNS = Object.fromEntries(
  DRILL_FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-west-2:111111111111:function:shop-${key}`]),
) as DrillFunctionArns;
export const DRILL_MACHINE_ARN = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-drill';
export const DRILL_CHILD_ARNS = childStateMachineArns(DRILL_MACHINE_ARN, DRILL_CHILDREN);
/** The drill's child definitions, by ARN. */
export const drillChildren = (): Record<string, StateMachineDefinition> =>
  Object.fromEntries(
    DRILL_CHILDREN.map((child) => [
      DRILL_CHILD_ARNS[child],
      loadChildDefinition(child, drillSubstitutionsFor(DRILL_ARNS)),
    ]),
  );
export const plan: Plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);

export const drillInput = () => ({
  mode: 'drill',
  reason: 'monthly drill',
  incidentId: 'DRILL-1',
  requestedBy: 'schedule:shop-drill-schedule',
});

/** A task's stand-in: gets the Task input (its Parameters), returns its result or throws. */
export type FakeTask = (input: Record<string, unknown>, calls: number) => unknown;

export interface DrillRun {
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: string | undefined;
  cause: string | undefined;
  /** Task (and rewritten) states in the order they ran, with their input. */
  tasks: { state: string; input: Record<string, unknown> }[];
}

/** A family error, as Lambda hands it to Step Functions (the name is what Retry and Catch match). */
export function failure(name: string, message = `${name} injected`): Error {
  const error = new Error(JSON.stringify({ errorType: name, errorMessage: message }));
  error.name = name;
  return error;
}

const timing = {
  copyPollSeconds: 30,
  copyMaxPolls: 4,
  sweepMaxPolls: 3,
  cleanupMaxPolls: 3,
  promotionPollSeconds: 10,
  promotionMaxPolls: 5,
  servicePollSeconds: 15,
  serviceMaxPolls: 5,
  dnsPollSeconds: 10,
  dnsMaxPolls: 5,
};

/**
 * What each op answers when a test does not say otherwise: a drill that goes well, each loop
 * taking one poll. The verdict is the real core (pure), so that the end states are judged as the
 * function judges them.
 */
export function happyOps(): Record<string, FakeTask> {
  const copy = (input: Record<string, unknown>) =>
    `${plan.databases.find((d) => d.id === input.databaseId)?.replica.identifier}-drill`;
  return {
    preflight: () => ({
      checkedAt: '2026-03-01T03:00:00.000Z',
      request: drillInput(),
      executionName: 'test-drill',
      drillRecord: 'drill.shop.example.com',
      databases: plan.databases.map((db) => ({
        id: db.id,
        copyIdentifier: `${db.replica.identifier}-drill`,
      })),
      services: plan.services.map((s) => ({
        id: s.id,
        cluster: s.cluster,
        service: s.service,
        desiredCount: 0,
        drDesiredCount: s.drDesiredCount,
      })),
      canary: { enabled: true, intervalSeconds: 5 },
      objectives: plan.objectives,
      timing,
    }),
    sweep: (input) => ({
      sweptAt: 'x',
      reason: input.reason,
      resources: [],
      done: true,
      attempt: Number(input.attempt) + 1,
    }),
    'create-copy': (input) => ({
      databaseId: input.databaseId,
      copyIdentifier: copy(input),
      status: 'creating',
    }),
    'copy-status': (input) => ({ copies: [], done: true, attempt: Number(input.attempt) + 1 }),
    'declare-outage': () => ({ outageAt: '2026-03-01T03:20:00.000Z' }),
    'promote-copy': (input) => ({
      databaseId: input.databaseId,
      copyIdentifier: copy(input),
      done: false,
      startedAt: '2026-03-01T03:20:01.000Z',
      lagAtPromotionSeconds: 1,
      lagObservedAt: null,
      attempt: 0,
    }),
    'promote-status': (input) => ({
      databaseId: input.databaseId,
      copyIdentifier: copy(input),
      done: true,
      startedAt: input.startedAt,
      lagAtPromotionSeconds: input.lagAtPromotionSeconds,
      attempt: Number(input.attempt) + 1,
    }),
    'scale-start': (input) => ({
      serviceId: input.serviceId,
      done: false,
      attempt: 0,
      startedAt: '2026-03-01T03:20:01.000Z',
    }),
    'scale-status': (input) => ({
      serviceId: input.serviceId,
      done: true,
      attempt: Number(input.attempt) + 1,
    }),
    'gate-close': () => ({
      done: false,
      attempt: 0,
      before: 'gate open',
      submittedAt: '2026-03-01T03:26:00.000Z',
    }),
    'gate-status': (input) => ({ done: true, attempt: Number(input.attempt) + 1, before: input.before }),
    verify: () => ({ verifiedAt: '2026-03-01T03:27:00.000Z', httpStatus: 200 }),
    'data-loss': () => ({ worst: { secondsLost: 4, writesLost: 1, basis: 'canary' } }),
    cleanup: (input) => ({
      resources: [],
      done: true,
      complete: true,
      leftBehind: [],
      attempt: Number(input.attempt) + 1,
    }),
    verdict: (input) => drillVerdict(plan, verdictInputSchema.parse(input)),
    notify: () => ({ subject: 'x', messageId: 'm' }),
  };
}

/** The op a Task input names: the drill's `op`, scale-service's operation, or notify. */
function opOf(key: DrillFunctionKey, input: Record<string, unknown>): string {
  if (key === 'notify') return 'notify';
  if (key === 'scaleService') return input.operation === 'start' ? 'scale-start' : 'scale-status';
  if (input.op === 'gate') return input.action === 'close' ? 'gate-close' : 'gate-status';
  return String(input.op);
}

/**
 * Runs statemachines/drill.asl.json with aws-local-stepfunctions, each Task answered by a fake
 * of its op: the flow (loops, catches, the cleanup on every path, the end states) is what these
 * tests look at; the functions' own tests and the world's cover what the ops do.
 */
export async function runDrill(
  overrides: Record<string, FakeTask> = {},
  input: unknown = drillInput(),
): Promise<DrillRun> {
  const definition = loadDrillDefinition(DRILL_ARNS, plan, DRILL_CHILD_ARNS);
  const children = drillChildren();
  const functions = Object.assign(
    taskFunctions(definition, DRILL_ARNS),
    ...Object.values(children).map((child) => taskFunctions(child, DRILL_ARNS)),
  ) as Record<string, DrillFunctionKey>;
  const ops = { ...happyOps(), ...overrides };
  const calls = new Map<string, number>();
  const tasks: DrillRun['tasks'] = [];
  const states = allStates(definition);
  const zeroed = (type: string) =>
    Object.fromEntries(states.filter(([, state]) => state.Type === type).map(([name]) => [name, 0]));
  const retried = Object.fromEntries(
    states
      .filter(([, state]) => state.Retry !== undefined)
      .map(([name, state]) => [name, state.Retry?.map(() => 0) ?? []]),
  );
  const handlers = Object.fromEntries(
    Object.entries(functions).map(([state, key]) => [
      state,
      async (event: Record<string, unknown>) => {
        tasks.push({ state, input: event });
        const op = opOf(key, event);
        const count = (calls.get(op) ?? 0) + 1;
        calls.set(op, count);
        const fake = ops[op];
        if (!fake) throw new Error(`no fake for op ${op}`);
        return fake(event, count) as never;
      },
    ]),
  );
  const events: { type: string; Error?: string; Cause?: unknown }[] = [];
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true } });
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: {
        ...handlers,
        ...childTaskHandlers(definition, children, handlers as never, events),
      } as never,
      waitTimeOverrides: zeroed('Wait'),
      retryIntervalOverrides: retried,
    },
    context: {
      Execution: {
        Id: `${DRILL_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:test-drill`,
        Name: 'test-drill',
      },
      StateMachine: { Id: DRILL_MACHINE_ARN, Name: 'shop-drill' },
    } as never,
  });
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event as never);
  })();
  try {
    const output = await execution.result;
    await collecting;
    return { status: 'SUCCEEDED', output, error: undefined, cause: undefined, tasks };
  } catch (error) {
    await collecting;
    const failed = events.find((event) => event.type === 'ExecutionFailed');
    return {
      status: 'FAILED',
      output: undefined,
      error: failed?.Error ?? (error as Error).name,
      cause: typeof failed?.Cause === 'string' ? failed.Cause : JSON.stringify(failed?.Cause),
      tasks,
    };
  }
}

export const statesRun = (run: DrillRun): string[] => run.tasks.map((task) => task.state);
