import { describe, expect, it } from 'vitest';
import { NO_AWS_CREDENTIALS, runCli } from './run-cli.ts';

describe.concurrent('drctl status', () => {
  it('on a fresh local world shows replicas replicating, pilot-light services at zero and DNS on the primary', async () => {
    // Act
    const result = await runCli(['status', '--scale', '400']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /replica\s+shop-orders-replica \(us-west-2\): available, replica of .*shop-orders/,
    );
    expect(result.stdout).toMatch(/dr\s+shop-dr\/shop-web: 0 \/ 0 \/ 0/);
    // Traffic: the gate in the DR region is open, DNS answers the primary, the failover records exist.
    expect(result.stdout).toMatch(
      /gate +open: the primary may serve \(alarm shop-traffic-gate-closed in us-west-2/,
    );
    expect(result.stdout).toMatch(/DNS +answers primary\.shop\.example\.com \(primary\) \(data plane/);
    expect(result.stdout).toMatch(
      /records +.*PRIMARY shop-primary → primary\.shop\.example\.com \(health check /,
    );
    // Both detection paths, each in its own region.
    expect(result.stdout).toMatch(
      /fast path \(Route 53 health check\) +shop-primary-endpoint-unhealthy \(us-east-1\): OK/,
    );
    expect(result.stdout).toMatch(/DR-side probe +shop-primary-unreachable-from-dr \(us-west-2\): OK/);
    expect(result.stdout).toContain('not failed over (the DR replicas still replicate): nothing to fence');
    expect(result.stdout).toMatch(/waiting for a decision\n {2}none/);
  });

  it('--target aws without credentials says how to provide them', async () => {
    // Act
    const result = await runCli(['status', '--target', 'aws'], NO_AWS_CREDENTIALS);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no AWS credentials found');
  });

  it('an unknown flag is a usage error', async () => {
    // Act
    const result = await runCli(['status', '--bogus']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: drctl status');
  });
});
