import { CANARY_SCHEMA, CANARY_TABLE } from '../../plan/names.ts';

/**
 * The SQL the endpoint understands: the shapes of the canary's statements (docs/local-world.md),
 * matched case-insensitively with any whitespace, identifiers bare or back-quoted, the table
 * with or without its schema, one trailing semicolon. Not a SQL engine: any other text is
 * `unknown` (error 1064 naming the statement's start).
 */
export type Statement =
  | { kind: 'empty' }
  | { kind: 'select-one' }
  | { kind: 'set-utc-time-zone' }
  | { kind: 'create-schema' }
  | { kind: 'create-table'; qualified: boolean }
  | { kind: 'insert-heartbeat'; qualified: boolean }
  /** `atOrBefore` is the literal of `WHERE written_at <= '...'`, as written. */
  | { kind: 'last-heartbeat'; qualified: boolean; atOrBefore: string | undefined }
  | { kind: 'unknown'; near: string };

const NEAR_LENGTH = 80;

const identifier = (name: string) => `(?:\`${name}\`|${name})`;
const SCHEMA = identifier(CANARY_SCHEMA);
/** Group 1 is set when the table is qualified with the schema. */
const TABLE = `(${SCHEMA} ?\\. ?)?${identifier(CANARY_TABLE)}`;
const COLUMN = (name: string) => identifier(name);

/** Patterns over the statement with whitespace runs collapsed to one space. */
const SHAPES: ReadonlyArray<{ pattern: RegExp; build: (match: RegExpMatchArray) => Statement }> = [
  { pattern: /^SELECT 1$/i, build: () => ({ kind: 'select-one' }) },
  {
    pattern: /^SET (?:SESSION |@@SESSION ?\. ?|@@)?time_zone ?= ?'\+00:00'$/i,
    build: () => ({ kind: 'set-utc-time-zone' }),
  },
  {
    pattern: new RegExp(`^CREATE (?:DATABASE|SCHEMA) IF NOT EXISTS ${SCHEMA}$`, 'i'),
    build: () => ({ kind: 'create-schema' }),
  },
  {
    pattern: new RegExp(
      `^CREATE TABLE IF NOT EXISTS ${TABLE} ?\\( ?${COLUMN('seq')} BIGINT AUTO_INCREMENT PRIMARY KEY ?, ?` +
        `${COLUMN('written_at')} TIMESTAMP ?\\( ?3 ?\\) NOT NULL ?\\)$`,
      'i',
    ),
    build: (match) => ({ kind: 'create-table', qualified: match[1] !== undefined }),
  },
  {
    pattern: new RegExp(
      `^INSERT INTO ${TABLE} ?\\( ?${COLUMN('written_at')} ?\\) ?VALUES? ?\\( ?NOW ?\\( ?3 ?\\) ?\\)$`,
      'i',
    ),
    build: (match) => ({ kind: 'insert-heartbeat', qualified: match[1] !== undefined }),
  },
  {
    pattern: new RegExp(
      `^SELECT ${COLUMN('seq')} ?, ?${COLUMN('written_at')} FROM ${TABLE}` +
        `(?: WHERE ${COLUMN('written_at')} ?<= ?'([^']*)')? ORDER BY ${COLUMN('seq')} DESC LIMIT 1$`,
      'i',
    ),
    build: (match) => ({ kind: 'last-heartbeat', qualified: match[1] !== undefined, atOrBefore: match[2] }),
  },
];

export function parseStatement(sql: string): Statement {
  const trimmed = sql.trim().replace(/;\s*$/, '').trim();
  if (trimmed === '') return { kind: 'empty' };
  const collapsed = trimmed.replace(/\s+/g, ' ');
  for (const shape of SHAPES) {
    const match = collapsed.match(shape.pattern);
    if (match) return shape.build(match);
  }
  return { kind: 'unknown', near: trimmed.slice(0, NEAR_LENGTH) };
}

/**
 * A TIMESTAMP literal ('YYYY-MM-DD[ HH:MM:SS[.ffffff]]', space or T) in UTC (the session's
 * time zone is +00:00) → epoch ms, rounded down (written_at has ms precision, so `<=` holds for
 * the same rows). Undefined when it is not a valid date and time.
 */
export function parseTimestampLiteral(literal: string): number | undefined {
  const match = literal.match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const at = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const back = new Date(at);
  const valid =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  return valid ? at : undefined;
}

/** written_at as MySQL prints a TIMESTAMP(3) in UTC: 'YYYY-MM-DD HH:MM:SS.mmm'. */
export function formatTimestamp(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').replace('Z', '');
}
