import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { callKindUserAgent } from './call-kind.ts';

/**
 * Client settings per region role. The orchestrator runs in the DR region, so success must not
 * depend on the primary: calls there get short timeouts and one retry, and their failure means
 * "unknown", never a stuck step. Endpoints come from the standard AWS_ENDPOINT_URL* variables,
 * which is how the local world redirects the unchanged code.
 */
export interface ClientOptions {
  region: string;
  /** Best-effort calls (primary region): short timeouts, few attempts. */
  bestEffort?: boolean;
  /** A call that waits on work behind it (a Lambda invoke): its own request timeout. */
  requestTimeoutMs?: number;
}

function config({ region, bestEffort = false, requestTimeoutMs }: ClientOptions) {
  return {
    region,
    maxAttempts: bestEffort ? 2 : 3,
    customUserAgent: callKindUserAgent(bestEffort ? 'best-effort' : 'required'),
    requestHandler: bestEffort
      ? { connectionTimeout: 1_000, requestTimeout: requestTimeoutMs ?? 2_000 }
      : { connectionTimeout: 3_000, requestTimeout: requestTimeoutMs ?? 10_000 },
  };
}

export const rdsClient = (options: ClientOptions) => new RDSClient(config(options));
export const ecsClient = (options: ClientOptions) => new ECSClient(config(options));
export const cloudWatchClient = (options: ClientOptions) => new CloudWatchClient(config(options));
export const snsClient = (options: ClientOptions) => new SNSClient(config(options));
export const sfnClient = (options: ClientOptions) => new SFNClient(config(options));
export const ssmClient = (options: ClientOptions) => new SSMClient(config(options));
export const lambdaClient = (options: ClientOptions) => new LambdaClient(config(options));
export const secretsManagerClient = (options: ClientOptions) => new SecretsManagerClient(config(options));
/** Route 53 is global; its control plane is in us-east-1. */
export const route53Client = () => new Route53Client(config({ region: 'us-east-1' }));
