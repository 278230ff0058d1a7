import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from './errors.ts';
import type { Responder } from './responders.ts';
import type { RequestContext, ServiceName } from './server.ts';

/**
 * Services whose operations are HTTP requests of their own shape (S3's REST protocol, Lambda's
 * restJson Invoke): they read the method, path, query, headers and raw body themselves, answer
 * with a status, headers and a body of their choosing, and render errors their own way (S3's
 * `<Error>` document, Lambda's JSON). A request is theirs when its SigV4 scope names their
 * signing name (and, for a service sharing nothing else, its path matches).
 */
export interface RawRequest {
  method: string;
  /** The path as sent (percent-encoded). */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export interface RawService {
  service: ServiceName;
  /** The SigV4 signing name (`s3`, `lambda`). */
  signingName: string;
  /** Largest request body it reads, in bytes. */
  bodyLimitBytes: number;
  /** The operation a request names (for logs and counts), or undefined when none matches. */
  operationOf(request: RawRequest): string | undefined;
  handle(request: RawRequest, context: RequestContext): Promise<RawResponse> | RawResponse;
  /** How the service answers an error (status, headers, body). */
  errorResponse(error: AwsError, request: RawRequest, requestId: string): RawResponse;
  /** The error for a body over the limit. */
  tooLarge(limit: number): AwsError;
}

/** Reads the body up to the service's limit (the rest is drained, so the client gets an answer). */
export async function readRawBody(
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

export function rawResponder(
  res: ServerResponse,
  requestId: string,
  service: RawService,
  request: RawRequest,
): Responder {
  const write = (answer: RawResponse) => {
    if (res.headersSent || res.destroyed) return;
    const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body);
    const headOnly = request.method === 'HEAD';
    res.writeHead(answer.status, {
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString(),
      ...answer.headers,
      ...(answer.headers['content-length'] === undefined ? { 'content-length': String(body.length) } : {}),
    });
    res.end(headOnly ? undefined : body);
  };
  return {
    protocol: 'restXml',
    ok: (value) => write(value as RawResponse),
    error: (error) => write(service.errorResponse(error, request, requestId)),
  };
}

export const notImplemented = (what: string): AwsError =>
  new AwsError(
    'NotImplemented',
    `A header or query you provided implies functionality that is not implemented: ${what}`,
    501,
  );
