import { describe, expect, it } from 'vitest';
import { VERIFY_TIMEOUT_MS, verify } from '../../../../functions/health-monitor/verify.ts';
import { EndpointUnhealthyError } from '../../../../plan/errors.ts';
import { createWorld, NOW } from './world.ts';

const DR_URL = 'https://dr.shop.example.com/health';

async function verifyError(world: ReturnType<typeof createWorld>): Promise<EndpointUnhealthyError> {
  const error = await verify(world.ports).then(
    () => {
      throw new Error('expected verify to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EndpointUnhealthyError);
  return error as EndpointUnhealthyError;
}

describe('verify', () => {
  it('confirms the DR endpoint serves with a 2xx, probing the plan URL with a 5 s timeout', async () => {
    // Prepare
    const world = createWorld();
    world.probeResults.set(DR_URL, { outcome: 'response', status: 204 });

    // Act
    const output = await verify(world.ports);

    // Assess
    expect(output).toEqual({
      url: DR_URL,
      httpStatus: 204,
      verifiedAt: NOW.toISOString(),
      dns: {
        record: 'www.shop.example.com',
        answer: 'dr.shop.example.com',
        trafficTo: 'dr',
        detail: 'DNS answers dr.shop.example.com for www.shop.example.com',
      },
    });
    expect(world.probeCalls).toEqual([{ url: DR_URL, timeoutMs: VERIFY_TIMEOUT_MS }]);
    expect(VERIFY_TIMEOUT_MS).toBe(5_000);
  });

  it('throws a retryable EndpointUnhealthyError on a 503', async () => {
    // Prepare
    const world = createWorld();
    world.probeResults.set(DR_URL, { outcome: 'response', status: 503 });

    // Act
    const error = await verifyError(world);

    // Assess
    expect(error.retryable).toBe(true);
    expect(error.name).toBe('EndpointUnhealthyError');
    expect(error.message).toContain('HTTP 503');
  });

  it('treats a redirect as not serving', async () => {
    // Prepare
    const world = createWorld();
    world.probeResults.set(DR_URL, { outcome: 'response', status: 302 });

    // Act
    const error = await verifyError(world);

    // Assess
    expect(error.message).toContain('HTTP 302');
  });

  it('throws EndpointUnhealthyError when nothing answers or the name does not resolve yet', async () => {
    // Prepare
    const refused = createWorld();
    refused.probeResults.set(DR_URL, { outcome: 'no-response', reason: `${DR_URL}: ECONNREFUSED` });
    const unresolved = createWorld();
    unresolved.probeResults.set(DR_URL, {
      outcome: 'not-attempted',
      reason: 'cannot resolve dr.shop.example.com',
    });

    // Act
    const refusedError = await verifyError(refused);
    const unresolvedError = await verifyError(unresolved);

    // Assess
    expect(refusedError.message).toContain('ECONNREFUSED');
    expect(unresolvedError.message).toContain('cannot resolve dr.shop.example.com');
  });

  it('throws a retryable EndpointUnhealthyError while DNS still answers the primary target', async () => {
    // Prepare
    const world = createWorld();
    world.dnsAnswers.set('www.shop.example.com', { targets: ['primary.shop.example.com'] });

    // Act
    const error = await verifyError(world);

    // Assess
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('DNS still answers primary.shop.example.com');
    expect(error.message).toContain('60 s');
  });

  it('records a failed DNS lookup as unknown traffic without failing: the endpoint serves', async () => {
    // Prepare
    const world = createWorld();
    world.dnsAnswers.set('www.shop.example.com', {
      error: 'DNS lookup of www.shop.example.com failed (ETIMEOUT)',
    });

    // Act
    const output = await verify(world.ports);

    // Assess
    expect(output.dns).toMatchObject({ answer: null, trafficTo: 'unknown' });
    expect(output.dns.detail).toContain('ETIMEOUT');
  });
});
