import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../plan/errors.ts';
import {
  allStates,
  CHILD_MACHINES,
  childStateMachineArns,
  FAILOVER_CHILDREN,
  FUNCTION_KEYS,
  type FunctionArns,
  loadChildDefinition,
  loadFailoverDefinition,
  readFailoverAsl,
  START_CHILD_RESOURCE,
  type StateDefinition,
  SUBSTITUTION_NAMES,
  substitutionsFor,
  taskFunctions,
} from '../../../statemachines/definition.ts';

const arns = Object.fromEntries(
  FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-west-2:111111111111:function:shop-${key}`]),
) as FunctionArns;
const childArns = childStateMachineArns(
  'arn:aws:states:us-west-2:111111111111:stateMachine:shop-failover',
  FAILOVER_CHILDREN,
);

/** The failover's states and its children's (each polling loop runs in a child execution). */
const familyStates = (): [string, StateDefinition][] => [
  ...allStates(loadFailoverDefinition(arns, childArns)),
  ...FAILOVER_CHILDREN.flatMap((child) => allStates(loadChildDefinition(child, substitutionsFor(arns)))),
];

describe('failover.asl.json', () => {
  it('is valid ASL once its placeholders are resolved', () => {
    // Prepare
    const definition = loadFailoverDefinition(arns, childArns);

    // Act: asl-validator mutates its input, so it gets a copy
    const { isValid, errorsText } = aslValidator(structuredClone(definition));

    // Assess
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it("leaves only the function ARNs and its two children's ARNs as substitutions", () => {
    // Prepare
    const text = readFailoverAsl();

    // Act
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));

    // Assess
    // scale-service is invoked by the scale-service child only
    expect([...placeholders].sort()).toEqual(
      [
        ...Object.values(SUBSTITUTION_NAMES).filter((name) => name !== SUBSTITUTION_NAMES.scaleService),
        CHILD_MACHINES.promoteDatabase.substitution,
        CHILD_MACHINES.scaleService.substitution,
      ].sort(),
    );
  });

  it("runs each database's promotion poll and each service's scaling in a child execution that re-raises its error", () => {
    // Prepare
    const states = Object.fromEntries(allStates(loadFailoverDefinition(arns, childArns)));

    // Act
    const starts = [states.PromoteDatabase, states.ScaleService];

    // Assess: no Wait loop left in the parent's Maps; a failed child's Error comes back as the
    // iteration's error (the Recover Catch and AssessChanges see the same names as before).
    expect(states.WaitForPromotion).toBeUndefined();
    expect(states.WaitForTasks).toBeUndefined();
    for (const start of starts) {
      expect(start?.Resource).toBe(START_CHILD_RESOURCE);
      expect(start?.Catch?.[0]).toMatchObject({ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error' });
      expect(start?.Parameters).toMatchObject({
        Input: { 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
      });
    }
    expect(states.PromoteDatabaseChildFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.child.Error' });
    expect(states.ScaleServiceChildFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.child.Error' });
  });

  it('gives every Task state a Retry for throttling and transient errors with jitter, and a Catch', () => {
    // (Retries that wait for a state, such as EndpointUnhealthyError while DNS moves, poll at a
    // fixed interval: jitter only spreads callers that compete.)
    // Prepare
    const all = familyStates().filter(([, state]) => state.Type === 'Task');
    const tasks = all.filter(([, state]) => state.Resource !== START_CHILD_RESOURCE);
    const childStarts = all.filter(([, state]) => state.Resource === START_CHILD_RESOURCE);

    // Act
    const unretriedStarts = childStarts.flatMap(([name, state]) =>
      (state.Retry ?? []).some(
        (r) =>
          r.ErrorEquals.includes('StepFunctions.ExecutionLimitExceeded') &&
          (r as { JitterStrategy?: string }).JitterStrategy === 'FULL',
      ) && (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL'))
        ? []
        : [name],
    );
    const missing = tasks.flatMap(([name, state]) => {
      const retried = new Set((state.Retry ?? []).flatMap((r) => r.ErrorEquals));
      const jittered = (state.Retry ?? [])
        .filter((r) => r.ErrorEquals.includes('ThrottledError'))
        .every((r) => (r as { JitterStrategy?: string }).JitterStrategy === 'FULL');
      const caught = (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL'));
      return [
        ...(retried.has('ThrottledError') && retried.has('TransientError') ? [] : [`${name}: Retry`]),
        ...(jittered ? [] : [`${name}: jitter`]),
        ...(caught ? [] : [`${name}: Catch`]),
      ];
    });

    // Assess
    expect(tasks.length).toBeGreaterThanOrEqual(10);
    expect(missing).toEqual([]);
    expect(childStarts).toHaveLength(2);
    expect(unretriedStarts).toEqual([]);
  });

  it('matches only error names that exist in the error family (or are AWS-defined)', () => {
    // Prepare
    const family = new Set(Object.keys(errors).filter((name) => name.endsWith('Error')));
    const states = familyStates();

    // Act
    const named = states.flatMap(([, state]) => [
      ...(state.Retry ?? []).flatMap((r) => r.ErrorEquals),
      ...(state.Catch ?? []).flatMap((c) => c.ErrorEquals),
    ]);
    const unknown = [...new Set(named)].filter(
      (name) =>
        !family.has(name) &&
        !name.startsWith('States.') &&
        !name.startsWith('Lambda.') &&
        !name.startsWith('StepFunctions.'),
    );

    // Assess
    expect(unknown).toEqual([]);
  });

  it("maps every Task state to one of the functions (the children's Tasks too)", () => {
    // Prepare
    const definitions = [
      loadFailoverDefinition(arns, childArns),
      ...FAILOVER_CHILDREN.map((child) => loadChildDefinition(child, substitutionsFor(arns))),
    ];

    // Act
    const functions = Object.assign({}, ...definitions.map((definition) => taskFunctions(definition, arns)));

    // Assess
    expect(new Set(Object.values(functions))).toEqual(new Set(FUNCTION_KEYS));
    expect(functions.StartPromotion).toBe('promoteReplica');
    expect(functions.CheckDnsSync).toBe('updateDns');
  });

  it('handles databases and services concurrently and never sleeps in a Task', () => {
    // Prepare
    const states = Object.fromEntries(familyStates());

    // Act
    const recover = states.Recover;
    const maps = [states.PromoteDatabases, states.ScaleServices];

    // Assess
    expect(recover?.Type).toBe('Parallel');
    // Promotions, scale-ups, the started notice (never on the critical path) and the fencing.
    expect(recover?.Branches).toHaveLength(4);
    expect(Object.keys(recover?.Branches?.[2]?.States ?? {})).toContain('NotifyStarted');
    for (const map of maps) {
      expect(map?.Type).toBe('Map');
      expect(map?.MaxConcurrency).toBe(0);
    }
    expect(states.WaitForPromotion?.Type).toBe('Wait');
    expect(states.WaitForTasks?.Type).toBe('Wait');
    expect(states.WaitForDnsSync?.Type).toBe('Wait');
  });
});
