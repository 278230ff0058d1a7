import { ConfigurationError, ResourceNotFoundError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import { describeGate, publicGate, readGate } from '../shared/traffic-gate.ts';
import type { HealthMonitorPorts } from './ports.ts';
import { type DnsReading, readDnsRecord } from './read-dns-record.ts';

type Ports = Pick<HealthMonitorPorts, 'plan' | 'cloudWatch' | 'route53'>;

/**
 * Where the plan's public traffic goes now. The gate strategy reads the gate alarm in the DR
 * region (no Route 53 call); simple and weighted read the record through the Route 53 API.
 * Read failures are thrown (the state machine retries); a missing gate alarm or record is a
 * problem with its fix.
 */
export async function readTraffic(ports: Ports): Promise<DnsReading> {
  const { plan } = ports;
  if (plan.dns.strategy === 'gate') return readGateTraffic(ports);
  if (ports.route53 === undefined) throw missingRoute53(plan);
  try {
    return await readDnsRecord(ports.route53, plan);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
    return {
      pointsTo: null,
      currentValue: null,
      problem: `${plan.dns.record}: hosted zone not found (${error.message}): fix dns.hostedZoneId in the plan`,
    };
  }
}

async function readGateTraffic({ plan, cloudWatch }: Ports): Promise<DnsReading> {
  try {
    const gate = await readGate(cloudWatch, publicGate(plan));
    return {
      pointsTo: gate.state === 'closed' ? 'dr' : 'primary',
      currentValue: describeGate(publicGate(plan), gate),
      problem: null,
    };
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
    return { pointsTo: null, currentValue: null, problem: error.message };
  }
}

function missingRoute53(plan: Plan): ConfigurationError {
  return new ConfigurationError(
    `health-monitor has no Route 53 client for dns.strategy ${plan.dns.strategy}: the handler builds it from the deployed plan`,
  );
}
