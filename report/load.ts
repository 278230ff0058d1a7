import { readBoundedText } from '../plan/bounded-read.ts';
import { InvalidInputError } from '../plan/errors.ts';
import { describeIssues } from '../plan/issues.ts';
import { escapeControlCharacters } from '../plan/value-preview.ts';
import { type RunReport, runReportSchema } from './schema.ts';

/** Far above any real report (a 10 + 50 failover's is about 200 KB); a wrong file is refused unread. */
export const REPORT_SIZE_LIMIT_BYTES = 32 * 1024 * 1024;
const PROBLEMS_SHOWN = 10;

/** Validates a parsed run report; the error names every field that does not match and what was found. */
export function parseRunReport(document: unknown, source = 'report'): RunReport {
  const result = runReportSchema.safeParse(document, { reportInput: true });
  if (result.success) return result.data;
  const described = describeIssues(result.error.issues);
  const problems = described.slice(0, PROBLEMS_SHOWN).map((issue) => issue.text);
  const more = described.length > problems.length ? `\n  - … ${described.length - problems.length} more` : '';
  throw new InvalidInputError(
    `${escapeControlCharacters(source)} is not a valid drctl run report:\n  - ${problems.join('\n  - ')}${more}`,
    described[0]?.field,
  );
}

export function readRunReportFile(path: string): RunReport {
  const name = escapeControlCharacters(path);
  const text = readLimited(path, name);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // A stack overflow here would be a nesting bomb; V8's parser says so in its message.
    throw new InvalidInputError(
      `${name} is not valid JSON: ${escapeControlCharacters((error as Error).message)}`,
    );
  }
  return parseRunReport(document, path);
}

function readLimited(path: string, name: string): string {
  return readBoundedText(path, REPORT_SIZE_LIMIT_BYTES, (failure) => {
    if (failure.kind === 'too-large') {
      return new InvalidInputError(
        `${name} is over ${REPORT_SIZE_LIMIT_BYTES / (1024 * 1024)} MiB: not a drctl run report`,
      );
    }
    return new InvalidInputError(
      `cannot read ${name}: ${failure.kind === 'folder' ? 'it is a folder' : failure.reason}`,
    );
  });
}
