import { CANARY_SCHEMA, CANARY_TABLE } from '../../plan/names.ts';
import type { PlanDatabase } from '../../plan/schema.ts';

/**
 * The canary's statements, exactly these and nothing else (the local world's MySQL endpoint
 * understands these shapes and answers anything else with ER_PARSE_ERROR). MySQL and MariaDB use
 * the first set; PostgreSQL the same shapes in its dialect. Times are UTC: the session's time
 * zone is set first.
 */
export type CanaryEngine = 'mysql' | 'postgres';

const table = `${CANARY_SCHEMA}.${CANARY_TABLE}`;

export interface CanaryStatements {
  timeZone: string;
  createSchema: string;
  createTable: string;
  insert: string;
  last: string;
  lastBefore: (before: Date) => string;
  ping: string;
}

export const STATEMENTS: Record<CanaryEngine, CanaryStatements> = {
  mysql: {
    timeZone: "SET time_zone = '+00:00'",
    createSchema: `CREATE DATABASE IF NOT EXISTS ${CANARY_SCHEMA}`,
    createTable: `CREATE TABLE IF NOT EXISTS ${table} (seq BIGINT AUTO_INCREMENT PRIMARY KEY, written_at TIMESTAMP(3) NOT NULL)`,
    insert: `INSERT INTO ${table} (written_at) VALUES (NOW(3))`,
    last: `SELECT seq, written_at FROM ${table} ORDER BY seq DESC LIMIT 1`,
    lastBefore: (before) =>
      `SELECT seq, written_at FROM ${table} WHERE written_at <= '${sqlTimestamp(before)}' ORDER BY seq DESC LIMIT 1`,
    ping: 'SELECT 1',
  },
  postgres: {
    timeZone: "SET TIME ZONE 'UTC'",
    createSchema: `CREATE SCHEMA IF NOT EXISTS ${CANARY_SCHEMA}`,
    createTable: `CREATE TABLE IF NOT EXISTS ${table} (seq BIGSERIAL PRIMARY KEY, written_at TIMESTAMPTZ(3) NOT NULL)`,
    insert: `INSERT INTO ${table} (written_at) VALUES (now()) RETURNING seq`,
    last: `SELECT seq, written_at FROM ${table} ORDER BY seq DESC LIMIT 1`,
    lastBefore: (before) =>
      `SELECT seq, written_at FROM ${table} WHERE written_at <= '${sqlTimestamp(before)}' ORDER BY seq DESC LIMIT 1`,
    ping: 'SELECT 1',
  },
};

/**
 * 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, built from a Date (never from text), so that nothing but
 * digits and separators ever reaches the statement.
 */
export function sqlTimestamp(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('sqlTimestamp: invalid date');
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

/** A TIMESTAMP(3) as the drivers return it (a UTC string with dateStrings, or a Date) as ISO-8601. */
export function isoFromSql(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z|[+-]00(?::?00)?)?$/.exec(
    value.trim(),
  );
  if (!match) return null;
  const fraction = (match[3] ?? '.000').slice(0, 4).padEnd(4, '0');
  return `${match[1]}T${match[2]}${fraction}Z`;
}

/** MariaDB speaks MySQL's protocol and dialect for everything the canary says. */
export function engineOf(engine: PlanDatabase['engine']): CanaryEngine {
  return engine === 'postgres' ? 'postgres' : 'mysql';
}
