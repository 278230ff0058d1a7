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
    expect(result.stdout).toContain('www.shop.example.com → primary.shop.example.com (primary)');
    expect(result.stdout).toContain('shop-primary-endpoint-unhealthy (us-east-1)');
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
