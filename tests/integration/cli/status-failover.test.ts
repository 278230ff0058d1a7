import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as approve } from '../../../cli/commands/approve.ts';
import { type PlanStatus, readPlanStatus } from '../../../cli/drill/read-status.ts';
import { renderStatus } from '../../../cli/terminal/status-view.ts';
import { createStyle } from '../../../cli/terminal/style.ts';
import { startWorld, type World } from '../../../local/index.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import { REPO_ROOT } from './run-cli.ts';

/**
 * `drctl status` through a failover that waits for a person: the waiting run with the command
 * that approves it (which then works as printed), and afterwards the gate closed, DNS on the DR
 * target and the old primary's fencing "unknown" while its region does not answer.
 */
const CREDENTIALS = { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' };
let world: World;
let planFile: string;

beforeAll(async () => {
  // The reference plan with failover.trigger: approval, as an operator would write it.
  const dir = mkdtempSync(join(tmpdir(), 'drctl-status-approval-'));
  planFile = join(dir, 'approval.plan.yaml');
  const text = readFileSync(join(REPO_ROOT, 'drctl.plan.yaml'), 'utf8');
  expect(text).toContain('trigger: automatic');
  writeFileSync(planFile, text.replace('trigger: automatic', 'trigger: approval'));
  world = await startWorld({ plan: loadPlanFile(planFile), scale: 400, seed: 11, alarmTrigger: false });
  // Replication must have been seen active before the RPO guard accepts the lag.
  await world.runFor(180);
  world.faults.regionOutage();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await world?.close();
});

async function status(): Promise<{ status: PlanStatus; text: string }> {
  const read = await readPlanStatus(
    world.plan,
    { endpoint: world.endpoint, credentials: CREDENTIALS, dnsResolver: world.dnsResolver, planFile },
    world.stepFunctions.stateMachineArn,
  );
  return { status: read, text: renderStatus(read, 'test world', createStyle(false)) };
}

describe('drctl status during and after a failover that waits for a decision', () => {
  let executionArn: string;

  it('lists the waiting run with the commands that decide it, before anything changed', async () => {
    // Prepare: an alarm-started run of an approval plan stops before the point of no return.
    const execution = world.stepFunctions.start({
      mode: 'failover',
      reason: 'primary unreachable from the DR region',
      incidentId: 'status-test',
      requestedBy: 'alarm:shop-primary-unreachable-from-dr',
    });
    executionArn = execution.arn;
    await world.until(() =>
      world.stepFunctions
        .describe(executionArn)
        .history.some(
          (event) =>
            (event.stateEnteredEventDetails as { name?: string } | undefined)?.name === 'CheckDecision',
        ),
    );

    // Act
    const { status: read, text } = await status();

    // Assess
    expect(read.waiting.ok && read.waiting.value.map((run) => run.name)).toEqual([execution.name]);
    expect(text).toContain(
      `approve: drctl approve ${execution.name} --reason TEXT --plan ${planFile} --endpoint ${world.endpoint}`,
    );
    expect(text).toContain(`deny:    drctl deny ${execution.name} --reason TEXT --plan ${planFile}`);
    // Nothing changed yet: gate open, DNS still answers the primary target (data plane), nothing to fence.
    expect(text).toMatch(/gate +open: the primary may serve/);
    expect(text).toMatch(/DNS +answers primary\.shop\.example\.com \(primary\)/);
    expect(text).toContain('nothing to fence');
    // The fast path's alarm lives in the region that is down; the DR-side probe's answers.
    expect(text).toMatch(
      /fast path \(Route 53 health check\) +shop-primary-endpoint-unhealthy \(us-east-1\): unknown/,
    );
    expect(text).toMatch(/DR-side probe +shop-primary-unreachable-from-dr \(us-west-2\): (OK|ALARM)/);
  });

  it('the printed approve command decides the run, which then fails over', async () => {
    // Prepare
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const name = executionArn.split(':').at(-1) as string;

    // Act
    const code = await approve([
      name,
      '--reason',
      'primary region down',
      '--plan',
      planFile,
      '--endpoint',
      world.endpoint,
    ]);
    const ended = await world.stepFunctions.wait(executionArn);

    // Assess
    expect(code).toBe(0);
    expect(ended.status).toBe('SUCCEEDED');
    expect(JSON.parse(ended.output ?? '{}').outcome).toBe('failed-over');
  });

  it('after the failover: gate closed, DNS on the DR target, fencing unknown while the old region is down', async () => {
    // Prepare: clients keep the old answer for the record's TTL.
    await world.runFor(world.plan.dns.ttl + 120);

    // Act
    const { status: read, text } = await status();

    // Assess
    expect(read.traffic.gate?.ok && read.traffic.gate.value.state).toBe('closed');
    expect(text).toMatch(/gate +closed: traffic goes to the DR region/);
    expect(text).toMatch(/DNS +answers dr\.shop\.example\.com \(dr\)/);
    expect(text).toMatch(/service web +unknown: us-east-1 does not answer/);
    expect(text).toMatch(/database orders +unknown: us-east-1 does not answer/);
    expect(read.waiting.ok && read.waiting.value).toEqual([]);
  });

  it('once the old region answers again, the fence schedule fences it and status reads it fenced', async () => {
    // Prepare
    world.faults.regionRecovers();
    // The fence schedule runs every detection.scheduleMinutes; one run after the region answers fences it.
    await world.runFor(world.plan.detection.scheduleMinutes * 60 + 30);

    // Act
    const { status: read, text } = await status();

    // Assess: the old primary is read, not "unknown", and the fence schedule has fenced all of it.
    for (const resource of [
      'service web',
      'service api',
      'service worker',
      'database orders',
      'database catalog',
    ])
      expect(text).toMatch(new RegExp(`${resource} +fenced \\(`));
    expect(text).not.toMatch(/unknown: us-east-1 does not answer/);
    // One writer: the fenced old primary reads read-only, only the promoted replica writable (text and JSON agree).
    expect(text).toMatch(/primary +shop-orders \(us-east-1\): available, standalone \(fenced: read-only\)/);
    expect(text).toMatch(/replica +shop-orders-replica \(us-west-2\): available, standalone \(writable\)/);
    expect(text.match(/\(writable\)/g)).toHaveLength(world.plan.databases.length);
    expect(read.databases.map((db) => db.primary.ok && db.primary.value.role)).toEqual(
      world.plan.databases.map(() => 'standalone (fenced: read-only)'),
    );
    // Traffic stays in the DR region: only a failback opens the gate.
    expect(text).toMatch(/gate +closed/);
  });
});
