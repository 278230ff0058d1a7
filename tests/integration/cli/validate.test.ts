import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, scratchDirectory } from './run-cli.ts';

const REFERENCE = readFileSync(join(REPO_ROOT, 'drctl.plan.yaml'), 'utf8');

function planFile(text: string): string {
  const path = join(scratchDirectory(), 'plan.yaml');
  writeFileSync(path, text);
  return path;
}

describe.concurrent('drctl validate', () => {
  it('says the reference plan is valid and exits 0', async () => {
    // Act
    const result = await runCli(['validate']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'drctl validate: drctl.plan.yaml is a valid recovery plan: shop, us-east-1 → us-west-2, 2 database(s), 3 service(s)',
    );
  });

  it('reports every problem at once, each with its field, and exits 2', async () => {
    // Prepare: three things AWS would refuse
    const path = planFile(
      REFERENCE.replace('record: www.shop.example.com', 'record: shop.example.com')
        .replace('identifier: shop-catalog-replica', 'identifier: SHOP-ORDERS-REPLICA')
        .replace('dbInstanceClass: db.t4g.medium', 'dbInstanceClass: db.serverless'),
    );

    // Act
    const text = await runCli(['validate', '--plan', path]);
    const json = await runCli(['validate', '--plan', path, '--json']);

    // Assess
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('is not a valid recovery plan:');
    for (const field of ['dns.record', 'databases[1].replica.identifier', 'deployment.dbInstanceClass']) {
      expect(text.stderr).toContain(`\n  - ${field}: found `);
    }
    expect(json.code).toBe(2);
    const document = JSON.parse(json.stdout) as { valid: boolean; problems: { field: string }[] };
    expect(document.valid).toBe(false);
    expect(document.problems.map((p) => p.field)).toEqual([
      'dns.record',
      'databases[1].replica.identifier',
      'deployment.dbInstanceClass',
    ]);
  });

  it("prints the plan's warnings and still exits 0", async () => {
    // Prepare: a Route 53 API strategy with the primary in us-east-1
    const path = planFile(REFERENCE.replace('strategy: gate', 'strategy: simple'));

    // Act
    const result = await runCli(['validate', '--plan', path]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'drctl validate: warning: dns.strategy: "simple" moves traffic through the Route 53 API',
    );
  });

  it('exits 2 on a file that is not a plan', async () => {
    // Act
    const missing = await runCli(['validate', '--plan', '/nonexistent/plan.yaml']);
    const extra = await runCli(['validate', 'drctl.plan.yaml']);

    // Assess
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'drctl validate: Cannot read plan file /nonexistent/plan.yaml: no such file',
    );
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('drctl validate:');
  });
});
