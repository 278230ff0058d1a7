import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { metricResource, startWorld, type World } from '../../../local/index.ts';
import {
  drillGateAlarmName,
  drillGateMetric,
  drillRecordName,
  drillSetIdentifier,
  GATE_CLOSED,
  GATE_OPEN,
  gateAlarmName,
  gateMetric,
} from '../../../plan/names.ts';
import { referencePlan, resolveThroughWorld, worldClient } from './support.ts';

const plan = referencePlan();
const drillName = drillRecordName(plan);
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function setDrillGate(on: World, value: number): Promise<void> {
  const metric = drillGateMetric(plan);
  await worldClient(on, CloudWatchClient, plan.regions.dr).send(
    new PutMetricDataCommand({
      Namespace: metric.namespace,
      MetricData: [{ MetricName: metric.metricName, Dimensions: metric.dimensions, Value: value }],
    }),
  );
}

const answersDr = (on: World) =>
  on.models.route53.resolveDrillName(on.clock.now()) === plan.application.dr.target;

describe('the drill name and its gate, as the CDK app deploys them', () => {
  it('is two failover records on the primary and DR targets, PRIMARY gated by the drill gate check', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 200, schedule: false, alarmTrigger: false });

    // Act
    const { ResourceRecordSets } = await worldClient(world, Route53Client, 'us-east-1').send(
      new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
    );
    const alarms = await worldClient(world, CloudWatchClient, plan.regions.dr).send(
      new DescribeAlarmsCommand({ AlarmNames: [drillGateAlarmName(plan), gateAlarmName(plan)] }),
    );
    const resolved = await resolveThroughWorld(world, drillName);

    // Assess
    const records = ResourceRecordSets?.filter((r) => r.Name === `${drillName}.`);
    expect(records?.map((r) => [r.SetIdentifier, r.Failover, r.ResourceRecords?.[0]?.Value])).toEqual(
      expect.arrayContaining([
        [drillSetIdentifier(plan, 'primary'), 'PRIMARY', plan.application.primary.target],
        [drillSetIdentifier(plan, 'dr'), 'SECONDARY', plan.application.dr.target],
      ]),
    );
    const gated = records?.find((r) => r.Failover === 'PRIMARY');
    const check = world.models.healthChecks.find(gated?.HealthCheckId ?? '');
    expect(check?.kind === 'alarm' ? check.alarmName : undefined).toBe(drillGateAlarmName(plan));
    const [drillAlarm, publicAlarm] = [drillGateAlarmName(plan), gateAlarmName(plan)].map((name) =>
      alarms.MetricAlarms?.find((a) => a.AlarmName === name),
    );
    expect(drillAlarm?.Namespace).toBe(drillGateMetric(plan).namespace);
    for (const setting of [
      'Statistic',
      'Period',
      'EvaluationPeriods',
      'DatapointsToAlarm',
      'Threshold',
      'ComparisonOperator',
      'TreatMissingData',
    ] as const) {
      expect(drillAlarm?.[setting]).toEqual(publicAlarm?.[setting]);
    }
    expect(resolved).toEqual([plan.application.primary.target]);
  });

  it('answers the DR target once the drill gate closes, while the public record and its gate stay on the primary; opening it brings it back', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 1_000, schedule: false, alarmTrigger: false });
    const w = world;
    await w.runFor(30);

    // Act
    const closedAt = w.clock.now();
    await setDrillGate(w, GATE_CLOSED);
    await w.until(() => answersDr(w), { timeoutSeconds: 600 });
    const switchedAfter = (w.clock.now() - closedAt) / 1000;
    const drillAnswer = await resolveThroughWorld(w, drillName);
    const publicAnswer = await resolveThroughWorld(w, plan.dns.record);
    const publicGate = w.models.cloudWatch.findAlarm(plan.regions.dr, gateAlarmName(plan))?.state;
    await setDrillGate(w, GATE_OPEN);
    await w.until(() => !answersDr(w), { timeoutSeconds: 600 });
    const back = await resolveThroughWorld(w, drillName);

    // Assess
    expect(switchedAfter).toBeLessThanOrEqual(60 + 30 + 10 + plan.dns.ttl);
    expect(drillAnswer).toEqual([plan.application.dr.target]);
    expect(publicAnswer).toEqual([plan.application.primary.target]);
    expect(publicGate).not.toBe('ALARM');
    expect(w.events.list({ type: 'dns.answer-changed' })).toEqual([]);
    expect(back).toEqual([plan.application.primary.target]);
    const publicGateMetric = gateMetric(plan);
    const touchedPublic = w
      .mutations()
      .filter((m) =>
        m.resources.includes(
          metricResource(
            plan.regions.dr,
            publicGateMetric.namespace,
            publicGateMetric.metricName,
            publicGateMetric.dimensions,
          ),
        ),
      );
    expect(touchedPublic).toEqual([]);
  });
});
