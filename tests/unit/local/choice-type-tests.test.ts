import { describe, expect, it } from 'vitest';
import { withFalseTypeTestsNegated } from '../../../local/stepfunctions/choice-type-tests.ts';
import { validatedInterpreter } from '../../../local/stepfunctions/validated-definitions.ts';

/** A machine that answers which branch a Choice with a false type test took. */
function choiceMachine(rule: Record<string, unknown>) {
  return {
    StartAt: 'Pick',
    States: {
      Pick: { Type: 'Choice', Choices: [{ ...rule, Next: 'Matched' }], Default: 'Unmatched' },
      Matched: { Type: 'Pass', Result: 'matched', End: true },
      Unmatched: { Type: 'Pass', Result: 'unmatched', End: true },
    },
  };
}

async function branchTaken(rule: Record<string, unknown>, input: unknown): Promise<unknown> {
  const { interpreter } = validatedInterpreter(choiceMachine(rule));
  return interpreter.run(input as never).result;
}

describe('Choice rules with a false type test in the world', () => {
  it.each([
    ['IsPresent false, field absent', { Variable: '$.list[0]', IsPresent: false }, { list: [] }, 'matched'],
    [
      'IsPresent false, field present',
      { Variable: '$.list[0]', IsPresent: false },
      { list: [1] },
      'unmatched',
    ],
    ['IsNull false, a value', { Variable: '$.value', IsNull: false }, { value: 3 }, 'matched'],
    ['IsNull false, null', { Variable: '$.value', IsNull: false }, { value: null }, 'unmatched'],
    ['IsString false, a number', { Variable: '$.value', IsString: false }, { value: 3 }, 'matched'],
    [
      'IsPresent false inside And',
      {
        And: [
          { Variable: '$.a', IsPresent: true },
          { Variable: '$.b', IsPresent: false },
        ],
      },
      { a: 1 },
      'matched',
    ],
  ])('match as AWS documents them: %s', async (_name, rule, input, expected) => {
    // Act
    const taken = await branchTaken(rule, input);

    // Assess
    expect(taken).toBe(expected);
  });

  it('are rewritten at any depth, with Next and the other states untouched', () => {
    // Prepare
    const inner = choiceMachine({ Variable: '$.x', IsPresent: false });
    const definition = {
      StartAt: 'Each',
      States: {
        Each: { Type: 'Map', ItemProcessor: inner, End: true },
        Both: { Type: 'Parallel', Branches: [inner], End: true },
      },
    };

    // Act
    const rewritten = withFalseTypeTestsNegated(definition);

    // Assess
    const expected = [{ Not: { Variable: '$.x', IsPresent: true }, Next: 'Matched' }];
    expect(rewritten.States.Each.ItemProcessor.States.Pick.Choices).toEqual(expected);
    expect(rewritten.States.Both.Branches[0]?.States.Pick.Choices).toEqual(expected);
    expect(rewritten.States.Each.ItemProcessor.States.Matched).toEqual(inner.States.Matched);
    expect(definition.States.Each.ItemProcessor.States.Pick.Choices[0]).toHaveProperty('IsPresent', false);
  });
});
