import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Plan } from '../../plan/schema.ts';
import type { DnsLookup } from '../shared/dns-lookup.ts';
import type { HttpProbe } from '../shared/http-probe.ts';
import type { StateMachineArns } from '../shared/state-machines.ts';

/**
 * Everything the drill ops read and write through. Every client but `primaryLambda` is in the
 * DR region: a drill, like a failover, runs from there.
 */
export interface DrillPorts {
  plan: Plan;
  rds: RDSClient;
  cloudWatch: CloudWatchClient;
  ecs: ECSClient;
  sfn: SFNClient;
  /** Lambda in the DR region: the canary reader (heartbeats on the drill copies). */
  lambda: LambdaClient;
  /** Lambda in the primary region, best effort: the canary writer (heartbeats on the primaries). */
  primaryLambda: LambdaClient;
  machines: StateMachineArns;
  probe: HttpProbe;
  lookup: DnsLookup;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}
