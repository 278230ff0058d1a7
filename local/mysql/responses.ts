import { CHARSET_BINARY, MARKER, SERVER_STATUS_AUTOCOMMIT } from './constants.ts';
import type { MySqlError } from './errors.ts';
import { PayloadWriter } from './wire.ts';

/**
 * The server's generic responses and text result sets (MySQL source docs: OK_Packet,
 * ERR_Packet, EOF_Packet, "Text Resultset", Protocol::ColumnDefinition41), for clients that
 * speak CLIENT_PROTOCOL_41 (the endpoint refuses others at the handshake).
 */
export interface OkResult {
  affectedRows: number;
  lastInsertId: number;
  warnings: number;
}

export function okPayload(result: OkResult = { affectedRows: 0, lastInsertId: 0, warnings: 0 }): Buffer {
  return new PayloadWriter()
    .int1(MARKER.OK)
    .lenencInt(result.affectedRows)
    .lenencInt(result.lastInsertId)
    .int2(SERVER_STATUS_AUTOCOMMIT)
    .int2(result.warnings)
    .build();
}

export function errPayload(error: MySqlError): Buffer {
  return new PayloadWriter()
    .int1(MARKER.ERR)
    .int2(error.errno)
    .eofString(`#${error.sqlState}`)
    .eofString(error.message)
    .build();
}

export function eofPayload(warnings = 0): Buffer {
  return new PayloadWriter().int1(MARKER.EOF).int2(warnings).int2(SERVER_STATUS_AUTOCOMMIT).build();
}

export interface Column {
  schema: string;
  table: string;
  name: string;
  type: number;
  flags: number;
  /** Display length in characters (BIGINT 20, TIMESTAMP(3) 23). */
  length: number;
  decimals: number;
}

/** A row's values as text; null is SQL NULL. */
export type Row = ReadonlyArray<string | null>;

export interface ResultSet {
  columns: Column[];
  rows: Row[];
}

export function columnDefinitionPayload(column: Column): Buffer {
  return new PayloadWriter()
    .lenencString('def')
    .lenencString(column.schema)
    .lenencString(column.table)
    .lenencString(column.table)
    .lenencString(column.name)
    .lenencString(column.name)
    .lenencInt(0x0c)
    .int2(CHARSET_BINARY)
    .int4(column.length)
    .int1(column.type)
    .int2(column.flags)
    .int1(column.decimals)
    .zeros(2)
    .build();
}

export function rowPayload(row: Row): Buffer {
  const writer = new PayloadWriter();
  for (const value of row) {
    if (value === null) writer.int1(0xfb);
    else writer.lenencString(value);
  }
  return writer.build();
}

/** The payloads of a text result set, in order: count, definitions, EOF, rows, EOF. */
export function resultSetPayloads(result: ResultSet): Buffer[] {
  return [
    new PayloadWriter().lenencInt(result.columns.length).build(),
    ...result.columns.map(columnDefinitionPayload),
    eofPayload(),
    ...result.rows.map(rowPayload),
    eofPayload(),
  ];
}
