import { request } from 'node:http';
import { cbor } from '@smithy/core/cbor';
import { XMLParser } from 'fast-xml-parser';

/**
 * Requests as a careless client sends them: any method, path, headers and body, signed only as
 * far as the world reads a signature (the SigV4 credential scope names the region and service).
 */
export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Uint8Array;
  /** Signing scope; leave out for an unsigned request. */
  scope?: { region: string; service: string };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Set when the connection failed instead of answering. */
  failure?: string;
}

export function authorization(region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=AKIAFUZZ/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
}

export function rawRequest(endpoint: string, raw: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-length': String(body.length) }),
    ...(raw.scope ? { authorization: authorization(raw.scope.region, raw.scope.service) } : {}),
    ...raw.headers,
  };
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, method: raw.method ?? 'POST', path: raw.path ?? '/', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', (error) =>
          resolve({ status: 0, headers: {}, body: Buffer.alloc(0), failure: error.message }),
        );
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', (error) =>
      resolve({ status: 0, headers: {}, body: Buffer.alloc(0), failure: error.message }),
    );
    req.end(body);
  });
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false });

/** The error code of an AWS-shaped error answer in any of the world's protocols, or undefined. */
export function errorCode(response: RawResponse): string | undefined {
  const type = String(response.headers['content-type'] ?? '');
  try {
    if (type.includes('json')) {
      const parsed = JSON.parse(response.body.toString('utf8')) as { __type?: unknown };
      return typeof parsed.__type === 'string' ? parsed.__type : undefined;
    }
    if (type.includes('cbor')) {
      const parsed = cbor.deserialize(new Uint8Array(response.body)) as { __type?: unknown };
      return typeof parsed.__type === 'string' ? parsed.__type : undefined;
    }
    if (type.includes('xml')) {
      const parsed = xml.parse(response.body.toString('utf8')) as {
        ErrorResponse?: { Error?: { Code?: unknown } };
      };
      const code = parsed.ErrorResponse?.Error?.Code;
      return typeof code === 'string' ? code : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
