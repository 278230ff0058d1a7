import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cbor, dateToTag } from '@smithy/core/cbor';
import { AwsError, ConnectionRefused } from './errors.ts';
import { QueryParams } from './query-params.ts';
import { datesToEpochSeconds, forCbor, type JsonObject, objectToXml, queryToObject } from './shapes.ts';
import { signingScope } from './sigv4.ts';
import { escapeXml, type XmlObject, xmlDocument } from './xml.ts';

/**
 * The world's one HTTP endpoint for every service and region. It recognises the protocol from
 * the request (x-amz-target → awsJson, smithy-protocol → rpc-v2-cbor, /2013-04-01/ → Route 53
 * restXml, form `Action=` → awsQuery), the region from the SigV4 scope, and answers in the
 * protocol's own success and error shapes.
 */
export type ServiceName = 'rds' | 'ecs' | 'route53' | 'sns' | 'cloudwatch' | 'sfn' | 'ssm';

export interface RequestContext {
  service: ServiceName;
  region: string;
  operation: string;
  requestId: string;
  /** The access key that signed the request (SigV4), when it was signed. */
  caller?: string;
}

export type QueryOperation = (params: QueryParams, context: RequestContext) => XmlObject | Promise<XmlObject>;
export type ObjectOperation = (input: JsonObject, context: RequestContext) => unknown;

export interface QueryService {
  service: ServiceName;
  xmlNamespace: string;
  operations: Record<string, QueryOperation>;
}

/** A service modelled with JSON-shaped input and output (ECS, Step Functions, CloudWatch). */
export interface ObjectService {
  service: ServiceName;
  /** x-amz-target prefix, e.g. AmazonEC2ContainerServiceV20141113. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  /** CloudWatch also answers awsQuery (with this XML namespace) and sends x-amzn-query-error. */
  queryCompatible?: { xmlNamespace: string };
  operations: Record<string, ObjectOperation>;
}

export interface RestXmlRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}
export interface RestXmlResponse {
  status?: number;
  root: string;
  body: XmlObject;
}
export interface RestXmlService {
  service: ServiceName;
  pathPrefix: string;
  xmlNamespace: string;
  /** Returns the operation name for a request, or undefined when no operation matches. */
  route(
    request: RestXmlRequest,
  ): { operation: string; run: (context: RequestContext) => Promise<RestXmlResponse> } | undefined;
}

/** Hook for faults: may throw AwsError (throttling, 5xx) or ConnectionRefused, or delay. */
export type RequestGate = (context: RequestContext) => Promise<void>;

export interface ServerOptions {
  query: QueryService[];
  objects: ObjectService[];
  restXml: RestXmlService[];
  gate: RequestGate;
  /** Default region when a request is not signed. */
  defaultRegion: string;
  onRequest?: (context: RequestContext, outcome: string) => void;
}

/** Signing names of the services, as they appear in the SigV4 scope. */
const SIGNING_NAMES: Record<string, ServiceName> = {
  rds: 'rds',
  ecs: 'ecs',
  route53: 'route53',
  sns: 'sns',
  monitoring: 'cloudwatch',
  states: 'sfn',
};

type Protocol = 'query' | 'json' | 'cbor' | 'restXml';

/** The request listener of the world's AWS endpoint (the world hosts it on a loopback server). */
export function awsRequestListener(
  options: ServerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`internal error in the local world: ${String(error)}`);
      }
    });
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const scope = signingScope(req.headers);
  const region = scope?.region ?? options.defaultRegion;
  const requestId = randomUUID();
  const target = typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined;

  // awsJson: x-amz-target Prefix.Operation
  if (target) {
    const [prefix, operation = ''] = target.split('.');
    const service = options.objects.find((s) => s.targetPrefix === prefix);
    const respond = jsonResponder(res, requestId, service?.jsonVersion ?? '1.1', service?.queryCompatible);
    if (!service) {
      return respond.error(new AwsError('UnknownOperationException', `Unknown target ${target}`));
    }
    const context: RequestContext = {
      service: service.service,
      region,
      operation,
      requestId,
      ...(scope ? { caller: scope.accessKeyId } : {}),
    };
    return run(options, context, res, respond, async () => {
      const op = service.operations[operation];
      if (!op) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
      const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as JsonObject) : {};
      return op(input, context);
    });
  }

  // Smithy RPC v2 CBOR: POST /service/<Service>/operation/<Operation>
  const rpc = /^\/service\/([^/]+)\/operation\/([^/]+)$/.exec(url.pathname);
  if (rpc && req.headers['smithy-protocol'] === 'rpc-v2-cbor') {
    const [, prefix = '', operation = ''] = rpc;
    const service = options.objects.find((s) => s.targetPrefix === prefix);
    const respond = cborResponder(res, requestId, service?.queryCompatible !== undefined);
    if (!service)
      return respond.error(new AwsError('UnknownOperationException', `Unknown service ${prefix}`));
    const context: RequestContext = { service: service.service, region, operation, requestId };
    return run(options, context, res, respond, async () => {
      const op = service.operations[operation];
      if (!op) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
      const input = body.length > 0 ? (cbor.deserialize(new Uint8Array(body)) as JsonObject) : {};
      return op(input ?? {}, context);
    });
  }

  // restXml (Route 53)
  const rest = options.restXml.find((s) => url.pathname.startsWith(s.pathPrefix));
  if (rest) {
    const respond = restXmlResponder(res, requestId, rest.xmlNamespace);
    const request: RestXmlRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: body.toString('utf8'),
    };
    const route = rest.route(request);
    const context: RequestContext = {
      service: rest.service,
      region,
      operation: route?.operation ?? 'Unknown',
      requestId,
    };
    return run(options, context, res, respond, async () => {
      if (!route) throw new AwsError('InvalidAction', `No operation for ${request.method} ${request.path}`);
      return route.run(context);
    });
  }

  // awsQuery: form-encoded Action=...
  const params = QueryParams.parse(
    req.method === 'POST' ? body.toString('utf8') : url.searchParams.toString(),
  );
  const action = params.get('Action');
  const serviceName = scope ? SIGNING_NAMES[scope.service] : undefined;
  const queryService = options.query.find((s) => s.service === serviceName);
  const objectService = options.objects.find((s) => s.service === serviceName && s.queryCompatible);
  const namespace =
    queryService?.xmlNamespace ?? objectService?.queryCompatible?.xmlNamespace ?? 'http://local.world/';
  const respond = queryResponder(res, requestId, namespace);
  if (!action || (!queryService && !objectService) || !serviceName) {
    return respond.error(
      new AwsError('InvalidAction', `The action ${action ?? '(none)'} is not valid for this web service.`),
    );
  }
  const context: RequestContext = { service: serviceName, region, operation: action, requestId };
  return run(options, context, res, respond, async () => {
    if (queryService) {
      const op = queryService.operations[action];
      if (!op) throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
      return { root: `${action}Response`, result: await op(params, context) };
    }
    const op = objectService?.operations[action];
    if (!op) throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
    const output = await op(queryToObject(params), context);
    return { root: `${action}Response`, result: objectToXml(output ?? {}) as XmlObject };
  });
}

interface Responder {
  protocol: Protocol;
  ok(value: unknown, context: RequestContext): void;
  error(error: AwsError): void;
}

async function run(
  options: ServerOptions,
  context: RequestContext,
  res: ServerResponse,
  respond: Responder,
  operation: () => Promise<unknown>,
): Promise<void> {
  try {
    await options.gate(context);
    const value = await operation();
    respond.ok(value, context);
    options.onRequest?.(context, 'ok');
  } catch (error) {
    if (error instanceof ConnectionRefused) {
      options.onRequest?.(context, 'refused');
      res.socket?.destroy();
      return;
    }
    const awsError =
      error instanceof AwsError
        ? error
        : error instanceof SyntaxError
          ? new AwsError('SerializationException', `The request body could not be parsed: ${error.message}`)
          : new AwsError('InternalFailure', `The local world failed: ${(error as Error).message}`, 500);
    options.onRequest?.(context, awsError.code);
    respond.error(awsError);
  }
}

function queryResponder(res: ServerResponse, requestId: string, namespace: string): Responder {
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
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${error.sender ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      send(res, error.status, 'text/xml', body, { 'x-amzn-requestid': requestId });
    },
  };
}

function restXmlResponder(res: ServerResponse, requestId: string, namespace: string): Responder {
  return {
    protocol: 'restXml',
    ok(value) {
      const { status = 200, root, body } = value as RestXmlResponse;
      send(res, status, 'text/xml', xmlDocument(root, body, namespace), { 'x-amzn-requestid': requestId });
    },
    error(error) {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${error.sender ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      send(res, error.status, 'text/xml', body, { 'x-amzn-requestid': requestId });
    },
  };
}

function jsonResponder(
  res: ServerResponse,
  requestId: string,
  version: '1.0' | '1.1',
  queryCompatible: { xmlNamespace: string } | undefined,
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

function cborResponder(res: ServerResponse, requestId: string, queryCompatible: boolean): Responder {
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
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(buffer.length),
    date: new Date().toUTCString(),
    ...headers,
  });
  res.end(buffer);
}
