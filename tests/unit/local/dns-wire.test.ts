import { describe, expect, it } from 'vitest';
import { MalformedQuery, RCODE, readQuery, TYPE, writeResponse } from '../../../local/dns/wire.ts';

/** A query as dig sends it: one question, RD set, an EDNS OPT record advertising 1232 octets. */
function query(name: string, type: number, options: { id?: number; edns?: boolean } = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(options.id ?? 0x1234, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(options.edns === false ? 0 : 1, 10);
  const labels = name.split('.').filter(Boolean);
  const qname = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
  const fixed = Buffer.alloc(4);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  const opt = Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, qname, fixed, ...(options.edns === false ? [] : [opt])]);
}

describe('the DNS message format', () => {
  it('reads a query with its question and EDNS payload size', () => {
    // Act
    const parsed = readQuery(query('WWW.Shop.example.com', TYPE.A));

    // Assess
    expect(parsed).toEqual({
      id: 0x1234,
      opcode: 0,
      recursionDesired: true,
      question: { name: 'WWW.Shop.example.com.', type: TYPE.A, class: 1 },
      ednsUdpSize: 1232,
    });
  });

  it('writes an authoritative answer that echoes the question, with RD copied and RA clear', () => {
    // Prepare
    const parsed = readQuery(query('www.shop.example.com', TYPE.CNAME));

    // Act
    const response = writeResponse(parsed, {
      rcode: RCODE.NOERROR,
      authoritative: true,
      answers: [{ name: 'www.shop.example.com.', type: TYPE.CNAME, ttl: 60, data: 'dr.shop.example.com.' }],
      authority: [],
    });

    // Assess
    expect(response.readUInt16BE(0)).toBe(0x1234);
    const flags = response.readUInt16BE(2);
    expect(flags & 0x8000).not.toBe(0); // QR
    expect(flags & 0x0400).not.toBe(0); // AA
    expect(flags & 0x0100).not.toBe(0); // RD
    expect(flags & 0x0080).toBe(0); // RA
    expect(flags & 0x000f).toBe(RCODE.NOERROR);
    expect([response.readUInt16BE(4), response.readUInt16BE(6), response.readUInt16BE(10)]).toEqual([
      1, 1, 1,
    ]);
    expect(response.includes(Buffer.from('\x02dr\x04shop\x07example\x03com\x00', 'latin1'))).toBe(true);
  });

  it('refuses what is not a well-formed query: too short, a response, two questions, a name cut short', () => {
    // Prepare
    const two = query('a.example.com', TYPE.A);
    two.writeUInt16BE(2, 4);
    const response = query('a.example.com', TYPE.A);
    response.writeUInt16BE(0x8100, 2);
    const cut = query('a.example.com', TYPE.A, { edns: false }).subarray(0, 16);

    // Act
    const errors = [Buffer.alloc(5), response, two, cut].map((message) => {
      try {
        readQuery(message);
        return undefined;
      } catch (error) {
        return error as MalformedQuery;
      }
    });

    // Assess
    expect(errors.every((e) => e instanceof MalformedQuery)).toBe(true);
    // A FORMERR can be sent when the id is known; a response or a runt is dropped.
    expect(errors.map((e) => e?.id)).toEqual([undefined, undefined, 0x1234, 0x1234]);
  });

  it('sets TC and drops the records when the answer exceeds what the client accepts over UDP', () => {
    // Prepare
    const parsed = readQuery(query('big.example.com', TYPE.A, { edns: false }));
    const answers = Array.from({ length: 40 }, (_, i) => ({
      name: 'big.example.com.',
      type: TYPE.A,
      ttl: 60,
      data: `192.0.2.${i}`,
    }));

    // Act
    const response = writeResponse(parsed, {
      rcode: RCODE.NOERROR,
      authoritative: true,
      answers,
      authority: [],
    });

    // Assess
    expect(response.readUInt16BE(2) & 0x0200).not.toBe(0);
    expect(response.readUInt16BE(6)).toBe(0);
    expect(response.length).toBeLessThanOrEqual(512);
  });
});
