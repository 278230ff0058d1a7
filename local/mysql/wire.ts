import { malformedPacket } from './errors.ts';

/**
 * The protocol's basic data types (MySQL source docs, "Basic Data Types"): fixed-length
 * little-endian integers, length-encoded integers and strings, NUL-terminated strings. A read
 * past the payload's end is a malformed packet (ER_MALFORMED_PACKET), never an exception of
 * another kind.
 */
export class PayloadReader {
  private offset = 0;
  constructor(private readonly payload: Buffer) {}

  get remaining(): number {
    return this.payload.length - this.offset;
  }

  int1(): number {
    this.need(1, 'a 1-byte integer');
    return this.payload.readUInt8(this.offset++);
  }

  int4(): number {
    this.need(4, 'a 4-byte integer');
    const value = this.payload.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  skip(count: number, what: string): void {
    this.need(count, what);
    this.offset += count;
  }

  /** int<lenenc>; 0xfb (NULL) and 0xff are not integers in a client packet. */
  lenencInt(): number {
    const first = this.int1();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.fixed(2);
    if (first === 0xfd) return this.fixed(3);
    if (first === 0xfe) {
      const low = this.fixed(4);
      const high = this.fixed(4);
      if (high !== 0) throw malformedPacket('a length-encoded integer over 2^32');
      return low;
    }
    throw malformedPacket(`0x${first.toString(16)} is not a length-encoded integer`);
  }

  bytes(count: number, what: string): Buffer {
    this.need(count, what);
    const value = this.payload.subarray(this.offset, this.offset + count);
    this.offset += count;
    return value;
  }

  lenencBytes(what: string): Buffer {
    return this.bytes(this.lenencInt(), what);
  }

  /** string<NUL>; a missing terminator is malformed. */
  nulString(what: string): string {
    const end = this.payload.indexOf(0, this.offset);
    if (end < 0) throw malformedPacket(`${what} has no NUL terminator`);
    const value = this.payload.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  /** string<NUL> that a client may end with the packet instead (older clients omit the NUL). */
  nulOrEofString(): string {
    const end = this.payload.indexOf(0, this.offset);
    const stop = end < 0 ? this.payload.length : end;
    const value = this.payload.toString('utf8', this.offset, stop);
    this.offset = end < 0 ? stop : end + 1;
    return value;
  }

  rest(): Buffer {
    const value = this.payload.subarray(this.offset);
    this.offset = this.payload.length;
    return value;
  }

  private fixed(size: number): number {
    this.need(size, `a ${size}-byte integer`);
    const value = this.payload.readUIntLE(this.offset, size);
    this.offset += size;
    return value;
  }

  private need(count: number, what: string): void {
    if (count > this.remaining) {
      throw malformedPacket(`${what} runs past the end of a ${this.payload.length}-byte payload`);
    }
  }
}

/** Builds a payload from the same types. */
export class PayloadWriter {
  private readonly parts: Buffer[] = [];

  int1(value: number): this {
    this.parts.push(Buffer.from([value & 0xff]));
    return this;
  }

  int2(value: number): this {
    const part = Buffer.alloc(2);
    part.writeUInt16LE(value);
    this.parts.push(part);
    return this;
  }

  int4(value: number): this {
    const part = Buffer.alloc(4);
    part.writeUInt32LE(value >>> 0);
    this.parts.push(part);
    return this;
  }

  lenencInt(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`not a length-encoded integer: ${value}`);
    if (value < 0xfb) return this.int1(value);
    if (value <= 0xffff) return this.int1(0xfc).int2(value);
    if (value <= 0xffffff) {
      const part = Buffer.alloc(4);
      part[0] = 0xfd;
      part.writeUIntLE(value, 1, 3);
      this.parts.push(part);
      return this;
    }
    const part = Buffer.alloc(9);
    part[0] = 0xfe;
    part.writeBigUInt64LE(BigInt(value), 1);
    this.parts.push(part);
    return this;
  }

  bytes(value: Buffer): this {
    this.parts.push(value);
    return this;
  }

  zeros(count: number): this {
    this.parts.push(Buffer.alloc(count));
    return this;
  }

  nulString(value: string): this {
    this.parts.push(Buffer.from(value, 'utf8'), Buffer.from([0]));
    return this;
  }

  lenencString(value: string): this {
    const encoded = Buffer.from(value, 'utf8');
    return this.lenencInt(encoded.length).bytes(encoded);
  }

  eofString(value: string): this {
    this.parts.push(Buffer.from(value, 'utf8'));
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}
