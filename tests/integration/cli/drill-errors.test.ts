import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_AWS_CREDENTIALS, runCli, scratchDirectory } from './run-cli.ts';

// Each case is a fresh process; they are independent, so they run side by side.
describe.concurrent('drctl drill refuses bad input clearly, before touching anything', () => {
  it('an unknown flag exits 2 with the flag named and the usage', async () => {
    // Act
    const result = await runCli(['drill', '--no-such-flag']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--no-such-flag');
    expect(result.stderr).toContain('usage: drctl drill');
  });

  it('an unknown fault exits 2 listing the known faults', async () => {
    // Act
    const result = await runCli(['drill', '--fault', 'meteor-strike']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no fault "meteor-strike"');
    expect(result.stderr).toContain('tasks-fail-to-start');
    expect(result.stderr).toContain('reject-dns-change');
  });

  it("an invalid plan exits 2 with the loader's message naming the field", async () => {
    // Prepare
    const planPath = join(scratchDirectory(), 'bad.plan.yaml');
    writeFileSync(planPath, 'name: shop\nregions: { primary: us-east-1 }\n');

    // Act
    const result = await runCli(['drill', '--plan', planPath]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a valid recovery plan');
    expect(result.stderr).toContain('regions.dr');
  });

  it('--target aws without credentials says how to provide them', async () => {
    // Act
    const result = await runCli(['drill', '--target', 'aws'], NO_AWS_CREDENTIALS);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no AWS credentials found');
    expect(result.stderr).toContain('AWS_PROFILE');
    expect(result.stderr).toContain('AWS_ACCESS_KEY_ID');
  });

  it('--mode failover on AWS without --confirm refuses, whatever the credentials', async () => {
    // Act
    const withoutConfirm = await runCli(
      ['drill', '--target', 'aws', '--mode', 'failover'],
      NO_AWS_CREDENTIALS,
    );
    const wrongConfirm = await runCli(
      ['drill', '--target', 'aws', '--mode', 'failover', '--confirm', 'not-the-plan'],
      NO_AWS_CREDENTIALS,
    );

    // Assess
    expect(withoutConfirm.code).toBe(2);
    expect(withoutConfirm.stderr).toContain('refusing a real failover');
    expect(withoutConfirm.stderr).toContain('--confirm shop');
    expect(wrongConfirm.code).toBe(2);
    expect(wrongConfirm.stderr).toContain('"not-the-plan" is not the plan\'s name');
  });
});
