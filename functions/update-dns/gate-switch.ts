import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { z } from 'zod';
import type { Plan } from '../../plan/schema.ts';
import type { DnsOutput, dnsInputSchema } from '../shared/contracts.ts';
import { closeGate, describeGate, readGate } from '../shared/traffic-gate.ts';

type DnsInput = z.output<typeof dnsInputSchema>;

export interface GateSwitchPorts {
  plan: Plan;
  /** CloudWatch in the DR region: the only API the gate strategy calls. */
  cloudWatch: CloudWatchClient;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * The `gate` strategy: traffic moves when the gate alarm in the DR region enters ALARM, which
 * makes Route 53's health check on it unhealthy and the failover records answer with the DR
 * target. `start` reads the gate first and closes it only if it is open; `status` reads it again
 * and writes the closed value once more while the alarm has not yet evaluated it (a lost write
 * cannot leave the gate open). Nothing here ever opens the gate: traffic never drifts back.
 */
export async function switchGate(ports: GateSwitchPorts, input: DnsInput): Promise<DnsOutput> {
  const { plan, cloudWatch, now, logger } = ports;
  const reading = await readGate(cloudWatch, plan);
  const closedAlready = reading.state === 'closed';
  const before =
    input.operation === 'start' ? describeGate(plan, reading) : (input.before ?? describeGate(plan, reading));
  const base = {
    record: plan.dns.record,
    before,
    after: describeGate(plan, { state: 'closed', alarmState: 'ALARM' }),
    changeId: null,
    via: 'data-plane' as const,
  };
  if (closedAlready) {
    logger?.info('traffic gate is closed', { record: plan.dns.record, alarm: reading.alarmState });
    return {
      ...base,
      status: 'INSYNC',
      done: true,
      alreadySwitched: input.operation === 'start',
      submittedAt: input.operation === 'start' ? null : input.submittedAt,
      insyncAt: input.operation === 'start' ? null : (reading.changedAt ?? now().toISOString()),
      attempt: input.operation === 'start' ? input.attempt : input.attempt + 1,
    };
  }
  const at = now();
  await closeGate(cloudWatch, plan, at);
  logger?.info('traffic gate closing', { record: plan.dns.record, alarm: reading.alarmState });
  return {
    ...base,
    status: 'PENDING',
    done: false,
    alreadySwitched: false,
    submittedAt: input.operation === 'start' ? at.toISOString() : (input.submittedAt ?? at.toISOString()),
    insyncAt: null,
    attempt: input.operation === 'start' ? input.attempt : input.attempt + 1,
  };
}
