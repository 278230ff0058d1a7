import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { DrError, InvalidInputError } from '../../plan/errors.ts';

/**
 * Strict option parsing shared by the commands: an unknown flag, a missing value or a stray
 * argument is a usage error (exit 2 with the command's help), never silently ignored.
 */
export const USAGE_ERROR = 2;

export type Parsed<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: false; strict: true }>
>['values'];

export function parseCommandArgs<T extends ParseArgsOptionsConfig>(
  command: string,
  args: string[],
  options: T,
  help: string,
): { values: Parsed<T> } | { exitCode: number } {
  try {
    const { values } = parseArgs({ args, options, allowPositionals: false, strict: true });
    return { values: values as Parsed<T> };
  } catch (error) {
    console.error(`drctl ${command}: ${(error as Error).message}\n\n${help}`);
    return { exitCode: USAGE_ERROR };
  }
}

/** A whole number within bounds, or a usage error naming the flag. */
export function integerOption(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(
      `--${flag}: expected a whole number from ${min} to ${max}, found "${text}"`,
      flag,
    );
  }
  return value;
}

/**
 * Runs a command body and turns the errors people cause (bad input, invalid plan, missing
 * credentials) into a clear message and exit 2; other family errors exit 1 with their message.
 */
export async function guarded(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof DrError) {
      console.error(`drctl ${command}: ${error.message}`);
      return isInputError(error) ? USAGE_ERROR : 1;
    }
    throw error;
  }
}

function isInputError(error: DrError): boolean {
  return ['InvalidInputError', 'InvalidPlanError', 'ConfigurationError'].includes(error.name);
}
