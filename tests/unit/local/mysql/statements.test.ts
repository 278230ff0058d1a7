import { describe, expect, it } from 'vitest';
import {
  formatTimestamp,
  parseStatement,
  parseTimestampLiteral,
} from '../../../../local/mysql/statements.ts';
import { SQL } from './endpoint-fixture.ts';

describe("the endpoint's SQL subset", () => {
  it("recognises each of the canary's statements as written", () => {
    // Act
    const kinds = [SQL.utc, SQL.createSchema, SQL.createTable, SQL.insert, SQL.last, SQL.ping].map(
      (sql) => parseStatement(sql).kind,
    );
    const before = parseStatement(SQL.lastBefore('2026-03-01 03:00:00.250'));

    // Assess
    expect(kinds).toEqual([
      'set-utc-time-zone',
      'create-schema',
      'create-table',
      'insert-heartbeat',
      'last-heartbeat',
      'select-one',
    ]);
    expect(before).toEqual({
      kind: 'last-heartbeat',
      qualified: true,
      atOrBefore: '2026-03-01 03:00:00.250',
    });
  });

  it('ignores case, whitespace, back-quotes and one trailing semicolon', () => {
    // Act
    const statements = [
      '  create   schema if not exists `drctl_canary` ;',
      'CREATE TABLE IF NOT EXISTS `drctl_canary`.`heartbeat`(\n  seq bigint auto_increment primary key,\n  written_at timestamp(3) not null\n)',
      'insert into drctl_canary . heartbeat(written_at) value (now( 3 ))',
      "SELECT `seq`,`written_at` FROM heartbeat WHERE written_at<='2026-03-01T03:00:00' ORDER BY seq DESC LIMIT 1;",
      "set session time_zone='+00:00'",
      'select 1;',
    ].map(parseStatement);

    // Assess
    expect(statements).toEqual([
      { kind: 'create-schema' },
      { kind: 'create-table', qualified: true },
      { kind: 'insert-heartbeat', qualified: true },
      { kind: 'last-heartbeat', qualified: false, atOrBefore: '2026-03-01T03:00:00' },
      { kind: 'set-utc-time-zone' },
      { kind: 'select-one' },
    ]);
  });

  it('calls everything else unknown, naming its first 80 characters; blank is empty', () => {
    // Act
    const other = [
      'DROP TABLE drctl_canary.heartbeat',
      'CREATE DATABASE IF NOT EXISTS shop',
      'CREATE TABLE IF NOT EXISTS drctl_canary.heartbeat (seq INT PRIMARY KEY)',
      'SELECT seq, written_at FROM drctl_canary.heartbeat ORDER BY seq DESC LIMIT 2',
      "SET time_zone = 'SYSTEM'",
      'SELECT 1; SELECT 1',
      `SELECT ${'x, '.repeat(60)}1`,
    ].map(parseStatement);

    // Assess
    expect(other.map((statement) => statement.kind)).toEqual(Array(other.length).fill('unknown'));
    expect(other[0]).toEqual({ kind: 'unknown', near: 'DROP TABLE drctl_canary.heartbeat' });
    expect(other.at(-1)).toEqual({ kind: 'unknown', near: `SELECT ${'x, '.repeat(60)}`.slice(0, 80) });
    expect(parseStatement(' ;\n')).toEqual({ kind: 'empty' });
  });

  it('reads TIMESTAMP literals in UTC, to the millisecond rounded down, and refuses impossible ones', () => {
    // Act
    const read = [
      '2026-03-01 03:00:00.250',
      '2026-03-01T03:00:00',
      '2026-03-01 03:00:00.2509',
      '2026-03-01 03:00:00.5',
      '2026-03-01',
    ].map(parseTimestampLiteral);
    const refused = ['2026-02-29 00:00:00', '2026-03-01 24:00:00', '2026-03-01 03:00', 'now', ''].map(
      parseTimestampLiteral,
    );

    // Assess
    const base = Date.UTC(2026, 2, 1, 3, 0, 0);
    expect(read).toEqual([base + 250, base, base + 250, base + 500, Date.UTC(2026, 2, 1)]);
    expect(refused).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('prints written_at as MySQL prints a TIMESTAMP(3) in UTC', () => {
    // Act
    const printed = formatTimestamp(Date.UTC(2026, 2, 1, 3, 4, 5, 6));

    // Assess
    expect(printed).toBe('2026-03-01 03:04:05.006');
    expect(parseTimestampLiteral(printed)).toBe(Date.UTC(2026, 2, 1, 3, 4, 5, 6));
  });
});
