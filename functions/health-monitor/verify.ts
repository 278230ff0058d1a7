import { EndpointUnhealthyError } from '../../plan/errors.ts';
import type { VerifyOutput } from '../shared/contracts.ts';
import { describeProbe, isHealthyResponse } from '../shared/http-probe.ts';
import type { HealthMonitorPorts } from './ports.ts';

/** Long enough for a cold DR task behind an ALB, short enough for the state machine's retry loop. */
export const VERIFY_TIMEOUT_MS = 5_000;

type Ports = Pick<HealthMonitorPorts, 'plan' | 'probe' | 'now' | 'logger'>;

/**
 * One probe of the DR endpoint. Anything but a 2xx is EndpointUnhealthyError (retryable): the
 * state machine's Retry waits and probes again, with a bound, instead of this Lambda sleeping.
 */
export async function verify(ports: Ports): Promise<VerifyOutput> {
  const url = ports.plan.application.dr.healthUrl;
  const result = await ports.probe(url, VERIFY_TIMEOUT_MS);
  if (!isHealthyResponse(result)) {
    ports.logger?.warn('DR endpoint not healthy yet', { url, result });
    throw new EndpointUnhealthyError(
      `DR endpoint ${url} is not serving yet (${describeProbe(result)}): check the DR service's tasks and ALB target health; the state machine probes again`,
    );
  }
  return { url, httpStatus: result.status, verifiedAt: ports.now().toISOString() };
}
