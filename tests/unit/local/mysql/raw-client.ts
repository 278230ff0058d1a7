import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A bare-bytes MySQL client for the tests that send what mysql2 never would: its own framing and
 * its own native-password token, independent of the endpoint's code.
 */
export interface RawPacket {
  seq: number;
  payload: Buffer;
}

export class RawClient {
  private buffer = Buffer.alloc(0);
  private readonly queue: RawPacket[] = [];
  private waiter: ((packet: RawPacket | undefined) => void) | undefined;
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.waiter?.(undefined);
        resolve();
      }),
    );
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** The next packet from the server, or undefined once the server closed the connection. */
  next(): Promise<RawPacket | undefined> {
    const packet = this.queue.shift();
    if (packet || this.ended) return Promise.resolve(packet);
    return new Promise((resolve) => {
      this.waiter = (value) => {
        this.waiter = undefined;
        resolve(value);
      };
    });
  }

  send(seq: number, payload: Buffer): void {
    this.socket.write(Buffer.concat([frameHeader(payload.length, seq), payload]));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUIntLE(0, 3);
      if (this.buffer.length < 4 + length) break;
      const packet = { seq: this.buffer[3] ?? -1, payload: Buffer.from(this.buffer.subarray(4, 4 + length)) };
      this.buffer = this.buffer.subarray(4 + length);
      if (this.waiter) this.waiter(packet);
      else this.queue.push(packet);
    }
  }
}

export function frameHeader(length: number, seq: number): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(length, 0, 3);
  header[3] = seq;
  return header;
}

export const FLAG = {
  LONG_PASSWORD: 0x1,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  SECURE_CONNECTION: 0x8000,
  PLUGIN_AUTH: 0x80000,
} as const;

export interface ParsedGreeting {
  protocol: number;
  serverVersion: string;
  connectionId: number;
  nonce: Buffer;
  capabilities: number;
  charset: number;
  authPlugin: string;
}

/** Reads a HandshakeV10 as the protocol documentation lays it out. */
export function parseGreeting(payload: Buffer): ParsedGreeting {
  let offset = 0;
  const protocol = payload[offset++] ?? 0;
  const versionEnd = payload.indexOf(0, offset);
  const serverVersion = payload.toString('utf8', offset, versionEnd);
  offset = versionEnd + 1;
  const connectionId = payload.readUInt32LE(offset);
  offset += 4;
  const part1 = payload.subarray(offset, offset + 8);
  offset += 9;
  const low = payload.readUInt16LE(offset);
  offset += 2;
  const charset = payload[offset++] ?? 0;
  offset += 2;
  const high = payload.readUInt16LE(offset);
  offset += 2;
  const dataLength = payload[offset++] ?? 0;
  offset += 10;
  const part2Length = Math.max(13, dataLength - 8);
  const part2 = payload.subarray(offset, offset + part2Length - 1);
  offset += part2Length;
  const pluginEnd = payload.indexOf(0, offset);
  return {
    protocol,
    serverVersion,
    connectionId,
    nonce: Buffer.concat([part1, part2]),
    capabilities: (low | (high << 16)) >>> 0,
    charset,
    authPlugin: payload.toString('utf8', offset, pluginEnd),
  };
}

const sha1 = (...parts: Buffer[]) => {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** mysql_native_password's token: SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw))). */
export function nativeToken(password: string, nonce: Buffer): Buffer {
  const stage1 = sha1(Buffer.from(password));
  const mask = sha1(nonce, sha1(stage1));
  return Buffer.from(stage1.map((byte, index) => byte ^ (mask[index] ?? 0)));
}

export function handshakeResponse(options: {
  capabilities: number;
  user: string;
  token: Buffer;
  plugin?: string;
  database?: string;
}): Buffer {
  const fixed = Buffer.alloc(32);
  fixed.writeUInt32LE(options.capabilities >>> 0, 0);
  fixed.writeUInt32LE(1 << 24, 4);
  fixed[8] = 255;
  const parts = [fixed, Buffer.from(`${options.user}\0`), Buffer.from([options.token.length]), options.token];
  if (options.capabilities & FLAG.CONNECT_WITH_DB) parts.push(Buffer.from(`${options.database ?? ''}\0`));
  if (options.plugin !== undefined) parts.push(Buffer.from(`${options.plugin}\0`));
  return Buffer.concat(parts);
}

export const MODERN = FLAG.LONG_PASSWORD | FLAG.PROTOCOL_41 | FLAG.SECURE_CONNECTION | FLAG.PLUGIN_AUTH;

/** Reads an ERR packet: [errno, sqlState, message]. */
export function parseError(payload: Buffer): [number, string, string] {
  if (payload[0] !== 0xff) throw new Error(`not an ERR packet: 0x${payload[0]?.toString(16)}`);
  return [payload.readUInt16LE(1), payload.toString('latin1', 4, 9), payload.toString('utf8', 9)];
}

/** Connects and authenticates natively; the endpoint must greet with mysql_native_password. */
export async function authenticatedClient(port: number, user: string, password: string): Promise<RawClient> {
  const client = await RawClient.open(port);
  const greeting = await client.next();
  if (!greeting) throw new Error('no greeting');
  const { nonce } = parseGreeting(greeting.payload);
  client.send(
    1,
    handshakeResponse({
      capabilities: MODERN,
      user,
      token: nativeToken(password, nonce),
      plugin: 'mysql_native_password',
    }),
  );
  const ok = await client.next();
  if (ok?.payload[0] !== 0x00) throw new Error(`authentication failed: ${ok?.payload.toString('utf8')}`);
  return client;
}
