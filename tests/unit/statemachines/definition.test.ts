import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../plan/errors.ts';
import {
  allStates,
  FUNCTION_KEYS,
  type FunctionArns,
  loadFailoverDefinition,
  readFailoverAsl,
  SUBSTITUTION_NAMES,
  taskFunctions,
} from '../../../statemachines/definition.ts';

const arns = Object.fromEntries(
  FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-west-2:111111111111:function:shop-${key}`]),
) as FunctionArns;

describe('failover.asl.json', () => {
  it('is valid ASL once its placeholders are resolved', () => {
    // Prepare
    const definition = loadFailoverDefinition(arns);

    // Act: asl-validator mutates its input, so it gets a copy
    const { isValid, errorsText } = aslValidator(structuredClone(definition));

    // Assess
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('leaves only the five function ARNs as substitutions', () => {
    // Prepare
    const text = readFailoverAsl();

    // Act
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));

    // Assess
    expect([...placeholders].sort()).toEqual(Object.values(SUBSTITUTION_NAMES).sort());
  });

  it('gives every Task state a Retry for throttling and transient errors with jitter, and a Catch', () => {
    // (Retries that wait for a state, such as EndpointUnhealthyError while DNS moves, poll at a
    // fixed interval: jitter only spreads callers that compete.)
    // Prepare
    const tasks = allStates(loadFailoverDefinition(arns)).filter(([, state]) => state.Type === 'Task');

    // Act
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
  });

  it('matches only error names that exist in the error family (or are AWS-defined)', () => {
    // Prepare
    const family = new Set(Object.keys(errors).filter((name) => name.endsWith('Error')));
    const states = allStates(loadFailoverDefinition(arns));

    // Act
    const named = states.flatMap(([, state]) => [
      ...(state.Retry ?? []).flatMap((r) => r.ErrorEquals),
      ...(state.Catch ?? []).flatMap((c) => c.ErrorEquals),
    ]);
    const unknown = [...new Set(named)].filter(
      (name) => !family.has(name) && !name.startsWith('States.') && !name.startsWith('Lambda.'),
    );

    // Assess
    expect(unknown).toEqual([]);
  });

  it('maps every Task state to one of the five functions', () => {
    // Prepare
    const definition = loadFailoverDefinition(arns);

    // Act
    const functions = taskFunctions(definition, arns);

    // Assess
    expect(new Set(Object.values(functions))).toEqual(new Set(FUNCTION_KEYS));
    expect(functions.StartPromotion).toBe('promoteReplica');
    expect(functions.CheckDnsSync).toBe('updateDns');
  });

  it('handles databases and services concurrently and never sleeps in a Task', () => {
    // Prepare
    const states = Object.fromEntries(allStates(loadFailoverDefinition(arns)));

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
