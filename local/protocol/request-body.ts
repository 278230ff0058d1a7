import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors.ts';
import type { Protocol } from './responders.ts';

/** Reads a body up to `limit` bytes (the rest is drained, so the client gets an answer). */
export async function readBodyUpTo(
  req: IncomingMessage,
  limit: number,
): Promise<{ data: Buffer; tooLarge: boolean }> {
  const declared = Number(req.headers['content-length']);
  let tooLarge = Number.isFinite(declared) && declared > limit;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    if (tooLarge) continue;
    size += (chunk as Buffer).length;
    if (size > limit) {
      tooLarge = true;
      chunks.length = 0;
      continue;
    }
    chunks.push(chunk as Buffer);
  }
  return { data: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
}

/**
 * Reads a request body up to its protocol's limit. Beyond it the rest is read and dropped (the
 * client gets its 413 instead of a reset connection), so that no request holds more than the
 * limit in memory.
 */
export async function readBoundedBody(
  req: IncomingMessage,
  protocol: Protocol,
): Promise<{ data: Buffer; tooLarge: boolean }> {
  return readBodyUpTo(req, BODY_LIMIT_BYTES[protocol]);
}

/**
 * The request body each protocol accepts, in bytes: 1 MiB, the largest request any operation
 * the world serves takes (CloudWatch PutMetricData: 1 MB per HTTP POST; Step Functions: 256 KiB
 * of input; SNS: 256 KiB of message; Route 53: 32,000 characters of values). See
 * docs/local-world.md, "Limits".
 */
export const BODY_LIMIT_BYTES: Record<Protocol, number> = {
  query: 1_048_576,
  json: 1_048_576,
  cbor: 1_048_576,
  restXml: 1_048_576,
};

export function requestTooLarge(protocol: Protocol): AwsError {
  const limit = BODY_LIMIT_BYTES[protocol];
  return new AwsError(
    'RequestEntityTooLarge',
    `The request body exceeds the maximum of ${limit} bytes.`,
    413,
  );
}
