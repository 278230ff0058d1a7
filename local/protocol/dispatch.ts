import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cbor } from '@smithy/core/cbor';
import { callerOf } from './caller.ts';
import { AwsError, ConnectionRefused } from './errors.ts';
import { QueryParams } from './query-params.ts';
import { notImplemented, type RawRequest, type RawService, rawResponder } from './raw.ts';
import { readBodyUpTo, readBoundedBody, requestTooLarge } from './request-body.ts';
import {
  cborResponder,
  jsonResponder,
  type Protocol,
  queryResponder,
  type Responder,
  restXmlResponder,
} from './responders.ts';
import type { ObjectService, RequestContext, RestXmlRequest, ServerOptions, ServiceName } from './server.ts';
import { type JsonObject, objectToXml, queryToObject } from './shapes.ts';
import { signingScope } from './sigv4.ts';
import type { XmlObject } from './xml.ts';

/**
 * How a request finds its operation: the protocol from the request (x-amz-target → awsJson,
 * smithy-protocol → rpc-v2-cbor, /2013-04-01/ → Route 53 restXml, form `Action=` → awsQuery),
 * the region from the SigV4 scope, the operation by its own name only (an operation map's own
 * properties: `constructor` or `__proto__` is no operation). Every client mistake is answered
 * with the protocol's 4xx error; nothing a request holds can end the process.
 */

/** Signing names of the services, as they appear in the SigV4 scope. */
const SIGNING_NAMES: Record<string, ServiceName> = {
  rds: 'rds',
  ecs: 'ecs',
  route53: 'route53',
  sns: 'sns',
  monitoring: 'cloudwatch',
  states: 'sfn',
  sts: 'sts',
};

/**
 * A request for a service the world does not model (EC2, IAM, CloudWatch Logs, EventBridge, ELB…)
 * is told so, by name, with the error code of its protocol for an unknown operation (a client
 * mistake is a 4xx, as AWS answers a target or action no service has).
 */
const SIMULATED =
  'RDS, ECS, Route 53, CloudWatch, Step Functions, Lambda, SNS, S3, SSM Parameter Store, Secrets Manager and STS GetCallerIdentity';
export function notSimulated(code: 'UnknownOperationException' | 'InvalidAction', what: string): AwsError {
  return new AwsError(
    code,
    `The local world does not simulate ${bounded(what, 80)}. It simulates ${SIMULATED} (docs/local-world.md lists the operations).`,
  );
}

/** An operation of a map of operations, by its own name only. */
export function ownOperation<T>(operations: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(operations, name) ? operations[name] : undefined;
}

const bounded = (text: string, length = 200) => (text.length > length ? `${text.slice(0, length)}…` : text);

export async function dispatch(
  options: ServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    req.resume();
    return queryResponder(res, requestId, 'http://local.world/').error(
      new AwsError('InvalidURI', 'The request URI could not be parsed.'),
    );
  }
  const scope = signingScope(req.headers);
  const base = {
    region: scope?.region ?? options.defaultRegion,
    requestId,
    ...callerOf(req),
    ...(scope ? { caller: scope.accessKeyId.slice(0, 128) } : {}),
  };
  const rawService = scope ? options.raw?.find((s) => s.signingName === scope.service) : undefined;
  if (rawService) return raw(options, rawService, req, res, { base, url });
  const target = typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined;
  const rpc = /^\/service\/([^/]+)\/operation\/([^/]+)$/.exec(url.pathname);
  const rest = options.restXml.find((s) => url.pathname.startsWith(s.pathPrefix));
  const protocol: Protocol = target
    ? 'json'
    : rpc && req.headers['smithy-protocol'] === 'rpc-v2-cbor'
      ? 'cbor'
      : rest
        ? 'restXml'
        : 'query';

  const body = await readBoundedBody(req, protocol);

  if (protocol === 'json' || protocol === 'cbor') {
    const [prefix, operation] =
      protocol === 'json' ? splitTarget(target as string) : [rpc?.[1] ?? '', rpc?.[2] ?? ''];
    const service = options.objects.find((s) => s.targetPrefix === prefix);
    const queryCompatible = service?.queryCompatible !== undefined;
    const respond =
      protocol === 'json'
        ? jsonResponder(res, requestId, service?.jsonVersion ?? '1.1', queryCompatible)
        : cborResponder(res, requestId, queryCompatible);
    if (!service)
      return respond.error(
        notSimulated('UnknownOperationException', `the service of x-amz-target ${prefix}`),
      );
    const context: RequestContext = { ...base, service: service.service, operation: bounded(operation, 100) };
    return run(options, context, res, respond, body.tooLarge, async () => {
      const op = ownOperation(service.operations, operation);
      if (!op) throw new AwsError('UnknownOperationException', `Unknown operation ${bounded(operation)}`);
      const input = protocol === 'json' ? parseJsonBody(body.data) : parseCborBody(body.data);
      return op(input, context);
    });
  }

  if (protocol === 'restXml' && rest) {
    const respond = restXmlResponder(res, requestId, rest.xmlNamespace);
    const request: RestXmlRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: body.data.toString('utf8'),
    };
    const route = rest.route(request);
    const context: RequestContext = {
      ...base,
      service: rest.service,
      operation: route?.operation ?? 'Unknown',
    };
    return run(options, context, res, respond, body.tooLarge, async () => {
      if (!route) {
        throw new AwsError('InvalidAction', `No operation for ${request.method} ${bounded(request.path)}`);
      }
      return route.run(context);
    });
  }

  return query(options, req, res, { base, url, body, scope: scope?.service });
}

async function query(
  options: ServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  parts: {
    base: Omit<RequestContext, 'service' | 'operation'>;
    url: URL;
    body: { data: Buffer; tooLarge: boolean };
    scope: string | undefined;
  },
): Promise<void> {
  const serviceName = parts.scope === undefined ? undefined : SIGNING_NAMES[parts.scope];
  const queryService = options.query.find((s) => s.service === serviceName);
  const objectService = options.objects.find((s) => s.service === serviceName && s.queryCompatible);
  const namespace =
    queryService?.xmlNamespace ?? objectService?.queryCompatible?.xmlNamespace ?? 'http://local.world/';
  const respond = queryResponder(res, parts.base.requestId, namespace);
  if (parts.body.tooLarge) return respond.error(requestTooLarge('query'));
  let params: QueryParams;
  try {
    params = QueryParams.parse(
      req.method === 'POST' ? parts.body.data.toString('utf8') : parts.url.searchParams.toString(),
    );
  } catch (error) {
    return respond.error(
      error instanceof AwsError ? error : new AwsError('MalformedQueryString', 'Bad query'),
    );
  }
  const action = params.get('Action');
  if (parts.scope !== undefined && (!serviceName || (!queryService && !objectService))) {
    return respond.error(
      notSimulated('InvalidAction', `the ${parts.scope} API (SigV4 signing name ${parts.scope})`),
    );
  }
  if (!action || !serviceName || (!queryService && !objectService)) {
    return respond.error(
      new AwsError(
        'InvalidAction',
        `The action ${bounded(action ?? '(none)')} is not valid for this web service.`,
      ),
    );
  }
  const context: RequestContext = { ...parts.base, service: serviceName, operation: bounded(action, 100) };
  const invalid = () =>
    new AwsError('InvalidAction', `The action ${bounded(action)} is not valid for this web service.`);
  return run(options, context, res, respond, parts.body.tooLarge, async () => {
    if (queryService) {
      const op = ownOperation(queryService.operations, action);
      if (!op) throw invalid();
      return { root: `${action}Response`, result: await op(params, context) };
    }
    const op = ownOperation((objectService as ObjectService).operations, action);
    if (!op) throw invalid();
    const output = await op(queryToObject(params), context);
    return { root: `${action}Response`, result: objectToXml(output ?? {}) as XmlObject };
  });
}

/** A request of a service with its own HTTP shapes (see raw.ts). */
async function raw(
  options: ServerOptions,
  service: RawService,
  req: IncomingMessage,
  res: ServerResponse,
  parts: { base: Omit<RequestContext, 'service' | 'operation'>; url: URL },
): Promise<void> {
  const body = await readBodyUpTo(req, service.bodyLimitBytes);
  const request: RawRequest = {
    method: req.method ?? 'GET',
    path: parts.url.pathname,
    query: parts.url.searchParams,
    headers: req.headers,
    body: body.data,
  };
  const respond = rawResponder(res, parts.base.requestId, service, request);
  const operation = service.operationOf(request);
  const context: RequestContext = {
    ...parts.base,
    service: service.service,
    operation: operation ?? 'Unknown',
  };
  return run(options, context, res, respond, false, async () => {
    if (body.tooLarge) throw service.tooLarge(service.bodyLimitBytes);
    if (operation === undefined) throw notImplemented(`${request.method} ${bounded(request.path)}`);
    return service.handle(request, context);
  });
}

/** `Prefix.Operation`; anything else names no operation. */
function splitTarget(target: string): [string, string] {
  const dot = target.indexOf('.');
  return dot < 0 ? [target, ''] : [target.slice(0, dot), target.slice(dot + 1)];
}

function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}

/** An awsJson body: empty means `{}`; anything but a JSON object is a SerializationException. */
function parseJsonBody(data: Buffer): JsonObject {
  if (data.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw serialization(`The request body is not valid JSON: ${bounded((error as Error).message)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw serialization('The request body must be a JSON object.');
  }
  return parsed as JsonObject;
}

/** An rpc-v2-cbor body: empty means `{}`; anything but a CBOR map is a SerializationException. */
function parseCborBody(data: Buffer): JsonObject {
  if (data.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = cbor.deserialize(new Uint8Array(data));
  } catch (error) {
    throw serialization(
      `The request body is not valid CBOR: ${bounded(String((error as Error)?.message ?? error))}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof Uint8Array) {
    throw serialization('The request body must be a CBOR map.');
  }
  return parsed as JsonObject;
}

async function run(
  options: ServerOptions,
  context: RequestContext,
  res: ServerResponse,
  respond: Responder,
  tooLarge: boolean,
  operation: () => Promise<unknown>,
): Promise<void> {
  try {
    if (tooLarge) throw requestTooLarge(respond.protocol);
    await options.gate(context);
    const value = await operation();
    respond.ok(value);
    options.onRequest?.(context, 'ok');
  } catch (error) {
    if (error instanceof ConnectionRefused) {
      options.onRequest?.(context, 'refused');
      res.socket?.destroy();
      return;
    }
    const awsError = asAwsError(error);
    options.onRequest?.(context, awsError.code);
    respond.error(awsError);
  }
}

/**
 * What the world answers for an error an operation threw: its AwsError, a client mistake the
 * parsers or a deep input caused (4xx, never retried), or a fault of the world itself (500).
 */
function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  if (error instanceof SyntaxError)
    return serialization(`The request body could not be parsed: ${bounded(error.message)}`);
  if (error instanceof RangeError)
    return new AwsError(
      'ValidationError',
      `The request is too deeply nested or too large: ${bounded(error.message)}`,
    );
  if (error instanceof URIError)
    return new AwsError('InvalidInput', `The request URI holds an invalid percent-escape.`);
  return new AwsError(
    'InternalFailure',
    `The local world failed: ${bounded(String((error as Error)?.message ?? error))}`,
    500,
  );
}
