import { CANARY_SCHEMA, CANARY_TABLE } from '../../plan/names.ts';
import { COLUMN_FLAG, COLUMN_TYPE } from './constants.ts';
import {
  emptyQuery,
  MySqlError,
  noDatabaseSelected,
  noSuchTable,
  parseError,
  readOnly,
  StoreReadOnlyError,
  unknownDatabase,
  unknownError,
  wrongValue,
} from './errors.ts';
import type { Column, OkResult, ResultSet } from './responses.ts';
import { formatTimestamp, parseTimestampLiteral, type Statement } from './statements.ts';
import type { HeartbeatStore } from './store.ts';

/**
 * Runs one parsed statement against the instance's store, as MySQL would answer it: the
 * read-only check first (mysqld refuses a write under --read-only before it opens a table),
 * then the schema (1049), then the table (1146).
 */
export type Outcome = { ok: OkResult } | { resultSet: ResultSet } | { error: MySqlError };

export interface ExecutionContext {
  store: HeartbeatStore;
  /** NOW(3): the instance's clock, simulated epoch ms. */
  now: number;
  writable: boolean;
  /** The session's default database (COM_INIT_DB or the handshake's), if any. */
  database: string | undefined;
}

const SEQ: Column = {
  schema: CANARY_SCHEMA,
  table: CANARY_TABLE,
  name: 'seq',
  type: COLUMN_TYPE.LONGLONG,
  flags: COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.PRIMARY_KEY | COLUMN_FLAG.AUTO_INCREMENT | COLUMN_FLAG.NUM,
  length: 20,
  decimals: 0,
};
const WRITTEN_AT: Column = {
  schema: CANARY_SCHEMA,
  table: CANARY_TABLE,
  name: 'written_at',
  type: COLUMN_TYPE.TIMESTAMP,
  flags: COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.BINARY,
  length: 23,
  decimals: 3,
};
const ONE: Column = {
  schema: '',
  table: '',
  name: '1',
  type: COLUMN_TYPE.LONGLONG,
  flags: COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.BINARY | COLUMN_FLAG.NUM,
  length: 1,
  decimals: 0,
};

const done = (affectedRows = 0, lastInsertId = 0, warnings = 0): Outcome => ({
  ok: { affectedRows, lastInsertId, warnings },
});

export function executeStatement(statement: Statement, context: ExecutionContext): Outcome {
  try {
    return run(statement, context);
  } catch (error) {
    if (error instanceof MySqlError) return { error };
    if (error instanceof StoreReadOnlyError) return { error: readOnly() };
    return { error: unknownError(error instanceof Error ? error.message : String(error)) };
  }
}

function run(statement: Statement, context: ExecutionContext): Outcome {
  const { store } = context;
  switch (statement.kind) {
    case 'empty':
      throw emptyQuery();
    case 'unknown':
      throw parseError(statement.near);
    case 'select-one':
      return { resultSet: { columns: [ONE], rows: [['1']] } };
    case 'set-utc-time-zone':
      return done();
    case 'create-schema': {
      requireWritable(context);
      const existed = store.hasSchema();
      if (!existed) store.ensureSchema(context.now);
      // An existing database is a note (1007), counted in the OK packet's warnings.
      return existed ? done(0, 0, 1) : done(1);
    }
    case 'create-table': {
      requireTableName(statement.qualified, context);
      requireWritable(context);
      requireSchema(store);
      const existed = store.hasTable();
      if (!existed) store.ensureTable(context.now);
      return existed ? done(0, 0, 1) : done();
    }
    case 'insert-heartbeat': {
      requireTableName(statement.qualified, context);
      requireWritable(context);
      requireTable(store);
      return done(1, store.insert(context.now));
    }
    case 'last-heartbeat': {
      requireTableName(statement.qualified, context);
      requireTable(store);
      const atOrBefore = statement.atOrBefore === undefined ? undefined : timestamp(statement.atOrBefore);
      const row = store.last(atOrBefore);
      return {
        resultSet: {
          columns: [SEQ, WRITTEN_AT],
          rows: row ? [[String(row.seq), formatTimestamp(row.writtenAt)]] : [],
        },
      };
    }
  }
}

function requireWritable(context: ExecutionContext): void {
  if (!context.writable) throw readOnly();
}

/** An unqualified table name needs the canary schema as the session's database. */
function requireTableName(qualified: boolean, context: ExecutionContext): void {
  if (!qualified && context.database === undefined) throw noDatabaseSelected();
}

function requireSchema(store: HeartbeatStore): void {
  if (!store.hasSchema()) throw unknownDatabase(CANARY_SCHEMA);
}

function requireTable(store: HeartbeatStore): void {
  requireSchema(store);
  if (!store.hasTable()) throw noSuchTable(CANARY_SCHEMA, CANARY_TABLE);
}

function timestamp(literal: string): number {
  const at = parseTimestampLiteral(literal);
  if (at === undefined) throw wrongValue('TIMESTAMP', literal);
  return at;
}
