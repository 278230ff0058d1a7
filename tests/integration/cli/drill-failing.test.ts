import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReportSchema } from '../../../report/schema.ts';
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
    expect(report.steps.some((s) => s.step === 'Switch traffic')).toBe(false);
    // The other branches of the recovery were stopped by the failure: not successes.
    expect(report.steps.find((s) => s.step === 'Fence old primary')?.outcome).toBe('unknown');
    expect(report.traffic).toBeNull();
    expect(result.stdout).toContain('outcome    FAILED');
    expect(result.stdout).not.toContain('FAILED OVER');
    expect(result.stdout).toMatch(/RTO .*: FAIL/);
    expect(result.stdout).toContain('CannotPullContainerError');
    // As it went, it printed the failed step's own error and the steps the failure stopped as stopped.
    expect(result.stdout).toMatch(/Scale web: FAILED in [^:]+: TaskStartFailureError: ECS service shop-web/);
    expect(result.stdout).toMatch(/Scale api: stopped before it was done/);
    expect(result.stdout).toMatch(/Promote orders: stopped before it was done/);
    expect(result.stdout).not.toContain('States.TaskFailed');
  });
});

describe('a drill whose replica lags beyond the RPO budget', () => {
  it('exits non-zero with no change: the RPO guard waits for a decision that nobody makes in a drill, and it times out', async () => {
    // Prepare
    const jsonPath = join(scratchDirectory(), 'lagging.json');

    // Act
    const result = await runCli([
      'drill',
      '--scale',
      '600',
      '--fault',
      'replica-lag-spike',
      '--json',
      jsonPath,
    ]);

    // Assess
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const report = runReportSchema.parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect(report.execution.status).toBe('SUCCEEDED');
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('decision-timed-out');
    expect(report.decision).toMatchObject({ required: true, status: 'timed-out', decidedBy: null });
    expect(report.decision?.reasons.join(' ')).toContain('the RPO guard cannot accept the replica lag');
    expect(report.steps.map((s) => s.kind)).not.toContain('promote');
    expect(report.changes).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.rpo.met).toBeNull();
    // The run said how to decide while it waited, and the summary never reads as a failover.
    expect(result.stdout).toMatch(
      /the run waits for a person's decision before the point of no return: drctl approve \S+ --endpoint http/,
    );
    expect(result.stdout).toContain('outcome    NO CHANGE: decision timed out');
    expect(result.stdout).not.toContain('FAILED OVER');
    expect(result.stdout).toMatch(/decision {3}nobody decided after \d+ checks: timed out/);
    expect(result.stdout).toContain('RTO / RPO  not measured: the run made no change');
  });
});
