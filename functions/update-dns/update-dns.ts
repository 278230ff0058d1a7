import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Route53Client } from '@aws-sdk/client-route-53';
import { ConfigurationError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DnsOutput, dnsInputSchema } from '../shared/contracts.ts';
import type { RunGuard } from '../shared/run-guard.ts';
import type * as z from '../shared/validator.ts';
import { switchGate } from './gate-switch.ts';
import { switchRecord } from './route53-switch.ts';

export type DnsInput = z.output<typeof dnsInputSchema>;

/** The switch needs CloudWatch in the DR region (gate) or the Route 53 API (simple, weighted). */
export interface UpdateDnsPorts {
  plan: Plan;
  route53?: Route53Client;
  cloudWatch?: CloudWatchClient;
  /** Moving traffic off the primary is an outage for a healthy one: only for a run past its point of no return. */
  pastPointOfNoReturn: RunGuard;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** Moves the plan's public traffic to the DR region with the plan's strategy (`start`, then `status`). */
export async function updateDns(ports: UpdateDnsPorts, input: DnsInput): Promise<DnsOutput> {
  const { plan, route53, cloudWatch } = ports;
  // `status` too: the gate's status re-asserts the closed gate.
  await ports.pastPointOfNoReturn(input.correlationId, 'update-dns');
  if (plan.dns.strategy === 'gate') {
    if (cloudWatch === undefined) throw missingClient('CloudWatch', plan);
    return switchGate({ ...ports, cloudWatch }, input);
  }
  if (route53 === undefined) throw missingClient('Route 53', plan);
  return switchRecord({ ...ports, route53 }, input);
}

function missingClient(client: string, plan: Plan): ConfigurationError {
  return new ConfigurationError(
    `update-dns has no ${client} client for dns.strategy ${plan.dns.strategy}: the handler builds it from the deployed plan`,
  );
}
