import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatch } from './dispatch.ts';
import type { QueryParams } from './query-params.ts';
import type { RawService } from './raw.ts';
import type { RestXmlResponse } from './responders.ts';
import type { JsonObject } from './shapes.ts';
import type { XmlObject } from './xml.ts';

export type { RestXmlResponse } from './responders.ts';

/**
 * The world's one HTTP endpoint for every service and region: the services it serves and how
 * (see dispatch.ts for how a request finds its operation).
 */
/** `lambda` is Lambda's Invoke as Step Functions calls it (in process: no wire protocol). */
export type ServiceName =
  | 'rds'
  | 'ecs'
  | 'route53'
  | 'sns'
  | 'cloudwatch'
  | 'sfn'
  | 'lambda'
  | 'ssm'
  | 's3'
  | 'secretsmanager'
  | 'sts';

export interface RequestContext {
  service: ServiceName;
  region: string;
  operation: string;
  requestId: string;
  /** The caller's user agent (`x-amz-user-agent` and `user-agent`): drctl marks its calls there. */
  userAgent?: string;
  /** The in-process Lambda invocation that made the call, if any (see stepfunctions/invocation-time.ts). */
  invocation?: string;
  /** The access key that signed the request (SigV4), when it was signed. */
  caller?: string;
  /**
   * The resources a mutating operation changed or tried to change (ARNs, or the world's names
   * for what has none; see local/mutations.ts), filled in by the operation.
   */
  resources?: string[];
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
  /** Services with their own HTTP shapes (S3, Lambda Invoke), found by their SigV4 signing name. */
  raw?: RawService[];
  gate: RequestGate;
  /** Default region when a request is not signed. */
  defaultRegion: string;
  onRequest?: (context: RequestContext, outcome: string) => void;
}

/** The request listener of the world's AWS endpoint (the world hosts it on a loopback server). */
export function awsRequestListener(
  options: ServerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.on('error', () => res.destroy());
    dispatch(options, req, res).catch(() => {
      // dispatch answers every request itself; reaching here means the client went away.
      if (!res.headersSent) res.destroy();
    });
  };
}
