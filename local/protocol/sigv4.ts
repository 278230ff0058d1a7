import type { IncomingHttpHeaders } from 'node:http';

/**
 * Region and service of a request, from the SigV4 credential scope
 * (`Credential=AKID/20260101/us-east-1/rds/aws4_request`). The AWS SDK and the AWS CLI both sign
 * every request, so the scope says which region the caller meant.
 */
export interface SigningScope {
  accessKeyId: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

export function signingScope(headers: IncomingHttpHeaders): SigningScope | undefined {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = CREDENTIAL.exec(authorization);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { accessKeyId: match[1], region: match[2], service: match[3] };
}
