import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Plan } from '../../plan/schema.ts';
import type { DnsOutput, dnsInputSchema } from '../shared/contracts.ts';
import { closeGateStep } from '../shared/gate-switch.ts';
import { publicGate } from '../shared/traffic-gate.ts';
import type * as z from '../shared/validator.ts';

type DnsInput = z.output<typeof dnsInputSchema>;

export interface GateSwitchPorts {
  plan: Plan;
  /** CloudWatch in the DR region: the only API the gate strategy calls. */
  cloudWatch: CloudWatchClient;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * The `gate` strategy: close the public record's gate (functions/shared/gate-switch.ts). Nothing
 * here ever opens the gate: traffic never drifts back.
 */
export async function switchGate(ports: GateSwitchPorts, input: DnsInput): Promise<DnsOutput> {
  const { plan, logger } = ports;
  const result = await closeGateStep(ports, publicGate(plan), input);
  logger?.info(result.done ? 'traffic gate is closed' : 'traffic gate closing', {
    record: plan.dns.record,
    status: result.status,
  });
  return { ...result, changeId: null, via: 'data-plane' };
}
