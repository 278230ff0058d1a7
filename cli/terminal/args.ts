import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { DrError, InvalidInputError } from '../../plan/errors.ts';
import { InterruptedError, interruptExitCode } from './interrupt.ts';
import { safeMessage, safeText } from './safe-text.ts';

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
  settings: { positionals?: boolean } = {},
): { values: Parsed<T>; positionals: string[] } | { exitCode: number } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: settings.positionals ?? false,
      strict: true,
    });
    return { values: values as Parsed<T>, positionals };
  } catch (error) {
    console.error(`drctl ${command}: ${safeMessage((error as Error).message)}\n\n${help}`);
    return { exitCode: USAGE_ERROR };
  }
}

/**
 * A whole number within bounds, written in plain decimal digits: `0x10`, ` 7 `, `1e3`, `+5`,
 * `07` and the empty string are refused (Number() would take them all), with the allowed form.
 */
export function integerOption(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = /^(0|[1-9]\d{0,15})$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidInputError(
      `--${flag}: expected a whole number from ${min} to ${max}, in plain digits (like ${Math.min(max, Math.max(min, 10))}); found "${safeText(text)}"`,
      flag,
    );
  }
  return value;
}

/**
 * Runs a command body and turns the errors people cause (bad input, invalid plan, missing
 * credentials) into a clear message and exit 2; other family errors exit 1 with their message;
 * an interrupt exits 130 (SIGINT) or 143 (SIGTERM) once the body has said what it stopped.
 */
export async function guarded(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof InterruptedError) {
      console.error(`drctl ${command}: interrupted by ${error.signal}`);
      return interruptExitCode(error.signal);
    }
    if (error instanceof DrError) {
      console.error(`drctl ${command}: ${safeMessage(error.message)}`);
      return isInputError(error) ? USAGE_ERROR : 1;
    }
    throw error;
  }
}

function isInputError(error: DrError): boolean {
  return ['InvalidInputError', 'InvalidPlanError', 'ConfigurationError'].includes(error.name);
}
