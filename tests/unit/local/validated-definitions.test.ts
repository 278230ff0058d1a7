import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { validatedInterpreter, validatedOnce } from '../../../local/stepfunctions/validated-definitions.ts';

/** A definition no earlier run can have cached (the disk cache outlives the process). */
function freshDefinition(): {
  Comment: string;
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
} {
  return {
    Comment: `validated-definitions test ${randomUUID()}`,
    StartAt: 'Done',
    States: { Done: { Type: 'Pass', Result: { ok: true }, End: true } },
  };
}

describe('definitions the world validates', () => {
  it('are validated once, and later get what the validator made of them', () => {
    // Prepare
    const validate = vi.fn((definition: ReturnType<typeof freshDefinition>) => {
      (definition.States.Done as Record<string, unknown>).QueryLanguage = 'JSONPath';
    });

    // Act
    const first = validatedOnce(freshDefinition(), validate);
    const again = validatedOnce(
      { ...first, States: { Done: { Type: 'Pass', Result: { ok: true }, End: true } } },
      validate,
    );
    const other = validatedOnce(freshDefinition(), validate);

    // Assess
    expect(validate).toHaveBeenCalledTimes(2);
    expect(first.States.Done?.QueryLanguage).toBe('JSONPath');
    expect(again).toEqual(first);
    expect(other.Comment).not.toBe(first.Comment);
  });

  it('refuse an invalid definition every time, and never cache it', () => {
    // Prepare
    const invalid = { ...freshDefinition(), StartAt: 'Missing' };

    // Act
    const attempts = [1, 2].map(() => {
      try {
        validatedInterpreter(structuredClone(invalid));
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    });

    // Assess
    for (const attempt of attempts) expect(attempt).toMatch(/State machine definition is invalid/);
  });

  it('give an interpreter that runs the validated definition', async () => {
    // Act
    const { interpreter } = validatedInterpreter(freshDefinition());
    const result = await interpreter.run({}).result;

    // Assess
    expect(result).toEqual({ ok: true });
  });
});
