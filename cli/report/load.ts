import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../../plan/errors.ts';
import { fieldPath } from '../../plan/load.ts';
import { type RunReport, runReportSchema } from './schema.ts';

/** Validates a parsed run report; the error names every field that does not match and what was found. */
export function parseRunReport(document: unknown, source = 'report'): RunReport {
  const result = runReportSchema.safeParse(document, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 10).map((issue) => {
    const found = 'input' in issue ? `; found ${JSON.stringify(issue.input) ?? 'nothing'}` : '';
    return `${fieldPath(issue.path)}: ${issue.message}${found}`;
  });
  const more =
    result.error.issues.length > problems.length
      ? `\n  - … ${result.error.issues.length - problems.length} more`
      : '';
  const first = result.error.issues[0];
  throw new InvalidInputError(
    `${source} is not a valid drctl run report:\n  - ${problems.join('\n  - ')}${more}`,
    first ? fieldPath(first.path) : undefined,
  );
}

export function readRunReportFile(path: string): RunReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseRunReport(document, path);
}
