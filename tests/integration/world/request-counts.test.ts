import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListHealthChecksCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;
let runStart: number;
let runEnd: number;

beforeAll(async () => {
  world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
  // Outside callers: a test's own SDK clients (no drctl-call marker in their user agent).
  await worldClient(world, RDSClient, plan.regions.dr).send(new DescribeDBInstancesCommand({}));
  await worldClient(world, Route53Client, plan.regions.dr).send(new ListHealthChecksCommand({}));
  // Replication must have been observed active before the RPO guard lets a failover through.
  await world.runFor(180);
  // A failover while the primary region is down: its best-effort calls there (fencing) fail.
  world.faults.regionOutage();
  runStart = world.clock.now();
  const execution = world.stepFunctions.start(
    { mode: 'failover', reason: 'counting', incidentId: 'COUNT-1', requestedBy: 'test' },
    'counting',
  );
  await world.stepFunctions.wait(execution.arn);
  runEnd = world.clock.now();
});
afterAll(async () => {
  await world?.close();
});

describe('request counting', () => {
  it('counts every request by service, region, operation, call kind and outcome, outside callers included', () => {
    // Act
    const counts = world.requestCounts();

    // Assess
    expect(counts).toContainEqual({
      service: 'rds',
      region: plan.regions.dr,
      operation: 'DescribeDBInstances',
      kind: 'outside',
      outcome: 'ok',
      calls: 1,
    });
    // Route 53's API is us-east-1's, whatever region the caller signed for.
    expect(counts).toContainEqual(
      expect.objectContaining({
        service: 'route53',
        region: 'us-east-1',
        operation: 'ListHealthChecks',
        kind: 'outside',
      }),
    );
    expect(counts.filter((c) => c.kind === 'required').length).toBeGreaterThan(0);
  });

  it("reports drctl's calls in a run's window as dependencies: DR-region calls and the Lambda invocations required, primary-region calls best effort", () => {
    // Act
    const dependencies = world.dependencies({ from: runStart, to: runEnd });

    // Assess
    expect(dependencies).toContainEqual(
      expect.objectContaining({
        service: 'lambda',
        region: plan.regions.dr,
        operation: 'Invoke',
        required: true,
      }),
    );
    expect(dependencies.filter((d) => d.region === plan.regions.primary).length).toBeGreaterThan(0);
    // (Route 53 is counted in us-east-1, the control plane's region; whether the recovery may
    // require it is the functions' business, asserted with them.)
    for (const dependency of dependencies.filter((d) => d.service !== 'route53')) {
      if (dependency.region === plan.regions.primary)
        expect(dependency.required, dependency.operation).toBe(false);
      if (dependency.region === plan.regions.dr) expect(dependency.required, dependency.operation).toBe(true);
      expect(dependency.calls).toBeGreaterThanOrEqual(dependency.failed);
    }
    // The primary region refused every call made to it.
    for (const dependency of dependencies.filter((d) => d.region === plan.regions.primary)) {
      expect(dependency.failed, dependency.operation).toBe(dependency.calls);
    }
    // Outside callers are no dependency of the recovery.
    expect(dependencies.find((d) => d.operation === 'ListHealthChecks')).toBeUndefined();
  });

  it('counts only the calls inside the window', () => {
    // Act
    const before = world.dependencies({ to: runStart - 1 });
    const after = world.dependencies({ from: runEnd + 1 });

    // Assess
    expect(before).toEqual([]);
    expect(after).toEqual([]);
  });
});
