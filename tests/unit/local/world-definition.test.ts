import { describe, expect, it } from 'vitest';
import { interpreterFor } from '../../../local/stepfunctions/executions.ts';
import { functionArns } from '../../../local/stepfunctions/lambda-functions.ts';
import {
  PAYLOAD_KEY,
  RAW_INPUT_KEY,
  worldDefinition,
} from '../../../local/stepfunctions/world-definition.ts';
import {
  allStates,
  childStateMachineArns,
  FAILOVER_CHILDREN,
  loadFailoverDefinition,
} from '../../../statemachines/definition.ts';

const definition = () =>
  loadFailoverDefinition(
    functionArns('us-west-2', '111111111111', 'shop'),
    childStateMachineArns(
      'arn:aws:states:us-west-2:111111111111:stateMachine:shop-failover',
      FAILOVER_CHILDREN,
    ),
  );

describe('the definition the world runs', () => {
  it('turns every Wait into a Task of the same name and place, waited in simulated time', () => {
    // Prepare
    const registered = definition();
    const waits = allStates(registered).filter(([, state]) => state.Type === 'Wait');

    // Act
    const world = worldDefinition(registered);
    const rewritten = new Map(allStates(world.definition));

    // Assess
    expect(waits.length).toBeGreaterThan(0);
    for (const [name, wait] of waits) {
      expect(rewritten.get(name)).toMatchObject({ Type: 'Task', Next: wait.Next });
      expect(world.waits[name]).toBeDefined();
    }
  });

  it('keeps the registered definition as it was and moves every timeout to the world', () => {
    // Prepare
    const registered = definition();
    const before = JSON.stringify(registered);

    // Act
    const world = worldDefinition(registered);

    // Assess
    expect(JSON.stringify(registered)).toBe(before);
    expect(world.timeoutSeconds).toBe(registered.TimeoutSeconds);
    expect(world.definition.TimeoutSeconds).toBeUndefined();
    expect(world.tasks.Preflight?.timeoutSeconds).toBe(120);
    expect(
      Object.values(world.retryIntervalOverrides)
        .flat()
        .every((ms) => ms === 0),
    ).toBe(true);
  });

  it('wraps the Tasks inside a Map so that their input ties them to their iteration', () => {
    // Prepare
    const registered = definition();

    // Act
    const world = worldDefinition(registered);
    const startPromotion = new Map(allStates(world.definition)).get('StartPromotion');

    // Assess
    expect(world.tasks.StartPromotion?.wrapped).toBe(true);
    expect(world.tasks.Preflight?.wrapped).toBe(false);
    expect(Object.keys(startPromotion?.Parameters as object)).toEqual([PAYLOAD_KEY, `${RAW_INPUT_KEY}.$`]);
  });

  it('is a definition the interpreter accepts', () => {
    // Act
    const prepare = () => interpreterFor(definition());

    // Assess
    expect(prepare).not.toThrow();
  });
});
