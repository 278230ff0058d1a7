import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { type PreflightInput, preflight } from '../../../../functions/health-monitor/preflight.ts';
import {
  FailoverInProgressError,
  InvalidInputError,
  PreflightFailedError,
  ThrottledError,
} from '../../../../plan/errors.ts';
import type { Plan } from '../../../../plan/schema.ts';
import {
  cname,
  createWorld,
  dbNotFound,
  drService,
  EXECUTION_ARN,
  EXECUTION_START,
  NOW,
  replicaOf,
  STATE_MACHINE_ARN,
  simplePlan,
  standalone,
  throttling,
  validRequest,
  type World,
} from './world.ts';

const READ_ONLY_COMMANDS = new Set([
  'DescribeDBInstancesCommand',
  'DescribeServicesCommand',
  'ListResourceRecordSetsCommand',
  'GetMetricStatisticsCommand',
  'DescribeAlarmsCommand',
  'ListExecutionsCommand',
  'DescribeExecutionCommand',
]);

function input(request: unknown = validRequest): PreflightInput {
  return {
    operation: 'preflight',
    correlationId: 'exec-1',
    executionStartTime: EXECUTION_START,
    executionArn: EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    request,
  };
}

async function expectRejection<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
) {
  const error = await promise.then(
    () => {
      throw new Error('expected preflight to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

function db(world: World, id: string) {
  const found = world.plan.databases.find((d) => d.id === id);
  if (!found) throw new Error(`no database ${id}`);
  return found;
}

function svc(world: World, id: string) {
  const found = world.plan.services.find((s) => s.id === id);
  if (!found) throw new Error(`no service ${id}`);
  return found;
}

describe('preflight', () => {
  it('reports a ready pilot light, the RPO figures and every change a failover would make, without changing anything', async () => {
    // Prepare
    const world = createWorld(simplePlan());

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.checkedAt).toBe(NOW.toISOString());
    expect(output.request).toEqual(validRequest);
    expect(output.databases).toEqual([
      {
        id: 'orders',
        identifier: 'shop-orders-replica',
        readiness: 'replica-ready',
        lastActiveLagSeconds: 1,
        lagObservedAt: new Date(NOW.getTime() - 60_000).toISOString(),
      },
      {
        id: 'catalog',
        identifier: 'shop-catalog-replica',
        readiness: 'replica-ready',
        lastActiveLagSeconds: 1,
        lagObservedAt: new Date(NOW.getTime() - 60_000).toISOString(),
      },
    ]);
    expect(output.services.map((s) => [s.id, s.desiredCount, s.drDesiredCount])).toEqual([
      ['web', 0, 2],
      ['api', 0, 2],
      ['worker', 0, 1],
    ]);
    expect(output.dns).toEqual({
      record: 'www.shop.example.com',
      currentValue: 'primary.shop.example.com',
      pointsTo: 'primary',
    });
    expect(output.rpo).toEqual({ budgetSeconds: 60, worstLagSeconds: 1, verdict: 'within', offences: [] });
    expect(output.decision).toEqual({ required: false, reasons: [] });
    expect(output.changes.map((c) => c.resource)).toEqual([
      'rds:us-west-2:shop-orders-replica',
      'rds:us-west-2:shop-catalog-replica',
      'ecs:us-west-2:shop-dr/shop-web',
      'ecs:us-west-2:shop-dr/shop-api',
      'ecs:us-west-2:shop-dr/shop-worker',
      'route53:Z0SHOPEXAMPLE00000001:www.shop.example.com CNAME',
    ]);
    expect(output.changes[2]).toEqual({
      resource: 'ecs:us-west-2:shop-dr/shop-web',
      action: 'set desiredCount to 2',
      before: 'desiredCount 0, running 0',
      after: 'desiredCount 2',
    });
    expect(output.changes[5]?.before).toBe('primary.shop.example.com');
    expect(output.changes[5]?.after).toBe('dr.shop.example.com');
    expect(output.timing).toEqual({
      promotionPollSeconds: 10,
      promotionMaxPolls: 360,
      servicePollSeconds: 15,
      serviceMaxPolls: 80,
      dnsPollSeconds: 10,
      dnsMaxPolls: 60,
      // 30 minutes of approval timeout looked at every 30 s; fencing tried every 5 s for 15 minutes.
      approvalPollSeconds: 30,
      approvalMaxPolls: 60,
      fencePollSeconds: 5,
      fenceMaxPolls: 180,
    });
    expect(world.commandNames().filter((name) => !READ_ONLY_COMMANDS.has(name))).toEqual([]);
  });

  it('asks CloudWatch for per-minute maxima of ReplicaLag over the plan look-back', async () => {
    // Prepare
    const world = createWorld(simplePlan());

    // Act
    await preflight(world.ports, input());

    // Assess
    const requests = world.mocks.cloudWatch
      .commandCalls(GetMetricStatisticsCommand)
      .map((call) => call.args[0].input);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Period: 60,
      Statistics: ['Maximum'],
      StartTime: new Date(NOW.getTime() - 900_000),
      EndTime: NOW,
    });
  });

  it('converges on a re-run after a completed failover: nothing left to change, no lag judged', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    for (const d of world.plan.databases) world.database(d, standalone(d.replica.identifier));
    for (const s of world.plan.services) world.service(s, drService(s, s.drDesiredCount, s.drDesiredCount));
    world.records([cname(world.plan, 'dr.shop.example.com.')]);

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.databases.map((d) => d.readiness)).toEqual(['promoted', 'promoted']);
    expect(output.dns.pointsTo).toBe('dr');
    expect(output.changes).toEqual([]);
    expect(output.rpo.worstLagSeconds).toBeNull();
    expect(world.mocks.cloudWatch.commandCalls(GetMetricStatisticsCommand)).toHaveLength(0);
  });

  it('lets a re-run after a partial failure proceed: a promoting database is not judged, the other one is', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.database(db(world, 'orders'), standalone('shop-orders-replica', 'modifying'));
    // The primary region is gone: the orders replica's recent minutes are all -1.
    world.lag(db(world, 'orders'), [
      [120, -1],
      [60, -1],
    ]);
    world.lag(db(world, 'catalog'), [
      [300, 4],
      [240, 7],
      [180, -1],
      [120, -1],
    ]);

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.databases[0]).toMatchObject({
      id: 'orders',
      readiness: 'promoting',
      lastActiveLagSeconds: null,
    });
    expect(output.databases[1]).toMatchObject({
      id: 'catalog',
      readiness: 'replica-ready',
      lastActiveLagSeconds: 7,
      lagObservedAt: new Date(NOW.getTime() - 240_000).toISOString(),
    });
    expect(output.rpo.worstLagSeconds).toBe(7);
    expect(output.changes.map((c) => c.resource)).not.toContain('rds:us-west-2:shop-orders-replica');
    expect(world.mocks.cloudWatch.commandCalls(GetMetricStatisticsCommand)).toHaveLength(1);
  });

  it('judges the last lag seen while replication was active, not the -1 of an outage and not the newest datapoint', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    // Datapoints arrive unordered from CloudWatch; -1 means "replication not active".
    world.lag(db(world, 'orders'), [
      [60, -1],
      [300, 50],
      [180, 12],
      [120, -1],
    ]);

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.databases[0]?.lastActiveLagSeconds).toBe(12);
    expect(output.databases[0]?.lagObservedAt).toBe(new Date(NOW.getTime() - 180_000).toISOString());
    expect(output.rpo.worstLagSeconds).toBe(12);
  });

  it('judges blind and over-budget lag, naming every offending database, and asks for a decision instead of promoting', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.lag(db(world, 'orders'), [
      [240, 30],
      [180, 90],
      [60, -1],
    ]);
    world.lag(db(world, 'catalog'), [
      [120, -1],
      [60, -1],
    ]);

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.rpo).toMatchObject({ verdict: 'unknown', worstLagSeconds: 90, budgetSeconds: 60 });
    expect(output.rpo.offences).toEqual([
      expect.stringContaining('rds:us-west-2:shop-orders-replica last active replica lag was 90 s'),
      'no active replica lag observation for rds:us-west-2:shop-catalog-replica in the last 900 s (unknown loss)',
    ]);
    expect(output.rpo.offences[0]).toContain('RPO budget of 60 s');
    expect(output.decision.required).toBe(true);
    expect(output.decision.reasons[0]).toContain('the RPO guard cannot accept the replica lag');
    expect(world.commandNames().every((name) => READ_ONLY_COMMANDS.has(name))).toBe(true);
  });

  it('answers in a dry run whether the failover it rehearses would wait for a decision', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.lag(db(world, 'orders'), [[60, 300]]);

    // Act
    const output = await preflight(world.ports, input({ ...validRequest, mode: 'dry-run' }));

    // Assess
    expect(output.request.mode).toBe('dry-run');
    expect(output.rpo.verdict).toBe('over');
    expect(output.decision.required).toBe(true);
    expect(output.decision.reasons[0]).toContain('the RPO guard cannot accept the replica lag');
    expect(world.commandNames().every((name) => READ_ONLY_COMMANDS.has(name))).toBe(true);
  });

  it('treats a replica without any lag datapoint as unknown, never as zero lag', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.lag(db(world, 'catalog'), []);

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.rpo.verdict).toBe('unknown');
    expect(output.rpo.offences.join(' ')).toContain('shop-catalog-replica');
    expect(output.rpo.offences.join(' ')).not.toContain('shop-orders-replica');
  });

  it('asks for a decision on an alarm-started run when the plan says trigger: approval, not on one started by hand', async () => {
    // Prepare
    const base = simplePlan();
    const world = createWorld({ ...base, failover: { ...base.failover, trigger: 'approval' } });
    const byAlarm = { ...validRequest, requestedBy: 'alarm:shop-primary-unreachable-from-dr' };

    // Act
    const alarmRun = await preflight(world.ports, input(byAlarm));
    const handRun = await preflight(world.ports, input());

    // Assess
    expect(alarmRun.decision).toEqual({
      required: true,
      reasons: ['the plan asks for approval of alarm-started failovers (failover.trigger: approval)'],
    });
    expect(handRun.decision).toEqual({ required: false, reasons: [] });
    expect(alarmRun.estimatedRecoverySeconds).toBeGreaterThan(300);
  });

  it('lists every missing or misplaced resource with its fix in one PreflightFailedError', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.database(db(world, 'orders'), dbNotFound('shop-orders-replica'));
    world.service(svc(world, 'api'), null);
    world.service(svc(world, 'worker'), drService(svc(world, 'worker'), 0, 0, 'DRAINING'));
    world.records([cname(world.plan, 'somewhere.else.example.com')]);

    // Act
    const error = await expectRejection(preflight(world.ports, input()), PreflightFailedError);

    // Assess
    expect(error.problems).toHaveLength(4);
    expect(error.problems[0]).toMatch(
      /^rds:us-west-2:shop-orders-replica not found: create the cross-region read replica/,
    );
    expect(error.problems[1]).toMatch(/^ecs:us-west-2:shop-dr\/shop-api not found/);
    expect(error.problems[2]).toMatch(/^ecs:us-west-2:shop-dr\/shop-worker is DRAINING, not ACTIVE/);
    expect(error.problems[3]).toContain('points to somewhere.else.example.com');
    expect(world.mocks.cloudWatch.commandCalls(GetMetricStatisticsCommand)).toHaveLength(0);
  });

  it('rejects a replica of another source and a replica in a state that cannot be promoted', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.database(db(world, 'orders'), {
      ...replicaOf(db(world, 'orders')),
      ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:someone-else',
    });
    world.database(db(world, 'catalog'), replicaOf(db(world, 'catalog'), 'incompatible-parameters'));

    // Act
    const error = await expectRejection(preflight(world.ports, input()), PreflightFailedError);

    // Assess
    expect(error.problems).toEqual([
      expect.stringContaining('replicates from arn:aws:rds:us-east-1:111111111111:db:someone-else'),
      expect.stringContaining('status "incompatible-parameters", which cannot be promoted'),
    ]);
  });

  it('accepts a replica that is backing up: it can still be promoted', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.database(db(world, 'orders'), replicaOf(db(world, 'orders'), 'backing-up'));

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.databases[0]?.readiness).toBe('replica-ready');
  });

  it('reports a missing hosted zone as a problem with the plan field to fix', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.records(
      Object.assign(new Error('No hosted zone found with ID: Z0SHOPEXAMPLE00000001'), {
        name: 'NoSuchHostedZone',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
      }),
    );

    // Act
    const error = await expectRejection(preflight(world.ports, input()), PreflightFailedError);

    // Assess
    expect(error.problems).toEqual([expect.stringContaining('fix dns.hostedZoneId')]);
  });

  it('throws a retryable ThrottledError when a read is throttled', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    world.database(db(world, 'catalog'), throttling());

    // Act
    const error = await expectRejection(preflight(world.ports, input()), ThrottledError);

    // Assess
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('DescribeDBInstances rds:us-west-2:shop-catalog-replica');
  });

  it('rejects a bad execution input naming the field, before any AWS call', async () => {
    // Prepare
    const world = createWorld(simplePlan());

    // Act
    const error = await expectRejection(
      preflight(world.ports, input({ ...validRequest, mode: 'destroy' })),
      InvalidInputError,
    );

    // Assess
    expect(error.field).toBe('mode');
    expect(error.message).toContain('mode');
    expect(world.commandNames()).toEqual([]);
  });

  it.each(['inc+1(a)', 'ü-name', 'a b', 'x'.repeat(81)])(
    'refuses an execution name the decision parameter cannot hold (%s), before any AWS call',
    async (name) => {
      // Prepare
      const world = createWorld(simplePlan());

      // Act
      const error = await expectRejection(
        preflight(world.ports, { ...input(), correlationId: name }),
        InvalidInputError,
      );

      // Assess
      expect(error.field).toBe('correlationId');
      expect(error.message).toContain('letters, digits, - _ .');
      expect(error.message).toContain('start the execution with a name of');
      expect(world.commandNames()).toEqual([]);
    },
  );

  it('reads a weighted record pair and plans to move all weight to DR', async () => {
    // Prepare
    const base = simplePlan();
    const plan: Plan = { ...base, dns: { ...base.dns, strategy: 'weighted' } };
    const world = createWorld(plan);
    world.records([
      { ...cname(plan, 'dr.shop.example.com'), SetIdentifier: 'dr', Weight: 0 },
      { ...cname(plan, 'primary.shop.example.com'), SetIdentifier: 'primary', Weight: 100 },
    ]);

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.dns.pointsTo).toBe('primary');
    expect(output.changes.at(-1)).toMatchObject({
      before: 'primary.shop.example.com weight 100, dr.shop.example.com weight 0',
      after: 'primary.shop.example.com weight 0, dr.shop.example.com weight 100',
    });
  });

  it('refuses split weights on a weighted record pair', async () => {
    // Prepare
    const base = simplePlan();
    const plan: Plan = { ...base, dns: { ...base.dns, strategy: 'weighted' } };
    const world = createWorld(plan);
    world.records([
      { ...cname(plan, 'dr.shop.example.com'), SetIdentifier: 'dr', Weight: 50 },
      { ...cname(plan, 'primary.shop.example.com'), SetIdentifier: 'primary', Weight: 50 },
    ]);

    // Act
    const error = await expectRejection(preflight(world.ports, input()), PreflightFailedError);

    // Assess
    expect(error.problems).toEqual([expect.stringContaining('weights are split')]);
  });
});

describe('preflight with the traffic gate (dns.strategy gate)', () => {
  it('reads where traffic goes from the gate alarm in the DR region, with no Route 53 call', async () => {
    // Prepare
    const world = createWorld();

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.dns).toEqual({
      record: 'www.shop.example.com',
      currentValue: 'gate open (alarm OK): Route 53 answers primary.shop.example.com',
      pointsTo: 'primary',
    });
    const traffic = output.changes.at(-1);
    expect(traffic?.action).toContain('close the traffic gate');
    expect(traffic?.action).toContain('no Route 53 API call');
    expect(traffic?.after).toBe('gate closed: Route 53 answers dr.shop.example.com');
    expect(world.mocks.route53.calls()).toHaveLength(0);
  });

  it('lists no traffic change once the gate is closed (a re-run converges)', async () => {
    // Prepare
    const world = createWorld().gate('ALARM');

    // Act
    const output = await preflight(world.ports, input());

    // Assess
    expect(output.dns.pointsTo).toBe('dr');
    expect(output.changes.some((c) => c.action.includes('traffic gate'))).toBe(false);
  });

  it('reports a missing gate alarm as a problem naming the stack to deploy', async () => {
    // Prepare
    const world = createWorld().gate(null);

    // Act
    const error = await expectRejection(preflight(world.ports, input()), PreflightFailedError);

    // Assess
    expect(error.message).toContain('shop-traffic-gate-closed');
    expect(error.message).toContain('orchestrator stack');
  });

  it('refuses a failover while another one runs, before reading any resource', async () => {
    // Prepare
    const world = createWorld();
    world.mocks.sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: EXECUTION_ARN,
          stateMachineArn: STATE_MACHINE_ARN,
          name: 'exec-1',
          status: 'RUNNING',
          startDate: new Date(EXECUTION_START),
        },
        {
          executionArn: EXECUTION_ARN.replace('exec-1', 'exec-0'),
          stateMachineArn: STATE_MACHINE_ARN,
          name: 'exec-0',
          status: 'RUNNING',
          startDate: new Date(new Date(EXECUTION_START).getTime() - 30_000),
        },
      ],
    });
    world.mocks.sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING', input: JSON.stringify(validRequest) });

    // Act
    const error = await expectRejection(preflight(world.ports, input()), FailoverInProgressError);

    // Assess
    expect(error.message).toContain('exec-0');
    expect(world.mocks.rds.calls()).toHaveLength(0);
    expect(world.mocks.ecs.calls()).toHaveLength(0);
  });
});
