import type { IncomingMessage } from 'node:http';

/**
 * Who made a request. drctl marks its calls in the user agent (`drctl-call/<kind>`, see
 * functions/shared/call-kind.ts); calls made by an in-process Lambda invocation also carry
 * `<world>/<invocation>` in INVOCATION_HEADER (set by the world on the way out, see
 * stepfunctions/invocation-marks.ts). Anything else comes from outside: the AWS CLI, a test.
 */
export const INVOCATION_HEADER = 'x-drctl-world-invocation';

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value.slice(0, 2_048) : undefined;
};

/** The world and invocation that made a request, when an in-process invocation made it. */
export function invocationMarkOf(req: IncomingMessage): { world: string; invocation: string } | undefined {
  const [world, invocation, ...rest] = (header(req, INVOCATION_HEADER) ?? '').split('/');
  if (!world || !invocation || rest.length > 0) return undefined;
  return { world, invocation };
}

export function callerOf(req: IncomingMessage): { userAgent?: string; invocation?: string } {
  const userAgent = [header(req, 'x-amz-user-agent'), header(req, 'user-agent')].filter(Boolean).join(' ');
  const invocation = invocationMarkOf(req)?.invocation;
  return {
    ...(userAgent === '' ? {} : { userAgent }),
    ...(invocation === undefined ? {} : { invocation }),
  };
}

/** The world's one account has IAM users named by their access key id. */
export function callerArn(account: string, accessKeyId: string | undefined): string {
  return `arn:aws:iam::${account}:user/${accessKeyId ?? 'anonymous'}`;
}
