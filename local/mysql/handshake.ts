import { CAPABILITY, CHARSET_UTF8MB4, SERVER_CAPABILITIES, SERVER_STATUS_AUTOCOMMIT } from './constants.ts';
import { badHandshake } from './errors.ts';
import { PayloadReader, PayloadWriter } from './wire.ts';

/**
 * The connection phase's first two packets (MySQL source docs: Protocol::HandshakeV10,
 * Protocol::HandshakeResponse41, Protocol::SSLRequest).
 */
export interface Greeting {
  serverVersion: string;
  connectionId: number;
  /** The 20-byte scramble (auth-plugin-data). */
  nonce: Buffer;
  authPlugin: string;
}

export function greetingPayload(greeting: Greeting): Buffer {
  return new PayloadWriter()
    .int1(10)
    .nulString(greeting.serverVersion)
    .int4(greeting.connectionId)
    .bytes(greeting.nonce.subarray(0, 8))
    .int1(0)
    .int2(SERVER_CAPABILITIES & 0xffff)
    .int1(CHARSET_UTF8MB4)
    .int2(SERVER_STATUS_AUTOCOMMIT)
    .int2(SERVER_CAPABILITIES >>> 16)
    .int1(greeting.nonce.length + 1)
    .zeros(10)
    .bytes(greeting.nonce.subarray(8))
    .int1(0)
    .nulString(greeting.authPlugin)
    .build();
}

export interface HandshakeResponse {
  /** The client's flags as sent (the session uses them ANDed with the server's). */
  capabilities: number;
  user: string;
  authResponse: Buffer;
  /** The default database asked for, if any. */
  database: string | undefined;
  /** The plugin the auth response was made with; undefined without CLIENT_PLUGIN_AUTH. */
  authPlugin: string | undefined;
}

export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const reader = new PayloadReader(payload);
  const capabilities = reader.int4();
  if ((capabilities & CAPABILITY.PROTOCOL_41) === 0) {
    throw badHandshake('the client does not speak CLIENT_PROTOCOL_41 (MySQL 4.1 and later clients do)');
  }
  // An SSLRequest (the first 32 bytes of a response, with CLIENT_SSL) would start TLS next.
  if ((capabilities & CAPABILITY.SSL) !== 0) {
    throw badHandshake(
      'the client asked for TLS, which this endpoint does not offer: the drctl world has no TLS for ' +
        'databases (it runs drctl functions with DRCTL_DB_TLS=disabled); connect without ssl',
    );
  }
  reader.skip(4 + 1 + 23, 'max packet size, character set and filler');
  const user = reader.nulString('the user name');
  const authResponse = readAuthResponse(reader, capabilities);
  const database =
    (capabilities & CAPABILITY.CONNECT_WITH_DB) !== 0 && reader.remaining > 0 ? reader.nulOrEofString() : '';
  const authPlugin =
    (capabilities & CAPABILITY.PLUGIN_AUTH) !== 0 && reader.remaining > 0
      ? reader.nulOrEofString()
      : undefined;
  if ((capabilities & CAPABILITY.CONNECT_ATTRS) !== 0 && reader.remaining > 0) {
    reader.lenencBytes('the connection attributes');
  }
  return {
    capabilities,
    user,
    authResponse,
    database: database === '' ? undefined : database,
    authPlugin: authPlugin === '' ? undefined : authPlugin,
  };
}

function readAuthResponse(reader: PayloadReader, capabilities: number): Buffer {
  if ((capabilities & CAPABILITY.PLUGIN_AUTH_LENENC_CLIENT_DATA) !== 0)
    return reader.lenencBytes('the auth response');
  if ((capabilities & CAPABILITY.SECURE_CONNECTION) !== 0) {
    return reader.bytes(reader.int1(), 'the auth response');
  }
  return Buffer.from(reader.nulString('the auth response'), 'utf8');
}

/** AuthSwitchRequest: 0xfe, the plugin's name, its data (the scramble and a NUL). */
export function authSwitchPayload(plugin: string, nonce: Buffer): Buffer {
  return new PayloadWriter().int1(0xfe).nulString(plugin).bytes(nonce).int1(0).build();
}

/** AuthMoreData: 0x01 then the plugin's bytes. */
export function authMoreDataPayload(data: Buffer): Buffer {
  return new PayloadWriter().int1(0x01).bytes(data).build();
}
