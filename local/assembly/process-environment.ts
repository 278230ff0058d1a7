import { evidenceBucketName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { Endpoints } from '../endpoints.ts';
import { setEnvironment } from '../environment.ts';
import type { Cleanup } from './cleanup.ts';
import { evidenceKeyArn } from './drill-deployment.ts';

export interface WorldEnvironment {
  /** Environment for the AWS CLI or an SDK client pointed at the world. */
  env: Record<string, string>;
  topicArn: string;
}

/**
 * Points this process at the world: the AWS endpoint and dummy credentials for every SDK client,
 * and the variables the in-process handlers read at import (plan file, topic, Powertools).
 * The previous values come back on cleanup.
 */
export function enterWorldEnvironment(
  parts: { plan: Plan; account: string; endpoints: Endpoints; planFile: string; handlerLogLevel?: string },
  cleanup: Cleanup,
): WorldEnvironment {
  const { plan, account, endpoints, planFile } = parts;
  const topicArn = `arn:aws:sns:${plan.regions.dr}:${account}:${plan.notifications.topicName}`;
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: endpoints.awsUrl,
    AWS_ACCESS_KEY_ID: 'AKIALOCALWORLD000000',
    AWS_SECRET_ACCESS_KEY: 'local-world-secret-access-key-0000000000',
    AWS_REGION: plan.regions.dr,
    AWS_DEFAULT_REGION: plan.regions.dr,
    AWS_EC2_METADATA_DISABLED: 'true',
    // Route 53's data plane for the hosted zone: the functions resolve the public record through it
    // (node:dns Resolver.setServers); unset in AWS, where the system resolver is used.
    DRCTL_DNS_RESOLVER: endpoints.dnsAddress,
  };
  const restore = setEnvironment(
    {
      ...env,
      DRCTL_PLAN_FILE: planFile,
      DRCTL_TOPIC_ARN: topicArn,
      POWERTOOLS_LOG_LEVEL: parts.handlerLogLevel ?? process.env.DRCTL_WORLD_LOG_LEVEL ?? 'ERROR',
      POWERTOOLS_TRACE_ENABLED: 'false',
      // With tracing off nothing reads X-Ray's context, but the X-Ray SDK's automatic mode (its
      // default) installs cls-hooked's async hook at import, which then tracks every promise and
      // socket of this process: 6-15 % of a world test's CPU. Manual mode keeps it uninstalled.
      // (On Lambda tracing is on and the SDK runs in automatic mode, as Powertools expects.)
      AWS_XRAY_MANUAL_MODE: 'true',
      POWERTOOLS_DEV: 'false',
      // The world's MySQL endpoints have no TLS: the canary connects without it here, and only
      // here (on AWS it requires TLS with the RDS CA).
      DRCTL_DB_TLS: 'disabled',
      // The evidence function's bucket and key, as the CDK app sets them.
      DRCTL_EVIDENCE_BUCKET: evidenceBucketName(plan, account),
      DRCTL_EVIDENCE_KMS_KEY_ID: evidenceKeyArn(plan, account),
    },
    ['AWS_PROFILE', 'AWS_SESSION_TOKEN'],
  );
  cleanup.add(restore);
  return { env, topicArn };
}
