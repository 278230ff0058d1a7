import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS } from '../../../local/index.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import { runReportSchema } from '../../../report/schema.ts';
import { REPO_ROOT, runCli, scratchDirectory } from './run-cli.ts';

const plan = loadPlanFile(join(REPO_ROOT, 'drctl.plan.yaml'));

describe('drctl drill on the reference plan (local world)', () => {
  it('fails over unattended within the objectives and leaves a report whose RTO and RPO match the world', async () => {
    // Prepare
    const jsonPath = join(scratchDirectory(), 'drill.json');

    // Act
    const result = await runCli(['drill', '--scale', '300', '--json', jsonPath]);

    // Assess
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = runReportSchema.parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect(report.target).toBe('local');
    expect(report.outcome).toBe('failed-over');
    expect(report.trigger.kind).toBe('alarm');
    const detection = report.detection.seconds as number;
    const rto = report.rto.seconds as number;
    // Detection: the fast path needs the health checks' failure threshold and its alarm's periods; the
    // DR-side probe its failed minutes and one more (issue 9: within 4 simulated minutes).
    expect(detection).toBeGreaterThan(0);
    const bound =
      report.detection.path === 'dr-probe'
        ? (plan.detection.probe.failedMinutes + 1) * 60
        : plan.detection.healthCheck.intervalSeconds * (plan.detection.healthCheck.failureThreshold + 1) +
          plan.detection.alarm.periodSeconds * plan.detection.alarm.evaluationPeriods;
    expect(detection).toBeLessThanOrEqual(bound);
    expect(detection).toBeLessThanOrEqual(240);
    // Service cannot come back before detection plus a replica promotion.
    expect(rto).toBeGreaterThanOrEqual(detection + DEFAULT_TIMINGS.promotionSeconds);
    expect(rto).toBeLessThanOrEqual(plan.objectives.rtoSeconds);
    expect(report.rto.met).toBe(true);
    expect(Date.parse(report.rto.servingAt as string) - Date.parse(report.outage.startedAt as string)).toBe(
      Math.round(rto * 1000),
    );
    // Two databases each lose the writes still in flight at the outage (lag × rate).
    expect(report.rpo.writesLost).toBeGreaterThan(0);
    expect(report.rpo.seconds).toBeGreaterThan(0);
    // The world counted them: a measurement, not the estimate an AWS run's report carries.
    expect(report.rpo.basis).toBe('measured');
    expect(report.rpo.writesLost).toBeLessThanOrEqual(
      plan.databases.length * Math.ceil((report.rpo.seconds as number) * DEFAULT_TIMINGS.writesPerSecond),
    );
    expect(report.changes.map((c) => c.resource)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('shop-orders-replica'),
        expect.stringContaining('shop-web'),
      ]),
    );
    expect(report.steps.filter((s) => s.outcome === 'failed')).toEqual([]);
    // What it printed as it went agrees: each promotion (polled in its child execution) succeeded.
    expect(result.stdout).toMatch(/Promote orders: succeeded in /);
    expect(result.stdout).toMatch(/Scale web: succeeded in /);
    expect(result.stdout).not.toContain('stopped before it was done');
    // Issue 9: which detection path fired, traffic through the data plane, and what the recovery
    // called: counted by the world, with no required call to the failed region or the Route 53 API.
    expect(report.detection.path).toMatch(/^(dr-probe|route53-health-check)$/);
    expect(report.detection.alarm).toMatch(/^shop-primary-/);
    expect(report.traffic).toMatchObject({
      via: 'data-plane',
      answer: 'dr.shop.example.com',
      trafficTo: 'dr',
    });
    expect(report.dependencySource?.kind).toBe('measured');
    const dependencies = report.dependencies ?? [];
    expect(dependencies.length).toBeGreaterThan(0);
    expect(dependencies.every((row) => row.calls !== null && row.calls > 0)).toBe(true);
    expect(
      dependencies.filter((row) => row.required && (row.region === 'us-east-1' || row.service === 'route53')),
    ).toEqual([]);
    expect(dependencies).toContainEqual(
      expect.objectContaining({
        service: 'cloudwatch',
        region: 'us-west-2',
        operation: 'PutMetricData',
        required: true,
      }),
    );
    // Issue 10: the confirmation, the decision (none needed) and fencing (pending: us-east-1 is down).
    expect(report.confirmation).toMatchObject({ primaryChecked: true, primary: 'down' });
    expect(report.decision?.status).toBe('not-required');
    expect(report.fencing?.resources.filter((r) => r.kind !== 'traffic').map((r) => r.outcome)).toEqual(
      expect.arrayContaining(['pending']),
    );
    const names = report.steps.map((s) => s.step);
    expect(names).toEqual(
      expect.arrayContaining(['Confirm', 'Fence old primary', 'Switch traffic', 'Verify']),
    );
    expect(names.filter((name) => name === 'Fence old primary')).toHaveLength(1);
    expect(result.stdout).toMatch(
      /detection {2}.* by the (DR-side probe|fast path \(Route 53 health check\)) \(alarm shop-primary-/,
    );
    expect(result.stdout).toMatch(
      /traffic {4}moved through the data plane \(traffic gate in us-west-2, no Route 53 API call\)/,
    );
    expect(result.stdout).toMatch(
      /calls {6}no required call reached us-east-1 or the Route 53 API \(\d+ calls counted/,
    );
    expect(result.stdout).toMatch(/fencing {4}old primary \(\d+ pass(es)?\): 0 of 5 fenced, 5 pending/);
    // Internal state names never show; a retried attempt is not a failure.
    expect(result.stdout).not.toMatch(/FencePrimary|RequestDecision|CheckDecision|VerifyDrEndpoint/);
    expect(result.stdout).not.toMatch(/: FAILED\b|✖ Verify/);
    expect(result.stdout).toMatch(/RTO .*: PASS/);
    expect(result.stdout).toMatch(
      /RPO {8}\d+ writes lost \(\d+ s of writes not on the replica\), 0 diverged.*: PASS/,
    );
    expect(result.stdout).toContain('Promote orders: started');
    expect(result.stdout).toMatch(/T\+\d\d:\d\d .*region us-east-1 is down/);
    expect(readFileSync(jsonPath.replace(/\.json$/, '.html'), 'utf8')).toContain('<!doctype html>');
  });
});
