/**
 * The DNS message format (RFC 1035 section 4, EDNS OPT from RFC 6891), as much of it as an
 * authoritative server for one zone needs: read a query, write a response. Names in responses are
 * written without compression (valid, and the answers are small).
 */
export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
export const CLASS_ANY = 255;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** The largest UDP response this server sends to an EDNS client (the DNS Flag Day 2020 value). */
export const EDNS_UDP_SIZE = 1232;
const CLASSIC_UDP_SIZE = 512;

export interface Question {
  /** As asked (case preserved: some resolvers check the echo). */
  name: string;
  type: number;
  class: number;
}

export interface Query {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  question: Question;
  /** The client's EDNS UDP payload size, when it sent an OPT record. */
  ednsUdpSize: number | undefined;
}

export interface ResourceRecord {
  name: string;
  type: number;
  ttl: number;
  /** A: dotted quad; NS/CNAME: a domain name; SOA: "mname rname serial refresh retry expire minimum". */
  data: string;
}

export interface Response {
  rcode: number;
  authoritative: boolean;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
}

export class MalformedQuery extends Error {
  /** The query id, when the header could be read (a FORMERR can then be sent). */
  readonly id: number | undefined;
  constructor(message: string, id?: number) {
    super(message);
    this.name = 'MalformedQuery';
    this.id = id;
  }
}

export function readQuery(message: Buffer): Query {
  if (message.length < 12) throw new MalformedQuery('shorter than a DNS header');
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  // A response is dropped, never answered: two servers must not answer each other forever.
  if ((flags & 0x8000) !== 0) throw new MalformedQuery('a response, not a query');
  const questions = message.readUInt16BE(4);
  if (questions !== 1) throw new MalformedQuery(`${questions} questions (one expected)`, id);
  const answers = message.readUInt16BE(6);
  const authority = message.readUInt16BE(8);
  const additional = message.readUInt16BE(10);
  let offset = 12;
  const [name, afterName] = readName(message, offset, id);
  offset = afterName;
  if (offset + 4 > message.length) throw new MalformedQuery('question cut short', id);
  const question = { name, type: message.readUInt16BE(offset), class: message.readUInt16BE(offset + 2) };
  offset += 4;
  let ednsUdpSize: number | undefined;
  for (let i = 0; i < answers + authority + additional; i++) {
    const [, afterOwner] = readName(message, offset, id);
    if (afterOwner + 10 > message.length) throw new MalformedQuery('record cut short', id);
    const type = message.readUInt16BE(afterOwner);
    const length = message.readUInt16BE(afterOwner + 8);
    if (type === TYPE.OPT) ednsUdpSize = Math.max(CLASSIC_UDP_SIZE, message.readUInt16BE(afterOwner + 2));
    offset = afterOwner + 10 + length;
    if (offset > message.length) throw new MalformedQuery('record data cut short', id);
  }
  return {
    id,
    opcode: (flags >> 11) & 0x0f,
    recursionDesired: (flags & 0x0100) !== 0,
    question,
    ednsUdpSize,
  };
}

/** Reads a (possibly compressed) name; returns it and the offset after it in the message. */
function readName(message: Buffer, start: number, id: number): [string, number] {
  const labels: string[] = [];
  let offset = start;
  let end: number | undefined;
  for (let jumps = 0; jumps < 32; ) {
    if (offset >= message.length) throw new MalformedQuery('name cut short', id);
    const length = message[offset] as number;
    if (length === 0) {
      const name = labels.length === 0 ? '.' : `${labels.join('.')}.`;
      if (name.length > 255) throw new MalformedQuery('name longer than 255 octets', id);
      return [name, end ?? offset + 1];
    }
    if ((length & 0xc0) === 0xc0) {
      if (offset + 1 >= message.length) throw new MalformedQuery('pointer cut short', id);
      end ??= offset + 2;
      offset = ((length & 0x3f) << 8) | (message[offset + 1] as number);
      jumps++;
      continue;
    }
    if ((length & 0xc0) !== 0) throw new MalformedQuery('unknown label type', id);
    if (offset + 1 + length > message.length) throw new MalformedQuery('label cut short', id);
    labels.push(message.toString('latin1', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  throw new MalformedQuery('name pointers loop', id);
}

function writeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'latin1');
    parts.push(Buffer.from([Math.min(bytes.length, 63)]), bytes.subarray(0, 63));
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function writeData(record: ResourceRecord): Buffer {
  switch (record.type) {
    case TYPE.A:
      return Buffer.from(record.data.split('.').map((octet) => Number(octet) & 0xff));
    case TYPE.SOA: {
      const [mname = '.', rname = '.', ...numbers] = record.data.split(/\s+/);
      const tail = Buffer.alloc(20);
      numbers.slice(0, 5).forEach((n, i) => {
        tail.writeUInt32BE(Number(n) >>> 0, i * 4);
      });
      return Buffer.concat([writeName(mname), writeName(rname), tail]);
    }
    default:
      return writeName(record.data);
  }
}

function writeRecord(record: ResourceRecord): Buffer {
  const data = writeData(record);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(record.type, 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(record.ttl >>> 0, 4);
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([writeName(record.name), fixed, data]);
}

function writeQuestion(question: Question): Buffer {
  const fixed = Buffer.alloc(4);
  fixed.writeUInt16BE(question.type, 0);
  fixed.writeUInt16BE(question.class, 2);
  return Buffer.concat([writeName(question.name), fixed]);
}

/** An OPT pseudo-record advertising this server's UDP payload size (no options). */
function writeOpt(): Buffer {
  const opt = Buffer.alloc(11);
  opt.writeUInt8(0, 0);
  opt.writeUInt16BE(TYPE.OPT, 1);
  opt.writeUInt16BE(EDNS_UDP_SIZE, 3);
  return opt;
}

/**
 * The response to `query`. Recursion is never available (an authoritative server); over UDP, a
 * response larger than the client accepts is cut to its header and question with TC set (the
 * client retries over TCP, where a message may be up to 65,535 octets).
 */
export function writeResponse(
  query: Pick<Query, 'id' | 'opcode' | 'recursionDesired' | 'ednsUdpSize'> & { question?: Question },
  response: Response,
  transport: 'udp' | 'tcp' = 'udp',
): Buffer {
  const build = (answers: ResourceRecord[], authority: ResourceRecord[], truncated: boolean) => {
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.id, 0);
    const flags =
      0x8000 |
      ((query.opcode & 0x0f) << 11) |
      (response.authoritative ? 0x0400 : 0) |
      (truncated ? 0x0200 : 0) |
      (query.recursionDesired ? 0x0100 : 0) |
      (response.rcode & 0x0f);
    header.writeUInt16BE(flags, 2);
    header.writeUInt16BE(query.question ? 1 : 0, 4);
    header.writeUInt16BE(answers.length, 6);
    header.writeUInt16BE(authority.length, 8);
    header.writeUInt16BE(query.ednsUdpSize === undefined ? 0 : 1, 10);
    return Buffer.concat([
      header,
      ...(query.question ? [writeQuestion(query.question)] : []),
      ...answers.map(writeRecord),
      ...authority.map(writeRecord),
      ...(query.ednsUdpSize === undefined ? [] : [writeOpt()]),
    ]);
  };
  const full = build(response.answers, response.authority, false);
  const limit = transport === 'tcp' ? 65_535 : Math.min(query.ednsUdpSize ?? CLASSIC_UDP_SIZE, EDNS_UDP_SIZE);
  return full.length <= limit ? full : build([], [], true);
}
