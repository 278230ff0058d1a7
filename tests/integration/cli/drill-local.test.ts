import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReportSchema } from '../../../cli/report/schema.ts';
import { DEFAULT_TIMINGS } from '../../../local/index.ts';
import { loadPlanFile } from '../../../plan/load.ts';
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
    // Detection needs the failure threshold of health checks and one alarm period at most.
    expect(detection).toBeGreaterThan(0);
    expect(detection).toBeLessThanOrEqual(
      plan.detection.healthCheck.intervalSeconds * (plan.detection.healthCheck.failureThreshold + 1) +
        plan.detection.alarm.periodSeconds * 2,
    );
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
    expect(result.stdout).toMatch(/RTO .*: PASS/);
    expect(result.stdout).toMatch(/RPO .*: PASS/);
    expect(result.stdout).toContain('Promote orders: started');
    expect(result.stdout).toMatch(/T\+\d\d:\d\d .*region us-east-1 is down/);
    expect(readFileSync(jsonPath.replace(/\.json$/, '.html'), 'utf8')).toContain('<!doctype html>');
  });
});
