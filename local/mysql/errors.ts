/**
 * The MySQL server errors the world's endpoint answers, with MySQL's numbers, SQLSTATEs and
 * message texts (MySQL 8.4 Error Reference, "Server Error Message Reference"). An `MySqlError`
 * becomes an ERR packet; `fatal` ones close the connection after it, as mysqld does.
 */
export class MySqlError extends Error {
  readonly errno: number;
  readonly sqlState: string;
  readonly symbol: string;
  readonly fatal: boolean;
  constructor(errno: number, symbol: string, sqlState: string, message: string, fatal = false) {
    super(message);
    this.name = 'MySqlError';
    this.errno = errno;
    this.symbol = symbol;
    this.sqlState = sqlState;
    this.fatal = fatal;
  }
}

/**
 * Thrown by a store whose instance cannot take writes (a read replica, read_only=1): the
 * endpoint answers it with ER_OPTION_PREVENTS_STATEMENT.
 */
export class StoreReadOnlyError extends Error {
  constructor(message = 'the instance is read-only') {
    super(message);
    this.name = 'StoreReadOnlyError';
  }
}

/** What the world tells a client whose request is outside what the endpoint speaks. */
const SUBSET_HINT =
  "the drctl world's MySQL endpoint speaks only the canary's statements (docs/local-world.md)";

export const accessDenied = (user: string, host: string, usingPassword: boolean) =>
  new MySqlError(
    1045,
    'ER_ACCESS_DENIED_ERROR',
    '28000',
    `Access denied for user '${user}'@'${host}' (using password: ${usingPassword ? 'YES' : 'NO'})`,
    true,
  );

export const badHandshake = (why: string) =>
  new MySqlError(1043, 'ER_HANDSHAKE_ERROR', '08S01', `Bad handshake: ${why}`, true);

export const unknownCommand = (command: number) =>
  new MySqlError(
    1047,
    'ER_UNKNOWN_COM_ERROR',
    '08S01',
    `Unknown command 0x${command.toString(16).padStart(2, '0')}: ${SUBSET_HINT} over COM_QUERY (mysql2 query(), not execute()), COM_PING, COM_INIT_DB and COM_QUIT`,
  );

export const unknownDatabase = (schema: string) =>
  new MySqlError(1049, 'ER_BAD_DB_ERROR', '42000', `Unknown database '${schema}'`);

export const noDatabaseSelected = () =>
  new MySqlError(1046, 'ER_NO_DB_ERROR', '3D000', 'No database selected');

export const noSuchTable = (schema: string, table: string) =>
  new MySqlError(1146, 'ER_NO_SUCH_TABLE', '42S02', `Table '${schema}.${table}' doesn't exist`);

export const parseError = (near: string) =>
  new MySqlError(
    1064,
    'ER_PARSE_ERROR',
    '42000',
    `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near}' at line 1 (${SUBSET_HINT})`,
  );

export const emptyQuery = () => new MySqlError(1065, 'ER_EMPTY_QUERY', '42000', 'Query was empty');

export const readOnly = () =>
  new MySqlError(
    1290,
    'ER_OPTION_PREVENTS_STATEMENT',
    'HY000',
    'The MySQL server is running with the --read-only option so it cannot execute this statement',
  );

export const wrongValue = (type: string, value: string) =>
  new MySqlError(1525, 'ER_WRONG_VALUE', 'HY000', `Incorrect ${type} value: '${value}'`);

export const packetTooLarge = () =>
  new MySqlError(
    1153,
    'ER_NET_PACKET_TOO_LARGE',
    '08S01',
    "Got a packet bigger than 'max_allowed_packet' bytes",
    true,
  );

export const packetsOutOfOrder = () =>
  new MySqlError(1156, 'ER_NET_PACKETS_OUT_OF_ORDER', '08S01', 'Got packets out of order', true);

export const malformedPacket = (why: string) =>
  new MySqlError(1835, 'ER_MALFORMED_PACKET', 'HY000', `Malformed communication packet: ${why}`, true);

export const unknownError = (why: string) =>
  new MySqlError(1105, 'ER_UNKNOWN_ERROR', 'HY000', `Unknown error: ${why}`);
