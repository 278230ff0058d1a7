import { EndpointUnhealthyError } from '../../plan/errors.ts';
import { drillRecordName } from '../../plan/names.ts';
import { normalizeName } from '../shared/dns-lookup.ts';
import type { DrillVerifyOutput } from '../shared/drill-contracts.ts';
import { describeProbe, isHealthyResponse } from '../shared/http-probe.ts';
import type { DrillPorts } from './ports.ts';

/** As the failover's verify: long enough for a cold DR task behind an ALB. */
export const VERIFY_TIMEOUT_MS = 5_000;

/**
 * The DR application serves through the drill name, end to end: DNS (Route 53's data plane, as
 * any client resolves it) must answer the DR target for the drill name, and the DR health URL
 * must answer 2xx. Anything short of that is EndpointUnhealthyError (retryable): the state
 * machine checks again with a bound, as the failover's verify. Unlike the failover, an unknown
 * DNS answer is not good enough: proving the name moves is what the drill is for.
 */
export async function verifyThroughDrillName(
  ports: Pick<DrillPorts, 'plan' | 'probe' | 'lookup' | 'now' | 'logger'>,
): Promise<DrillVerifyOutput> {
  const { plan } = ports;
  const record = drillRecordName(plan);
  const drTarget = normalizeName(plan.application.dr.target);
  const found = await ports.lookup(record);
  if ('error' in found) {
    throw new EndpointUnhealthyError(
      `${found.error}: the drill name must resolve to ${drTarget}; checked again`,
    );
  }
  const answer = found.targets[0] ?? null;
  if (answer !== drTarget) {
    throw new EndpointUnhealthyError(
      `DNS answers ${answer ?? 'nothing'} for ${record}, not the DR target ${drTarget}: the drill gate has not moved it yet (Route 53 answers the DR target once its health check on the drill gate alarm is unhealthy); checked again`,
    );
  }
  const url = plan.application.dr.healthUrl;
  const result = await ports.probe(url, VERIFY_TIMEOUT_MS);
  if (!isHealthyResponse(result)) {
    ports.logger?.warn('DR endpoint not healthy yet', { url, result });
    throw new EndpointUnhealthyError(
      `${record} resolves to ${drTarget}, but the DR endpoint ${url} is not serving yet (${describeProbe(result)}): checked again`,
    );
  }
  return {
    url,
    httpStatus: result.status,
    verifiedAt: ports.now().toISOString(),
    dns: { record, answer, trafficTo: 'dr', detail: `DNS answers ${answer} for ${record}` },
  };
}
