import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Plan } from '../../plan/schema.ts';
import type { DnsLookup } from '../shared/dns-lookup.ts';
import type { HttpProbe } from '../shared/http-probe.ts';

/** Everything the health-monitor cores read through; each core takes the part it needs. */
export interface HealthMonitorPorts {
  plan: Plan;
  /** RDS in the DR region. */
  rds: RDSClient;
  /** RDS in the primary region: best effort, any failure means "unknown". */
  primaryRds: RDSClient;
  /** CloudWatch in the DR region. */
  cloudWatch: CloudWatchClient;
  /**
   * CloudWatch in us-east-1, best effort: the fast-path detection alarm (Route 53 health-check
   * metrics exist only there), read for the run's detection time. Absent: that alarm is unknown.
   */
  detectionCloudWatch?: CloudWatchClient;
  /** ECS in the DR region. */
  ecs: ECSClient;
  /** Route 53 API (us-east-1 control plane): only for dns.strategy simple and weighted. */
  route53?: Route53Client;
  /** Step Functions in the DR region: the run lock lists this state machine's executions. */
  sfn: SFNClient;
  probe: HttpProbe;
  /** Resolves names through DNS (the data plane), to see where the public record's traffic goes. */
  lookup: DnsLookup;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}
