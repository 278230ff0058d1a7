import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { PlanInput } from '../../../plan/schema.ts';
import { runCli, scratchDirectory } from './run-cli.ts';

const REFERENCE = new URL('../../../drctl.plan.yaml', import.meta.url).pathname;

/** The reference plan with some fields replaced, written to a scratch file. */
function variant(change: (plan: PlanInput) => void): string {
  const plan = parse(readFileSync(REFERENCE, 'utf8')) as PlanInput;
  change(plan);
  const path = join(scratchDirectory(), 'variant.plan.yaml');
  writeFileSync(path, stringify(plan));
  return path;
}

/** Primary in us-west-2, DR in us-east-1: every regional field swapped. */
function swapRegions(plan: PlanInput): void {
  plan.regions = { primary: 'us-west-2', dr: 'us-east-1' };
  for (const db of plan.databases) {
    db.primary.region = 'us-west-2';
    db.replica.region = 'us-east-1';
  }
  // Each load balancer uses a certificate of its own region: the two swap as well.
  const certificates = plan.deployment?.certificateArns;
  if (plan.deployment && certificates) {
    plan.deployment.certificateArns = { primary: certificates.dr ?? '', dr: certificates.primary ?? '' };
  }
}

describe.concurrent('drctl readiness', () => {
  it('passes the reference plan: gate strategy, DR-side detection, nothing required in us-east-1', async () => {
    // Act
    const result = await runCli(['readiness']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('READY');
    expect(result.stdout).toMatch(
      /Switch traffic \(update-dns\)\n\s+✔ cloudwatch us-west-2 +DescribeAlarms, PutMetricData/,
    );
    expect(result.stdout).toContain('DR-side probe: survives');
    expect(result.stdout).toContain('Route 53 health check (fast path): lost with us-east-1');
  });

  it('fails a simple-strategy plan whose primary is us-east-1, saying which step needs the Route 53 API', async () => {
    // Prepare
    const plan = variant((p) => {
      p.dns.strategy = 'simple';
    });

    // Act
    const result = await runCli(['readiness', '--plan', plan]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('NOT READY');
    expect(result.stdout).toContain(
      'Switch traffic (update-dns) needs route53 ListResourceRecordSets, ChangeResourceRecordSets',
    );
    expect(result.stdout).toContain('use dns.strategy gate');
    expect(result.stderr).toContain('warning: dns.strategy: "simple"');
  });

  it('passes a simple-strategy plan whose primary is not us-east-1: the Route 53 API survives that outage', async () => {
    // Prepare
    const plan = variant((p) => {
      swapRegions(p);
      p.dns.strategy = 'simple';
    });

    // Act
    const result = await runCli(['readiness', '--plan', plan, '--json']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const verdict = JSON.parse(result.stdout) as { ready: boolean; detection: { survives: boolean }[] };
    expect(verdict.ready).toBe(true);
    // With us-east-1 as the DR region, both detection paths survive the loss of us-west-2.
    expect(verdict.detection.map((d) => d.survives)).toEqual([true, true]);
  });

  it('exits 2 for an invalid plan, naming the field', async () => {
    // Prepare
    const plan = variant((p) => {
      (p.dns as { strategy: string }).strategy = 'magic';
    });

    // Act
    const result = await runCli(['readiness', '--plan', plan]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('dns.strategy');
  });
});
