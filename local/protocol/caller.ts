import type { IncomingMessage } from 'node:http';

/**
 * Who made a request. drctl marks its calls in the user agent (`drctl-call/<kind>`, see
 * functions/shared/call-kind.ts); calls made by an in-process Lambda invocation also carry the
 * invocation's id in INVOCATION_HEADER (set by the world on the way out, see
 * stepfunctions/invocation-time.ts). Anything else comes from outside: the AWS CLI, a test.
 */
export const INVOCATION_HEADER = 'x-drctl-world-invocation';

export function callerOf(req: IncomingMessage): { userAgent?: string; invocation?: string } {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value.slice(0, 2_048) : undefined;
  };
  const userAgent = [header('x-amz-user-agent'), header('user-agent')].filter(Boolean).join(' ');
  const invocation = header(INVOCATION_HEADER);
  return {
    ...(userAgent === '' ? {} : { userAgent }),
    ...(invocation === undefined ? {} : { invocation }),
  };
}

/** The world's one account has IAM users named by their access key id. */
export function callerArn(account: string, accessKeyId: string | undefined): string {
  return `arn:aws:iam::${account}:user/${accessKeyId ?? 'anonymous'}`;
}
