/**
 * Numbers of the MySQL client/server protocol that the world's endpoint uses, as MySQL's source
 * documentation defines them (include/mysql_com.h, field_types.h; see docs/local-world.md).
 */

/** Capability flags (Protocol::HandshakeV10, HandshakeResponse41). */
export const CAPABILITY = {
  LONG_PASSWORD: 0x1,
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  IGNORE_SPACE: 0x100,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  MULTI_RESULTS: 0x20000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
} as const;

/**
 * What the endpoint offers. Left out on purpose: SSL (no TLS in the world), DEPRECATE_EOF (result
 * sets end with EOF packets, which every client reads), SESSION_TRACK and QUERY_ATTRIBUTES (a
 * COM_QUERY is then the plain statement text), COMPRESS, MULTI_STATEMENTS.
 */
export const SERVER_CAPABILITIES =
  CAPABILITY.LONG_PASSWORD |
  CAPABILITY.FOUND_ROWS |
  CAPABILITY.LONG_FLAG |
  CAPABILITY.CONNECT_WITH_DB |
  CAPABILITY.IGNORE_SPACE |
  CAPABILITY.PROTOCOL_41 |
  CAPABILITY.TRANSACTIONS |
  CAPABILITY.SECURE_CONNECTION |
  CAPABILITY.MULTI_RESULTS |
  CAPABILITY.PLUGIN_AUTH |
  CAPABILITY.CONNECT_ATTRS |
  CAPABILITY.PLUGIN_AUTH_LENENC_CLIENT_DATA;

/** Server status flags of OK and EOF packets: autocommit on, nothing else. */
export const SERVER_STATUS_AUTOCOMMIT = 0x2;

/** utf8mb4_0900_ai_ci, MySQL 8's default collation (the greeting's character set). */
export const CHARSET_UTF8MB4 = 255;
/** The "binary" character set that numeric and temporal columns carry. */
export const CHARSET_BINARY = 63;

/** Command bytes (the first byte of a command-phase packet). */
export const COMMAND = {
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  PING: 0x0e,
} as const;

/** Column types (enum_field_types). */
export const COLUMN_TYPE = {
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
} as const;

/** Column definition flags. */
export const COLUMN_FLAG = {
  NOT_NULL: 0x1,
  PRIMARY_KEY: 0x2,
  BINARY: 0x80,
  AUTO_INCREMENT: 0x200,
  TIMESTAMP: 0x400,
  NUM: 0x8000,
} as const;

/** Payload markers. */
export const MARKER = {
  OK: 0x00,
  AUTH_MORE_DATA: 0x01,
  EOF: 0xfe,
  AUTH_SWITCH: 0xfe,
  ERR: 0xff,
} as const;

/** caching_sha2_password's one-byte AuthMoreData messages. */
export const SHA2_MESSAGE = {
  REQUEST_PUBLIC_KEY: 0x02,
  FAST_AUTH_SUCCESS: 0x03,
  PERFORM_FULL_AUTHENTICATION: 0x04,
} as const;

/**
 * Bound on a client packet's payload (the world's max_allowed_packet). The canary's statements
 * are under 200 bytes; a bigger packet is refused, as MySQL refuses one over max_allowed_packet.
 */
export const MAX_CLIENT_PAYLOAD = 64 * 1024;
