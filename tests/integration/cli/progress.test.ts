import { describe, expect, it } from 'vitest';
import { Progress } from '../../../cli/terminal/progress.ts';
import { createStyle } from '../../../cli/terminal/style.ts';
import type { ReportStep } from '../../../report/schema.ts';

const ORIGIN = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(ORIGIN + seconds * 1000).toISOString();
const step = (
  name: string,
  start: number,
  end: number | null,
  outcome: ReportStep['outcome'],
): ReportStep => ({
  step: name,
  kind: 'other',
  startedAt: at(start),
  endedAt: end === null ? null : at(end),
  outcome,
  retries: 0,
});

describe('live progress of a run', () => {
  it('prints a polling step once: started, then its end after the execution moved on, in time order', () => {
    // Prepare
    let output = '';
    const progress = new Progress({ write: (text) => (output += text) }, createStyle(false), ORIGIN);
    const look = (steps: ReportStep[], nowSeconds: number, final = false) =>
      progress.steps(steps, { final, now: ORIGIN + nowSeconds * 1000, quietMs: 45_000 });

    // Act
    look([step('Promote orders', 60, null, 'running')], 61);
    look([step('Promote orders', 60, 75, 'succeeded')], 80); // between two status checks
    look([step('Promote orders', 60, null, 'running')], 105);
    look([step('Promote orders', 60, 372, 'succeeded'), step('Switch traffic', 373, null, 'running')], 374);
    look(
      [step('Promote orders', 60, 372, 'succeeded'), step('Switch traffic', 373, 410, 'succeeded')],
      411,
      true,
    );

    // Assess
    expect(output.trim().split('\n')).toEqual([
      'T+01:00  · Promote orders: started',
      'T+06:12  ✔ Promote orders: succeeded in 5 min 12 s',
      'T+06:13  · Switch traffic: started',
      'T+06:50  ✔ Switch traffic: succeeded in 37 s',
    ]);
  });

  it('ends a step after a quiet period without status checks, and names the error of a failed one', () => {
    // Prepare
    let output = '';
    const progress = new Progress({ write: (text) => (output += text) }, createStyle(false), ORIGIN);
    const failed: ReportStep = {
      ...step('Scale web', 10, 150, 'failed'),
      error: { name: 'TaskStartFailureError', message: 'tasks stopped: CannotPullContainerError' },
    };

    // Act
    progress.steps([step('Scale api', 10, 100, 'succeeded'), failed], {
      final: false,
      now: ORIGIN + 200_000,
      quietMs: 45_000,
    });

    // Assess
    expect(output).toContain('T+01:40  ✔ Scale api: succeeded in 1 min 30 s');
    expect(output).toContain(
      'T+02:30  ✖ Scale web: FAILED in 2 min 20 s: TaskStartFailureError: tasks stopped',
    );
  });

  it('prints a failed attempt that Step Functions retries as retrying, once per error, never as FAILED', () => {
    // Prepare
    let output = '';
    const progress = new Progress({ write: (text) => (output += text) }, createStyle(false), ORIGIN);
    const retrying: ReportStep = {
      ...step('Verify', 500, null, 'running'),
      error: { name: 'EndpointUnhealthyError', message: 'DNS still answers primary.shop.example.com' },
      detail: 'retrying after EndpointUnhealthyError',
    };
    const look = (steps: ReportStep[], nowSeconds: number, final = false) =>
      progress.steps(steps, { final, now: ORIGIN + nowSeconds * 1000, quietMs: 45_000 });

    // Act
    look([step('Verify', 500, null, 'running')], 501);
    look([retrying], 502);
    look([retrying], 520);
    look(
      [{ ...step('Verify', 500, 580, 'succeeded'), retries: 6, result: 'DNS answers dr.shop.example.com' }],
      581,
      true,
    );

    // Assess
    expect(output.trim().split('\n')).toEqual([
      'T+08:20  · Verify: started',
      'T+08:22  ! Verify: retrying after EndpointUnhealthyError: DNS still answers primary.shop.example.com',
      'T+09:40  ✔ Verify: succeeded in 1 min 20 s after 6 retries: DNS answers dr.shop.example.com',
    ]);
    expect(output).not.toContain('FAILED');
  });

  it('says what a decision, confirmation or fencing step found, and that a decision "ended"', () => {
    // Prepare
    let output = '';
    const progress = new Progress({ write: (text) => (output += text) }, createStyle(false), ORIGIN);

    // Act
    progress.steps(
      [
        {
          ...step('Decision', 10, 1810, 'succeeded'),
          kind: 'decision',
          result: 'nobody decided after 60 checks: timed out, nothing changed',
        },
        {
          ...step('Stopped early', 10, 20, 'unknown'),
          detail: 'stopped before it was done (another step of the run failed)',
        },
      ],
      { final: true, now: ORIGIN + 1_900_000, quietMs: 45_000 },
    );

    // Assess
    expect(output).toContain(
      '✔ Decision: ended in 30 min: nobody decided after 60 checks: timed out, nothing changed',
    );
    expect(output).toContain('! Stopped early: stopped before it was done (another step of the run failed)');
  });
});
