import { MAX_CLIENT_PAYLOAD } from './constants.ts';

/**
 * MySQL packet framing: a 3-byte little-endian payload length, a 1-byte sequence id, the payload
 * (MySQL source docs, "MySQL Packets"). The framer cuts a TCP byte stream into packets; a
 * declared length over the bound is refused at once, before any of it is buffered.
 */
export interface Packet {
  sequenceId: number;
  payload: Buffer;
}

export interface Framed {
  packets: Packet[];
  /** Set when a packet declared a payload over the bound: its sequence id. Nothing follows it. */
  oversized: number | undefined;
}

const HEADER_LENGTH = 4;

export class PacketFramer {
  private pending: Buffer = Buffer.alloc(0);
  private stopped = false;
  constructor(private readonly maxPayload = MAX_CLIENT_PAYLOAD) {}

  /** Adds received bytes; returns the packets they complete. */
  push(chunk: Buffer): Framed {
    const packets: Packet[] = [];
    if (this.stopped) return { packets, oversized: undefined };
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= HEADER_LENGTH) {
      const length = this.pending.readUIntLE(0, 3);
      if (length > this.maxPayload) {
        const sequenceId = this.pending[3] ?? 0;
        this.stopped = true;
        this.pending = Buffer.alloc(0);
        return { packets, oversized: sequenceId };
      }
      if (this.pending.length < HEADER_LENGTH + length) break;
      packets.push({
        sequenceId: this.pending[3] ?? 0,
        payload: Buffer.from(this.pending.subarray(HEADER_LENGTH, HEADER_LENGTH + length)),
      });
      this.pending = this.pending.subarray(HEADER_LENGTH + length);
    }
    return { packets, oversized: undefined };
  }
}

/** One packet on the wire. The server's payloads are all far below the 16 MiB split. */
export function framePacket(sequenceId: number, payload: Buffer): Buffer {
  if (payload.length >= 0xffffff)
    throw new RangeError('payloads of 16 MiB or more are not produced by the world');
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequenceId & 0xff;
  return Buffer.concat([header, payload]);
}
