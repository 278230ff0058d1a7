import { SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { fetchExecution } from '../../../report/fetch-execution.ts';
import { reportFromExecution } from '../../../report/from-execution.ts';
import { failoverOf, referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('an AWS run report measures what the run got far enough to measure', () => {
  it('a failover from a us-east-1 outage: detection from the DR-side alarm, RTO from it, the lag at promotion', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400 });
    const outageAt = world.clock.now();
    world.faults.regionOutage();

    // Act
    const failover = await failoverOf(world);
    const sfn = worldClient(world, SFNClient, plan.regions.dr);
    const record = await fetchExecution(sfn, failover.arn);
    const report = reportFromExecution(record, plan);

    // Assess
    expect(failover.status, failover.cause).toBe('SUCCEEDED');
    const detectedAt = Date.parse(report.detection.detectedAt ?? '');
    // The alarm went to ALARM after the outage began and before the run started.
    expect(detectedAt).toBeGreaterThanOrEqual(outageAt);
    expect(detectedAt).toBeLessThanOrEqual(failover.startDate.getTime());
    expect(report.detection.alarm).toBe('shop-primary-unreachable-from-dr');
    expect(report.rto.from).toBe('detection');
    expect(report.rto.seconds).toBeGreaterThan(0);
    expect(report.rto.seconds).toBe((Date.parse(report.rto.servingAt ?? '') - detectedAt) / 1000);
    expect(report.rpo.replicaLagAtPromotion.map((lag) => lag.database)).toEqual(['orders', 'catalog']);
    expect(report.rpo.replicaLagAtPromotion.every((lag) => lag.seconds !== null)).toBe(true);
    expect(report.rpo.basis).toBe('replica-lag-estimate');
  });
});
