import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateDBInstanceReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { type Execution, startWorld, type Timings, type World } from '../../../local/index.ts';
import { type Mutation, metricResource } from '../../../local/mutations.ts';
import type { DbInstance } from '../../../local/rds/model.ts';
import {
  drillCopyIdentifier,
  drillGateAlarmName,
  drillRecordName,
  drillTags,
  evidenceBucketName,
  GATE_CLOSED,
  gateAlarmName,
  gateMetric,
  isDrillCopyIdentifier,
} from '../../../plan/names.ts';
import { referencePlan, resolveThroughWorld, worldClient } from './support.ts';

/**
 * The drill end to end in the world: the drill state machine with the real drill, canary,
 * scale-service and notify handlers, the canary writer beating every 5 s of simulated time
 * through mysql2, RDS cascading copies, the drill name's gate, the status-change sweep.
 */
const plan = referencePlan();
const SCALE = 5_000;
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const drillInput = { mode: 'drill', reason: 'monthly drill', incidentId: 'DRILL-1', requestedBy: 'test' };

async function drillWorld(timings: Partial<Timings> = {}): Promise<World> {
  world = await startWorld({ plan, drills: true, scale: SCALE, timings });
  // A minute of heartbeats on the primaries before the drill.
  await world.runFor(60);
  return world;
}

const drillMachine = (w: World) => {
  if (!w.drill) throw new Error('the world deployed no drill machine');
  return w.drill;
};

interface DrillOutput {
  outcome: string;
  rto: { seconds: number | null; outageAt: string | null; servedAt: string | null; met: boolean | null };
  rpo: { seconds: number | null; writesLost: number | null; basis: string };
  dataLoss: {
    databases: {
      databaseId: string;
      copyIdentifier: string;
      promotedAt: string;
      copy: { seq: number | null; writtenAt: string | null };
      primary: { seq: number | null; writtenAt: string | null };
      cutAt: string | null;
      writesLost: number | null;
      secondsLost: number | null;
      basis: string;
    }[];
  };
  cleanup: { resources: { resource: string; outcome: string }[] };
}

/** Every resource a drill must never change: plan replicas and primaries, the public record, its gate, primary services. */
function productionResources(w: World): { exact: Set<string>; prefixes: string[] } {
  const { rds, ecs } = w.models;
  const exact = new Set<string>();
  for (const db of plan.databases) {
    exact.add(rds.arnOf(db.replica.region, db.replica.identifier));
    exact.add(rds.arnOf(db.primary.region, db.primary.identifier));
  }
  for (const service of plan.services) {
    exact.add(ecs.serviceArnOf(plan.regions.primary, service.primary.cluster, service.primary.service));
  }
  const gate = gateMetric(plan);
  exact.add(metricResource(plan.regions.dr, gate.namespace, gate.metricName, gate.dimensions));
  exact.add(w.models.cloudWatch.alarmArnOf(plan.regions.dr, gateAlarmName(plan)));
  const record = plan.dns.record.replace(/\.?$/, '.').toLowerCase();
  return { exact, prefixes: [`route53:${plan.dns.hostedZoneId}/${record}|`] };
}

function onProduction(w: World, mutations: Mutation[]): Mutation[] {
  const { exact, prefixes } = productionResources(w);
  // Parameter groups too: the fence's read-only switch is production's alone.
  return mutations.filter((m) =>
    m.resources.some(
      (r) => exact.has(r) || r.includes(':pg:') || prefixes.some((prefix) => r.startsWith(prefix)),
    ),
  );
}

const copies = (w: World): DbInstance[] =>
  [...w.models.rds.instances.values()].filter((i) => isDrillCopyIdentifier(i.identifier));

const drDesiredCounts = (w: World): number[] =>
  plan.services.map((s) => {
    const cluster = w.models.ecs.findCluster(plan.regions.dr, s.cluster);
    return cluster ? (w.models.ecs.findService(cluster, s.service)?.desiredCount ?? -1) : -1;
  });

const drillGateState = (w: World) =>
  w.models.cloudWatch.findAlarm(plan.regions.dr, drillGateAlarmName(plan))?.state;

/** The heartbeats a copy held when it stopped replicating (its promotion's reboot), captured as the world saw them. */
function watchCopyHeartbeats(w: World): Map<string, number | null> {
  const finals = new Map<string, number | null>();
  w.events.subscribe((event) => {
    if (event.type !== 'rds.replication-ended') return;
    const identifier = String(event.detail.identifier ?? '');
    const copy = copies(w).find((i) => i.identifier === identifier);
    if (copy) finals.set(identifier, w.models.rds.heartbeats(copy, event.at).last()?.seq ?? null);
  });
  return finals;
}

/**
 * The data loss of one database as the world's tables hold it, cut at the declared outage: the
 * copy's heartbeat is one the primary wrote (same seq, same time), no later than what the copy
 * held at its reboot; the primary's is its last at or before the cut; the figures follow.
 */
function expectCutAtOutage(
  w: World,
  db: DrillOutput['dataLoss']['databases'][number],
  outageAt: number,
  finals: Map<string, number | null>,
): void {
  const spec = plan.databases.find((d) => d.id === db.databaseId);
  if (!spec) throw new Error(`unknown database ${db.databaseId}`);
  const primary = w.models.rds.find(spec.primary.region, spec.primary.identifier) as DbInstance;
  const table = w.models.rds.heartbeats(primary, w.clock.now());
  expect(Date.parse(db.cutAt ?? '')).toBe(outageAt);
  expect(db.primary.seq).toBe(table.last(outageAt)?.seq);
  const copyWrittenAt = Date.parse(db.copy.writtenAt ?? '');
  expect(table.last(copyWrittenAt)?.seq).toBe(db.copy.seq);
  expect(db.copy.seq ?? 0).toBeLessThanOrEqual(finals.get(db.copyIdentifier) ?? 0);
  expect(db.writesLost).toBe((db.primary.seq ?? 0) - (db.copy.seq ?? 0));
  expect(db.secondsLost).toBeCloseTo((outageAt - copyWrittenAt) / 1000, 3);
}

async function runDrill(w: World, name: string): Promise<Execution> {
  const machine = drillMachine(w);
  const execution = machine.start(drillInput, name);
  return machine.wait(execution.arn);
}

describe('a drill on the reference plan', () => {
  it('succeeds with RTO from outageAt to servedAt and the RPO the canary measured, touching no production resource, and cleans up', async () => {
    // Prepare
    const w = await drillWorld();
    const finals = watchCopyHeartbeats(w);
    const publicBefore = await resolveThroughWorld(w, plan.dns.record);

    // Act
    const done = await runDrill(w, 'drill-succeeds');

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}') as DrillOutput;
    expect(output.outcome).toBe('succeeded');
    // RTO: the declared outage (within the DeclareOutage step) to the verification through the drill name.
    const declared = w.steps(done.arn).find((s) => s.state === 'DeclareOutage');
    const outageAt = Date.parse(output.rto.outageAt ?? '');
    const servedAt = Date.parse(output.rto.servedAt ?? '');
    expect(outageAt).toBeGreaterThanOrEqual(Date.parse(declared?.startedAt ?? ''));
    expect(outageAt).toBeLessThanOrEqual(Date.parse(declared?.endedAt ?? ''));
    const verified = w.steps(done.arn).find((s) => s.state === 'VerifyThroughDrillName');
    expect(servedAt).toBeLessThanOrEqual(Date.parse(verified?.endedAt ?? ''));
    expect(output.rto.seconds).toBeCloseTo((servedAt - outageAt) / 1000, 3);
    expect(output.rto.seconds).toBeGreaterThan(60);
    // RPO: cut at the declared outage, as a real outage at that instant would cut replication:
    // the copy's heartbeat then against the primary's up to then, as the world's tables hold them.
    expect(output.rpo.basis).toBe('canary');
    for (const db of output.dataLoss.databases) {
      const spec = plan.databases.find((d) => d.id === db.databaseId);
      expect(db.copyIdentifier).toBe(drillCopyIdentifier(spec?.replica.identifier ?? ''));
      expect(db.primary.seq).toBeGreaterThan(10);
      expectCutAtOutage(w, db, outageAt, finals);
    }
    // Writes lost add up over the databases (functions/drill/data-loss.ts worstOf): each lost heartbeat
    // is a write the DR side never got. (This said the worst one's, which holds only while at most one
    // database loses a write: a loaded machine can cut both between two heartbeats.)
    expect(output.rpo.writesLost).toBe(
      output.dataLoss.databases.reduce((sum, d) => sum + (d.writesLost ?? 0), 0),
    );
    // The drill changed things (copies, DR services, the drill gate), never a production resource.
    const window = { from: done.startDate.getTime(), to: done.stopDate?.getTime() ?? w.clock.now() };
    const mutations = w.mutations(window);
    expect(mutations.map((m) => m.operation)).toEqual(
      expect.arrayContaining([
        'CreateDBInstanceReadReplica',
        'PromoteReadReplica',
        'DeleteDBInstance',
        'UpdateService',
        'PutMetricData',
      ]),
    );
    expect(onProduction(w, mutations)).toEqual([]);
    // Cleanup: no copy, DR services back to the pilot light, the drill gate open, the public record as it was.
    expect(output.cleanup.resources.every((r) => r.outcome === 'cleaned')).toBe(true);
    expect(copies(w)).toEqual([]);
    expect(drDesiredCounts(w)).toEqual(plan.services.map(() => 0));
    expect(drillGateState(w)).not.toBe('ALARM');
    await w.runFor(120);
    expect(await resolveThroughWorld(w, drillRecordName(plan))).toEqual([plan.application.primary.target]);
    expect(await resolveThroughWorld(w, plan.dns.record)).toEqual(publicBefore);
    expect(
      w.messages().some((m) => m.message.includes('drill') && /succeeded/i.test(m.subject ?? m.message)),
    ).toBe(true);
  }, 60_000);
});

describe('drills one after the other', () => {
  it('measure RPO from the canary each time (the warm reader reconnects to the new copies)', async () => {
    // Prepare
    const w = await drillWorld();
    const finals = watchCopyHeartbeats(w);
    const first = await runDrill(w, 'drill-first');
    await w.runFor(60);

    // Act
    const second = await runDrill(w, 'drill-second');

    // Assess
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const output = JSON.parse(second.output ?? '{}') as DrillOutput;
    expect(output.rpo.basis).toBe('canary');
    for (const db of output.dataLoss.databases)
      expectCutAtOutage(w, db, Date.parse(output.rto.outageAt ?? ''), finals);
    expect(copies(w)).toEqual([]);
  }, 60_000);
});

describe('a drill whose copies lag behind', () => {
  it('measures the writes and seconds a failover would lose from the canary, fails with ObjectiveMissedError and still cleans up', async () => {
    // Prepare: each copy applies its source's changes 5 minutes late: at the declared outage it
    // lacks the primary's last 5 minutes of heartbeats.
    const w = await drillWorld({ cascadingReplicaLagSeconds: 300 });
    const finals = watchCopyHeartbeats(w);

    // Act
    const done = await runDrill(w, 'drill-copies-lag');

    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('ObjectiveMissedError');
    expect(done.cause).toContain('RPO');
    // A failed execution has no output: the figures are MeasureDataLoss's result in the history.
    const exited = (e: (typeof done.history)[number]) =>
      e.stateExitedEventDetails as { name?: string; output?: string } | undefined;
    const measured = done.history.find(
      (e) => e.type === 'TaskStateExited' && exited(e)?.name === 'MeasureDataLoss',
    );
    const state = JSON.parse((measured && exited(measured)?.output) ?? '{}') as Partial<DrillOutput>;
    const databases = state.dataLoss?.databases ?? [];
    expect(databases.length).toBe(plan.databases.length);
    const outageAt = Date.parse((state as { outage?: { outageAt?: string } }).outage?.outageAt ?? '');
    for (const db of databases) {
      expectCutAtOutage(w, db, outageAt, finals);
      // Heartbeats every 5 s, the copy 300 s behind its source at the declared outage.
      expect(db.writesLost).toBeGreaterThanOrEqual(50);
      expect(db.secondsLost).toBeGreaterThan(plan.objectives.rpoSeconds);
    }
    expect(copies(w)).toEqual([]);
    expect(drDesiredCounts(w)).toEqual(plan.services.map(() => 0));
    expect(drillGateState(w)).not.toBe('ALARM');
  }, 60_000);
});

describe('what an interrupted drill left', () => {
  it('is found by its tags and removed by the next drill, which then succeeds', async () => {
    // Prepare: a copy an earlier, crashed drill made (tagged, as every drill copy is).
    const w = await drillWorld();
    const db = plan.databases[0] as (typeof plan.databases)[number];
    const rds = worldClient(w, RDSClient, plan.regions.dr);
    const leftover = drillCopyIdentifier(db.replica.identifier);
    await rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: leftover,
        SourceDBInstanceIdentifier: db.replica.identifier,
        Tags: drillTags(plan, 'drill-that-crashed'),
      }),
    );
    await w.until(() => copies(w).some((c) => c.identifier === leftover && c.status === 'available'), {
      timeoutSeconds: 1_800,
    });
    const crashed = copies(w).find((c) => c.identifier === leftover);

    // Act
    const done = await runDrill(w, 'drill-after-a-crash');

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}') as {
      sweep: { resources: { resource: string; outcome: string }[] };
    };
    expect(output.sweep.resources).toEqual(
      expect.arrayContaining([expect.objectContaining({ resource: expect.stringContaining(leftover) })]),
    );
    expect(copies(w)).toEqual([]);
    expect(crashed && w.models.rds.isLive(crashed)).toBe(false);
  }, 60_000);
});

describe('a drill that fails or stops mid-way still cleans up', () => {
  it('cleans up through its Catch when a copy promotion fails, and the drill ends FAILED with a notice', async () => {
    // Prepare
    const w = await drillWorld();
    w.faults.promotionsFail({ databaseId: 'orders', status: 'incompatible-parameters' });

    // Act
    const done = await runDrill(w, 'drill-promotion-fails');

    // Assess
    expect(done.status).toBe('FAILED');
    const window = { from: done.startDate.getTime(), to: w.clock.now() };
    expect(onProduction(w, w.mutations(window))).toEqual([]);
    expect(copies(w)).toEqual([]);
    expect(drDesiredCounts(w)).toEqual(plan.services.map(() => 0));
    expect(drillGateState(w)).not.toBe('ALARM');
    const notice = w
      .messages()
      .find((m) => /fail/i.test(`${m.subject ?? ''} ${m.message}`) && m.message.includes('drill'));
    expect(notice).toBeDefined();
    // The status-change rule also ran the sweep on the failed execution: it found nothing left.
    await w.runFor(30);
    expect(
      w.events
        .list()
        .some((e) => e.type === 'eventbridge.delivered' && e.detail.function === `${plan.name}-drill`),
    ).toBe(true);
  }, 60_000);

  it.each([
    ['the DR services cannot start their tasks', (w: World) => w.faults.tasksFailToStart()],
    ['the DR application does not serve', (w: World) => w.faults.applicationOutage(plan.regions.dr)],
  ])(
    'cleans up completely when %s',
    async (_what, inject) => {
      // Prepare
      const w = await drillWorld();
      inject(w);

      // Act
      const done = await runDrill(w, 'drill-step-fails');

      // Assess
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('DrillFailedError');
      expect(copies(w)).toEqual([]);
      expect(drDesiredCounts(w)).toEqual(plan.services.map(() => 0));
      expect(drillGateState(w)).not.toBe('ALARM');
      const window = { from: done.startDate.getTime(), to: w.clock.now() };
      expect(onProduction(w, w.mutations(window))).toEqual([]);
    },
    60_000,
  );

  it('is swept by the status-change rule when it is aborted with copies made', async () => {
    // Prepare
    const w = await drillWorld();
    const machine = drillMachine(w);
    const execution = machine.start(drillInput, 'drill-aborted');
    await w.until(
      () => copies(w).length === plan.databases.length && copies(w).every((c) => c.status === 'available'),
    );

    // Act
    machine.stop(execution.arn, 'Operator', 'stopped by hand');
    const stopped = await machine.wait(execution.arn);
    await w.until(() => copies(w).length === 0, { timeoutSeconds: 1_800 });
    await w.runFor(60);

    // Assess
    expect(stopped.status).toBe('ABORTED');
    const sweeps = w.events
      .list()
      .filter((e) => e.type === 'eventbridge.delivered' && e.detail.function === `${plan.name}-drill`);
    expect(sweeps).toHaveLength(1);
    expect(copies(w)).toEqual([]);
    expect(drDesiredCounts(w)).toEqual(plan.services.map(() => 0));
    expect(drillGateState(w)).not.toBe('ALARM');
    const window = { from: stopped.startDate.getTime(), to: w.clock.now() };
    expect(onProduction(w, w.mutations(window))).toEqual([]);
  }, 60_000);
});

describe('a drill whose cleanup cannot finish', () => {
  it('ends FAILED with CleanupIncompleteError, and its notice names each copy left behind', async () => {
    // Prepare: deleting an instance takes 10 hours, far past the cleanup's polls.
    const w = await drillWorld({ instanceDeletionSeconds: 36_000 });

    // Act
    const done = await runDrill(w, 'drill-cleanup-stuck');

    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('CleanupIncompleteError');
    const left = copies(w).map((c) => c.identifier);
    expect(left.sort()).toEqual(plan.databases.map((d) => drillCopyIdentifier(d.replica.identifier)).sort());
    const notice = w.messages().findLast((m) => /LEFT RESOURCES BEHIND/.test(m.subject ?? ''));
    expect(notice).toBeDefined();
    for (const identifier of left) expect(notice?.message).toContain(identifier);
  }, 60_000);
});

describe('a drill on a PostgreSQL plan', () => {
  it('runs without the canary (the world has no PostgreSQL endpoint) and says its RPO is not measured by it', async () => {
    // Prepare
    const postgres = {
      ...plan,
      databases: plan.databases.map((d) => ({ ...d, engine: 'postgres' as const })),
      ...(plan.deployment ? { deployment: { ...plan.deployment, engineVersion: '16.4' } } : {}),
    };
    world = await startWorld({ plan: postgres, drills: true, scale: SCALE });
    const w = world;
    await w.runFor(60);

    // Act
    const done = await runDrill(w, 'drill-postgres');

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}') as DrillOutput;
    expect(output.rto.seconds).toBeGreaterThan(60);
    expect(output.rpo.basis).not.toBe('canary');
    expect(w.events.list().filter((e) => e.type === 'canary.beat')).toEqual([]);
    expect(copies(w)).toEqual([]);
  }, 60_000);
});

describe('a drill while the plan is failed over', () => {
  it('is refused and changes nothing', async () => {
    // Prepare: the public gate closed, as a failover leaves it.
    const w = await drillWorld();
    const cloudWatch = worldClient(w, CloudWatchClient, plan.regions.dr);
    const gate = gateMetric(plan);
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: gate.namespace,
        MetricData: [{ MetricName: gate.metricName, Dimensions: gate.dimensions, Value: GATE_CLOSED }],
      }),
    );
    await w.until(
      () => w.models.cloudWatch.findAlarm(plan.regions.dr, gateAlarmName(plan))?.state === 'ALARM',
      {
        timeoutSeconds: 600,
      },
    );
    const servicesBefore = drDesiredCounts(w);

    // Act
    const done = await runDrill(w, 'drill-refused');
    await w.runFor(120);

    // Assess
    expect(done.status).toBe('FAILED');
    expect(`${done.error} ${done.cause}`).toContain('DrillRefused');
    const window = { from: done.startDate.getTime(), to: w.clock.now() };
    // Nothing but the notice, the run's evidence, and the detection's own metrics (which run
    // whatever drills do).
    const evidence = `arn:aws:s3:::${evidenceBucketName(plan, plan.deployment?.account ?? '111111111111')}/`;
    const changes = w
      .mutations(window)
      .filter((m) => m.service !== 'sns')
      .filter(
        (m) => !m.resources.every((r) => r.includes('PrimaryReachableFromDr') || r.startsWith(evidence)),
      );
    expect(changes).toEqual([]);
    expect(copies(w)).toEqual([]);
    expect(drDesiredCounts(w)).toEqual(servicesBefore);
  }, 60_000);

  it('refuses an execution name Step Functions accepts but a drill tag cannot hold, before it creates anything', async () => {
    // Prepare
    const w = await drillWorld();
    const servicesBefore = drDesiredCounts(w);

    // Act
    const done = await runDrill(w, "drill(1)'x");

    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('InvalidInputError');
    expect(done.cause).toContain('correlationId');
    expect(done.cause).toContain('start the execution with a name of letters, digits, - _ .');
    expect(copies(w)).toEqual([]);
    expect(drDesiredCounts(w)).toEqual(servicesBefore);
    const window = { from: done.startDate.getTime(), to: w.clock.now() };
    expect(w.mutations(window).filter((m) => m.service === 'rds' || m.service === 'ecs')).toEqual([]);
  }, 60_000);
});
