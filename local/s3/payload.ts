import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { AwsError } from '../protocol/errors.ts';

/**
 * An S3 request's payload as S3 reads it: the body (decoded from `aws-chunked` when the SDK
 * streams it with a trailing checksum), checked against what the request says it is, as S3
 * checks it (S3 API Reference, "Common request headers"; S3 UG, "Checking object integrity"):
 * - `x-amz-content-sha256` with a hex digest: the body's SHA-256 (XAmzContentSHA256Mismatch);
 * - `Content-MD5`: the body's MD5, base64 (InvalidDigest when malformed, BadDigest otherwise);
 * - `x-amz-checksum-crc32`, `-sha1`, `-sha256` (header or trailer): the body's checksum
 *   (BadDigest). CRC32C and CRC64NVME are kept as given, unchecked (no implementation in Node).
 * The checksums S3 stores with the object and returns with `x-amz-checksum-mode: ENABLED`.
 */
export interface Payload {
  body: Buffer;
  /** Checksum header name (x-amz-checksum-crc32 ...) → base64 value. */
  checksums: Record<string, string>;
}

const CHECKSUM_HEADERS = [
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
] as const;

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function readPayload(raw: Buffer, headers: IncomingHttpHeaders): Payload {
  const sha256Header = header(headers, 'x-amz-content-sha256');
  const chunked =
    (sha256Header ?? '').startsWith('STREAMING-') ||
    (header(headers, 'content-encoding') ?? '').includes('aws-chunked');
  const { body, trailers } = chunked
    ? decodeChunked(raw)
    : { body: raw, trailers: {} as Record<string, string> };
  if (sha256Header !== undefined && /^[0-9a-f]{64}$/.test(sha256Header)) {
    if (createHash('sha256').update(raw).digest('hex') !== sha256Header) {
      throw new AwsError(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
  }
  const md5 = header(headers, 'content-md5');
  if (md5 !== undefined) {
    if (!/^[A-Za-z0-9+/]{22}==$/.test(md5))
      throw new AwsError('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (createHash('md5').update(body).digest('base64') !== md5) {
      throw new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
  }
  const checksums: Record<string, string> = {};
  for (const name of CHECKSUM_HEADERS) {
    const value = header(headers, name) ?? trailers[name];
    if (value === undefined) continue;
    const computed = computeChecksum(name, body);
    if (computed !== undefined && computed !== value) {
      const algorithm = name.replace('x-amz-checksum-', '').toUpperCase();
      throw new AwsError(
        'BadDigest',
        `The ${algorithm} you specified did not match the calculated checksum.`,
      );
    }
    checksums[name] = value;
  }
  return { body, checksums };
}

function computeChecksum(name: (typeof CHECKSUM_HEADERS)[number], body: Buffer): string | undefined {
  switch (name) {
    case 'x-amz-checksum-crc32': {
      const value = Buffer.alloc(4);
      value.writeUInt32BE(crc32(body) >>> 0);
      return value.toString('base64');
    }
    case 'x-amz-checksum-sha1':
      return createHash('sha1').update(body).digest('base64');
    case 'x-amz-checksum-sha256':
      return createHash('sha256').update(body).digest('base64');
    default:
      return undefined;
  }
}

/**
 * `aws-chunked` content encoding: `<hex size>[;chunk-signature=...]\r\n<bytes>\r\n` ... a 0-size
 * chunk, then trailer lines `name:value\r\n` and an empty line (SigV4 streaming, S3 API Reference).
 */
function decodeChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let offset = 0;
  const malformed = () =>
    new AwsError('IncompleteBody', 'The request body is not valid aws-chunked content.');
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) throw malformed();
    const size = Number.parseInt(raw.toString('latin1', offset, lineEnd).split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw malformed();
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size > raw.length) throw malformed();
    parts.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
  for (const line of raw.toString('latin1', offset).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}
