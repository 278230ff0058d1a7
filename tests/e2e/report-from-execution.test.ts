import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/commands/report.ts';
import { startWorld, type World } from '../../local/index.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { type RunReport, runReportSchema } from '../../report/schema.ts';

/**
 * `drctl report --execution` against the local world's Step Functions API: a real failover runs
 * the real state machine and handlers, and the report is built only from what DescribeExecution
 * and GetExecutionHistory answer over the wire.
 */
const PLAN_FILE = new URL('../../drctl.plan.yaml', import.meta.url).pathname;
const plan = loadPlanFile(PLAN_FILE);
let world: World | undefined;

beforeEach(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  world = await startWorld({ plan, scale: 400, seed: 5, schedule: false, alarmTrigger: false });
  // Replication must have been seen active before the RPO guard lets a failover through.
  await world.runFor(180);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await world?.close();
  world = undefined;
});

async function failover(target: World, name: string, requestedBy: string): Promise<string> {
  const sfn = new SFNClient({ region: plan.regions.dr, endpoint: target.endpoint });
  const input = { mode: 'failover', reason: 'Game day <drill> & audit', incidentId: 'DRILL-7', requestedBy };
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: target.stepFunctions.stateMachineArn,
      name,
      input: JSON.stringify(input),
    }),
  );
  await target.stepFunctions.wait(executionArn as string);
  return executionArn as string;
}

async function reportOf(executionArn: string): Promise<{ report: RunReport; html: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'drctl-report-world-'));
  const json = join(dir, 'run.json');
  const code = await run(['--execution', executionArn, '--plan', PLAN_FILE, '--json', json]);
  expect(code).toBe(0);
  return {
    report: runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8'))),
    html: readFileSync(join(dir, 'run.html'), 'utf8'),
  };
}

function overlaps(
  a: RunReport['steps'][number] | undefined,
  b: RunReport['steps'][number] | undefined,
): boolean {
  if (!a?.startedAt || !a.endedAt || !b?.startedAt || !b.endedAt) return false;
  return Date.parse(a.startedAt) < Date.parse(b.endedAt) && Date.parse(b.startedAt) < Date.parse(a.endedAt);
}

describe('drctl report --execution against the local world', () => {
  it('reports a successful failover: every step once, databases and services side by side, serving time', async () => {
    // Prepare
    const executionArn = await failover(world as World, 'report-drill-ok', 'schedule:quarterly-drill');

    // Act
    const { report, html } = await reportOf(executionArn);

    // Assess
    expect(report.execution.status).toBe('SUCCEEDED');
    expect(report.outcome).toBe('failed-over');
    expect(report.trigger).toMatchObject({ kind: 'schedule', requestedBy: 'schedule:quarterly-drill' });
    const names = report.steps.map((step) => step.step);
    // One step per state or loop: the fencing loop and each promotion (StartPromotions and its
    // poll loop) once, whatever the number of passes and polls.
    expect([...names].sort()).toEqual(
      [
        'Preflight',
        'Confirm',
        'Notify started',
        'Promote orders',
        'Promote catalog',
        'Scale web',
        'Scale api',
        'Scale worker',
        'Fence old primary',
        'Switch traffic',
        'Verify',
        'Notify result',
      ].sort(),
    );
    expect(names[0]).toBe('Preflight');
    expect(names.at(-1)).toBe('Notify result');
    expect(report.steps.every((step) => step.outcome === 'succeeded')).toBe(true);
    const step = (name: string) => report.steps.find((entry) => entry.step === name);
    expect(overlaps(step('Promote orders'), step('Scale web'))).toBe(true);
    expect(Date.parse(step('Switch traffic')?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(step('Promote orders')?.endedAt ?? ''),
    );
    // The point of no return comes after the confirmation; the promotion step starts there.
    expect(Date.parse(step('Promote orders')?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(step('Confirm')?.endedAt ?? ''),
    );
    expect(report.confirmation).toMatchObject({ primaryChecked: false, rpoVerdict: 'within' });
    expect(report.decision?.status).toBe('not-required');
    expect(report.traffic).toMatchObject({
      via: 'data-plane',
      answer: 'dr.shop.example.com',
      trafficTo: 'dr',
    });
    expect(report.fencing?.resources.length).toBeGreaterThan(0);
    expect(report.dependencySource?.kind).toBe('declared');
    expect(report.rto.servingAt).not.toBeNull();
    expect(report.rto.seconds).toBeNull();
    expect(report.rpo.replicaLagAtPromotion.map((lag) => lag.database)).toEqual(['orders', 'catalog']);
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.errors).toEqual([]);
    expect(html).toContain('Game day &lt;drill&gt; &amp; audit');
    expect(html).toContain(
      'https://us-west-2.console.aws.amazon.com/states/home?region=us-west-2#/v2/executions/details/',
    );
  });

  it('reports a failed failover: the service that did not start, its error, and what had changed', async () => {
    // Prepare: a hand-started run (an alarm-started one would stand down: the primary is healthy).
    (world as World).faults.tasksFailToStart({
      serviceId: 'web',
      reason: 'CannotPullContainerError: image not found',
    });

    // Act
    const executionArn = await failover(world as World, 'report-drill-failed', 'oncall@example.com');
    const { report } = await reportOf(executionArn);

    // Assess
    expect(report.execution.status).toBe('FAILED');
    expect(report.outcome).toBe('failed');
    expect(report.trigger.kind).toBe('manual');
    const failed = report.steps.filter((step) => step.outcome === 'failed');
    expect(failed.map((step) => step.step)).toEqual(['Scale web']);
    expect(failed[0]?.error?.name).toBe(report.errors[0]?.name);
    expect(report.errors[0]).toMatchObject({ step: 'Scale web' });
    expect(report.steps.map((step) => step.step)).toContain('Assess changes');
    // What the assess step found changed on the failure path, read back from the history.
    expect(report.changes.find((change) => change.resource.endsWith('/shop-web'))).toMatchObject({
      before: expect.stringContaining('desiredCount 0'),
      after: expect.stringContaining('running 0'),
    });
  });

  it('reports an alarm-started run whose primary answers again as stood down, with no change', async () => {
    // Act: the world's primary is healthy, so the confirmation before the point of no return stands down.
    const executionArn = await failover(
      world as World,
      'report-drill-stood-down',
      'alarm:shop-primary-endpoint-unhealthy',
    );
    const { report, html } = await reportOf(executionArn);

    // Assess
    expect(report.execution.status).toBe('SUCCEEDED');
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('stood-down');
    expect(report.detection).toMatchObject({
      path: 'route53-health-check',
      alarm: 'shop-primary-endpoint-unhealthy',
    });
    expect(report.confirmation).toMatchObject({ primaryChecked: true, primary: 'answered' });
    expect(report.steps.map((step) => step.step)).toEqual(['Preflight', 'Confirm', 'Notify stood down']);
    expect(report.errors).toEqual([]);
    expect(report.changes).toEqual([]);
    expect(html).toContain('No change: stood down');
  });
});
