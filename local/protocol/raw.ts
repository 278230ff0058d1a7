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
