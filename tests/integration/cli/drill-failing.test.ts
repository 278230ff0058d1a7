import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReportSchema } from '../../../cli/report/schema.ts';
import { runCli, scratchDirectory } from './run-cli.ts';

describe('a drill whose failover fails', () => {
  it('exits non-zero and says why: DR tasks that cannot start fail the run and DNS is not switched', async () => {
    // Prepare
    const jsonPath = join(scratchDirectory(), 'failing.json');

    // Act
    const result = await runCli([
      'drill',
      '--scale',
      '300',
      '--fault',
      'tasks-fail-to-start=web',
      '--json',
      jsonPath,
    ]);

    // Assess
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const report = runReportSchema.parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect(report.outcome).toBe('failed');
    expect(report.rto.met).toBe(false);
    expect(report.steps.find((s) => s.step === 'Scale web')?.outcome).toBe('failed');
    expect(report.errors.find((e) => e.name === 'TaskStartFailureError')?.cause).toContain('shop-web');
    expect(report.steps.some((s) => s.step === 'Switch DNS')).toBe(false);
    expect(result.stdout).toContain('outcome    FAILED');
    expect(result.stdout).toMatch(/RTO .*: FAIL/);
    expect(result.stdout).toContain('CannotPullContainerError');
  });
});

describe('a drill whose replica lags beyond the RPO budget', () => {
  it('exits non-zero: the RPO guard stops the failover before any change, and the summary says so', async () => {
    // Prepare
    const jsonPath = join(scratchDirectory(), 'lagging.json');

    // Act
    const result = await runCli([
      'drill',
      '--scale',
      '300',
      '--fault',
      'replica-lag-spike',
      '--json',
      jsonPath,
    ]);

    // Assess
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const report = runReportSchema.parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect(report.outcome).toBe('failed');
    expect(report.errors.map((e) => e.name)).toContain('RpoBudgetExceededError');
    expect(report.steps.map((s) => s.kind)).not.toContain('promote');
    expect(report.changes).toEqual([]);
    expect(report.rpo.met).toBe(false);
    expect(result.stdout).toContain('RPO guard stopped the failover; nothing was changed');
    expect(result.stdout).toMatch(/RPO .*: FAIL/);
  });
});
