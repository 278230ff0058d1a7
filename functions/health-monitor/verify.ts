import { EndpointUnhealthyError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { VerifyOutput } from '../shared/contracts.ts';
import { normalizeName } from '../shared/dns-lookup.ts';
import { describeProbe, isHealthyResponse } from '../shared/http-probe.ts';
import type { HealthMonitorPorts } from './ports.ts';

/** Long enough for a cold DR task behind an ALB, short enough for the state machine's retry loop. */
export const VERIFY_TIMEOUT_MS = 5_000;

type Ports = Pick<HealthMonitorPorts, 'plan' | 'probe' | 'lookup' | 'now' | 'logger'>;

/**
 * The DR endpoint serves, and DNS sends the public record's traffic there. Anything short of
 * that is EndpointUnhealthyError (retryable): the state machine's Retry waits and checks again,
 * with a bound, instead of this Lambda sleeping. DNS still answering the primary means traffic
 * has not moved yet (a cached answer lives for the record's TTL); a lookup that fails says
 * nothing about where traffic goes, so it is recorded as unknown and does not fail the run.
 */
export async function verify(ports: Ports): Promise<VerifyOutput> {
  const { plan } = ports;
  const url = plan.application.dr.healthUrl;
  const [result, dns] = await Promise.all([ports.probe(url, VERIFY_TIMEOUT_MS), resolveTraffic(ports)]);
  if (!isHealthyResponse(result)) {
    ports.logger?.warn('DR endpoint not healthy yet', { url, result });
    throw new EndpointUnhealthyError(
      `DR endpoint ${url} is not serving yet (${describeProbe(result)}): check the DR service's tasks and ALB target health; the state machine probes again`,
    );
  }
  if (dns.trafficTo === 'primary') {
    ports.logger?.warn('DNS still answers the primary target', { ...dns });
    throw new EndpointUnhealthyError(
      `DNS still answers ${dns.answer} for ${plan.dns.record}: traffic has not moved yet (${howTrafficMoves(plan)}; cached answers live ${plan.dns.ttl} s); the state machine checks again`,
    );
  }
  return { url, httpStatus: result.status, verifiedAt: ports.now().toISOString(), dns };
}

async function resolveTraffic(ports: Ports): Promise<VerifyOutput['dns']> {
  const { plan } = ports;
  const record = plan.dns.record;
  const found = await ports.lookup(record);
  if ('error' in found) return { record, answer: null, trafficTo: 'unknown', detail: found.error };
  const answer = found.targets[0] ?? null;
  const trafficTo =
    answer === normalizeName(plan.application.dr.target)
      ? 'dr'
      : answer === normalizeName(plan.application.primary.target)
        ? 'primary'
        : 'unknown';
  return { record, answer, trafficTo, detail: `DNS answers ${answer ?? 'nothing'} for ${record}` };
}

function howTrafficMoves(plan: Plan): string {
  return plan.dns.strategy === 'gate'
    ? 'Route 53 answers the DR target once its health check on the gate alarm turns unhealthy'
    : 'the Route 53 change is in sync, resolvers still hold the old answer';
}
