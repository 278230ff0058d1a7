import { describe, expect, it } from 'vitest';
import { integerOption } from '../../../cli/terminal/args.ts';
import { InvalidInputError } from '../../../plan/errors.ts';

describe('integerOption: whole numbers in plain digits only', () => {
  it.each(['0x10', ' 7 ', '7 ', '1e3', '', '+5', '-1', '07', '1.0', '10_000', 'Infinity', '٣'])(
    'refuses %j with the allowed form',
    (text) => {
      // Act
      const parse = () => integerOption('scale', text, 1, 1000);

      // Assess
      expect(parse).toThrow(InvalidInputError);
      expect(parse).toThrow('--scale: expected a whole number from 1 to 1000, in plain digits (like 10)');
    },
  );

  it('takes plain digits within the bounds and nothing when the flag is absent', () => {
    // Act
    const values = ['1', '200', '1000'].map((text) => integerOption('scale', text, 1, 1000));

    // Assess
    expect(values).toEqual([1, 200, 1000]);
    expect(integerOption('seed', '0', 0, 10)).toBe(0);
    expect(integerOption('scale', undefined, 1, 1000)).toBeUndefined();
  });

  it('refuses a number the bounds do not allow, and escapes what it echoes', () => {
    // Act
    const tooLarge = () => integerOption('scale', '5000', 1, 1000);
    const escaped = () => integerOption('seed', '1\u001b[2J', 0, 10);

    // Assess
    expect(tooLarge).toThrow('found "5000"');
    expect(escaped).toThrow('found "1\\e[2J"');
  });
});
