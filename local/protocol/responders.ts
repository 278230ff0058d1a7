import type { ServerResponse } from 'node:http';
import { cbor, dateToTag } from '@smithy/core/cbor';
import type { AwsError } from './errors.ts';
import { datesToEpochSeconds, forCbor } from './shapes.ts';
import { escapeXml, type XmlObject, xmlDocument } from './xml.ts';

/**
 * How each protocol answers: its success body and its error shape. awsQuery and restXml errors
 * are `<ErrorResponse><Error><Type/><Code/><Message/></Error>`; awsJson errors are
 * `{"__type","message"}` with `x-amzn-errortype`; rpc-v2-cbor errors are CBOR `{__type, message}`.
 * Query-compatible JSON services (CloudWatch) also send `x-amzn-query-error: Code;Sender`.
 */
export type Protocol = 'query' | 'json' | 'cbor' | 'restXml';

export interface Responder {
  protocol: Protocol;
  ok(value: unknown): void;
  error(error: AwsError): void;
}

export interface RestXmlResponse {
  status?: number;
  root: string;
  body: XmlObject;
}

function xmlError(error: AwsError, namespace: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${error.sender ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

export function queryResponder(res: ServerResponse, requestId: string, namespace: string): Responder {
  return {
    protocol: 'query',
    ok(value) {
      const { root, result } = value as { root: string; result: XmlObject };
      const resultName = root.replace(/Response$/, 'Result');
      const body = xmlDocument(
        root,
        { [resultName]: result, ResponseMetadata: { RequestId: requestId } },
        namespace,
      );
      send(res, 200, 'text/xml', body, { 'x-amzn-requestid': requestId });
    },
    error(error) {
      send(res, error.status, 'text/xml', xmlError(error, namespace, requestId), {
        'x-amzn-requestid': requestId,
      });
    },
  };
}

export function restXmlResponder(res: ServerResponse, requestId: string, namespace: string): Responder {
  return {
    protocol: 'restXml',
    ok(value) {
      const { status = 200, root, body } = value as RestXmlResponse;
      send(res, status, 'text/xml', xmlDocument(root, body, namespace), { 'x-amzn-requestid': requestId });
    },
    error(error) {
      send(res, error.status, 'text/xml', xmlError(error, namespace, requestId), {
        'x-amzn-requestid': requestId,
      });
    },
  };
}

export function jsonResponder(
  res: ServerResponse,
  requestId: string,
  version: '1.0' | '1.1',
  queryCompatible: boolean,
): Responder {
  const contentType = `application/x-amz-json-${version}`;
  return {
    protocol: 'json',
    ok(value) {
      send(res, 200, contentType, JSON.stringify(datesToEpochSeconds(value ?? {})), {
        'x-amzn-requestid': requestId,
      });
    },
    error(error) {
      const headers: Record<string, string> = {
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': error.code,
      };
      if (queryCompatible)
        headers['x-amzn-query-error'] = `${error.code};${error.sender ? 'Sender' : 'Receiver'}`;
      send(
        res,
        error.status,
        contentType,
        JSON.stringify({ __type: error.code, message: error.message }),
        headers,
      );
    },
  };
}

export function cborResponder(res: ServerResponse, requestId: string, queryCompatible: boolean): Responder {
  const headers = { 'x-amzn-requestid': requestId, 'smithy-protocol': 'rpc-v2-cbor' };
  return {
    protocol: 'cbor',
    ok(value) {
      const payload = cbor.serialize(forCbor(value ?? {}, dateToTag));
      send(res, 200, 'application/cbor', Buffer.from(payload), headers);
    },
    error(error) {
      const extra: Record<string, string> = queryCompatible
        ? { 'x-amzn-query-error': `${error.code};${error.sender ? 'Sender' : 'Receiver'}` }
        : {};
      const payload = cbor.serialize({ __type: error.code, message: error.message });
      send(res, error.status, 'application/cbor', Buffer.from(payload), { ...headers, ...extra });
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(buffer.length),
    date: new Date().toUTCString(),
    ...headers,
  });
  res.end(buffer);
}
