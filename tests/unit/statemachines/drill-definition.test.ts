import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../plan/errors.ts';
import {
  allStates,
  CHILD_MACHINES,
  DRILL_FUNCTION_KEYS,
  DRILL_SUBSTITUTION_NAMES,
  loadDrillDefinition,
  readDrillAsl,
  START_CHILD_RESOURCE,
  type StateDefinition,
  taskFunctions,
} from '../../../statemachines/definition.ts';
import { DRILL_ARNS, DRILL_CHILD_ARNS, drillChildren, plan } from './support/drill-harness.ts';

/** The drill's states and its children's (each copy's promotion, each service's scaling). */
const states = () =>
  Object.fromEntries([
    ...allStates(loadDrillDefinition(DRILL_ARNS, plan, DRILL_CHILD_ARNS)),
    ...Object.values(drillChildren()).flatMap(allStates),
  ]);

describe('drill.asl.json', () => {
  it('is valid ASL once its placeholders are resolved', () => {
    // Prepare
    const definition = loadDrillDefinition(DRILL_ARNS, plan, DRILL_CHILD_ARNS);

    // Act: asl-validator mutates its input, so it gets a copy
    const { isValid, errorsText } = aslValidator(structuredClone(definition));

    // Assess
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('takes its execution timeout from drills.timeoutMinutes and leaves only its functions and children as substitutions', () => {
    // Prepare
    const short = { drills: { ...plan.drills, timeoutMinutes: 45 } };

    // Act
    const text = readDrillAsl(short);
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));

    // Assess
    expect(JSON.parse(text).TimeoutSeconds).toBe(2700);
    expect(loadDrillDefinition(DRILL_ARNS, plan, DRILL_CHILD_ARNS).TimeoutSeconds).toBe(
      plan.drills.timeoutMinutes * 60,
    );
    // scale-service is invoked by the drill's scale-service child, not by the drill itself
    expect([...placeholders].sort()).toEqual(
      [
        DRILL_SUBSTITUTION_NAMES.drill,
        DRILL_SUBSTITUTION_NAMES.notify,
        CHILD_MACHINES.promoteCopy.substitution,
        CHILD_MACHINES.scaleService.substitution,
      ].sort(),
    );
  });

  it('invokes only the drill function, scale-service and notify', () => {
    // Prepare
    const definitions = [
      loadDrillDefinition(DRILL_ARNS, plan, DRILL_CHILD_ARNS),
      ...Object.values(drillChildren()),
    ];

    // Act
    const functions = Object.assign(
      {},
      ...definitions.map((definition) => taskFunctions(definition, DRILL_ARNS)),
    );

    // Assess
    expect(new Set(Object.values(functions))).toEqual(new Set(DRILL_FUNCTION_KEYS));
    expect(functions.StartScaling).toBe('scaleService');
    expect(functions.PromoteCopy).toBe('drill');
  });

  it('retries every Task as the failover does (20 attempts, FULL jitter on throttling and 5xx) and catches it', () => {
    // Prepare
    const tasks = Object.entries(states()).filter(
      ([, state]) => state.Type === 'Task' && state.Resource !== START_CHILD_RESOURCE,
    );

    // Act
    const retries = tasks.map(([name, state]) => {
      const transient = (state.Retry ?? []).find((r) => r.ErrorEquals.includes('ThrottledError')) as
        | { ErrorEquals: string[]; MaxAttempts?: number; JitterStrategy?: string }
        | undefined;
      return {
        name,
        transient: transient?.ErrorEquals.includes('TransientError') ?? false,
        attempts: transient?.MaxAttempts,
        jitter: transient?.JitterStrategy,
        caught: (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL')),
      };
    });

    // Assess: the started notice alone retries less, because the Parallel (and the RTO) waits for it
    expect(tasks.length).toBeGreaterThanOrEqual(20);
    for (const retry of retries) {
      expect(retry, retry.name).toMatchObject({
        transient: true,
        attempts: retry.name === 'NotifyDrillStarted' ? 3 : 20,
        jitter: 'FULL',
        caught: true,
      });
    }
  });

  it('sends every step after preflight to the cleanup when it fails', () => {
    // Prepare
    const all = states();
    const stepsBeforeCleanup = [
      'Sweep',
      'CheckSweep',
      'CreateCopies',
      'CheckCopies',
      'DeclareOutage',
      'Recover',
      'SwitchDrillName',
      'CheckDrillGate',
      'VerifyThroughDrillName',
      'MeasureDataLoss',
    ];

    // Act
    const targets = stepsBeforeCleanup.map((name) => catchTarget(all[name]));
    const timeouts = ['SweepTimedOut', 'CopiesTimedOut', 'DrillNameSwitchTimedOut'].map(
      (name) => all[name]?.Next,
    );

    // Assess
    expect(targets).toEqual(stepsBeforeCleanup.map(() => 'Cleanup'));
    expect(timeouts).toEqual(['Cleanup', 'Cleanup', 'Cleanup']);
    expect(catchTarget(all.Cleanup, '$.cleanupError')).toBe('DrillVerdict');
    expect(catchTarget(all.CheckCleanup, '$.cleanupError')).toBe('DrillVerdict');
  });

  it('matches only error names of the error family (or AWS-defined ones) and ends with the drill errors', () => {
    // Prepare
    const family = new Set(Object.keys(errors).filter((name) => name.endsWith('Error')));
    const all = states();

    // Act
    const named = Object.values(all).flatMap((state) => [
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
    for (const name of [
      'DrillRefusedError',
      'DrillFailedError',
      'ObjectiveMissedError',
      'CleanupIncompleteError',
    ]) {
      expect(family.has(name), name).toBe(true);
    }
    expect(all.DrillFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.verdict.error' });
  });

  it('runs the recovery as the failover does: copies and services at once, the started notice beside them', () => {
    // Prepare
    const all = states();

    // Act
    const recover = all.Recover;

    // Assess
    expect(recover?.Type).toBe('Parallel');
    expect(recover?.Branches?.map((b) => b.StartAt)).toEqual([
      'PromoteCopies',
      'ScaleServices',
      'NotifyDrillStarted',
    ]);
    expect(all.PromoteCopies?.MaxConcurrency).toBe(0);
    expect(all.ScaleServices?.MaxConcurrency).toBe(0);
    expect(all.WaitForCopyPromotion?.SecondsPath).toBe('$.timing.promotionPollSeconds');
    // each copy's promotion and each service's scaling polls in a child execution of its own
    expect(all.PromoteDrillCopy?.Resource).toBe(START_CHILD_RESOURCE);
    expect(all.ScaleService?.Resource).toBe(START_CHILD_RESOURCE);
    expect(all.WaitForCopies?.SecondsPath).toBe('$.preflight.timing.copyPollSeconds');
    expect(all.WaitForCleanup?.SecondsPath).toBe('$.preflight.timing.copyPollSeconds');
  });
});

function catchTarget(state: StateDefinition | undefined, path = '$.error'): string | undefined {
  return state?.Catch?.find((c) => c.ErrorEquals.includes('States.ALL') && c.ResultPath === path)?.Next;
}
