import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertFixedTimings, idealDetectionSeconds, idealPath } from '../../../bench/recovery/ideal.ts';
import { promotionSecondsForRun } from '../../../bench/recovery/world-run.ts';
import { DEFAULT_TIMINGS, type Timings } from '../../../local/timings.ts';
import { loadPlanFile } from '../../../plan/load.ts';

const plan = loadPlanFile(join(import.meta.dirname, '..', '..', '..', 'drctl.plan.yaml'));
const fixed: Timings = { ...DEFAULT_TIMINGS, taskPendingSeconds: [30, 30], dnsInsyncSeconds: [40, 40] };

describe('ideal failover critical path', () => {
  it('detects when the alarm period holding the unhealthy verdict ends, plus event delivery', () => {
    // Prepare: 10 s checks, threshold 3, 60 s period: unhealthy 30 s after the outage
    const outageEarlyInPeriod = 1;
    const outageLateInPeriod = 40;

    // Act
    const early = idealDetectionSeconds(plan, fixed, outageEarlyInPeriod);
    const late = idealDetectionSeconds(plan, fixed, outageLateInPeriod);

    // Assess
    // Two breaching periods (2 of 3) are needed: one period more than the first unhealthy one.
    expect(early).toBe(120 - 1 + 1);
    expect(late).toBe(180 - 40 + 1);
  });

  it('waits for the slower of promotion and service start, then DNS in sync and the TTL', () => {
    // Prepare
    const outageAt = 1;

    // Act
    const ideal = idealPath(plan, fixed, outageAt);

    // Assess
    expect(ideal).toEqual({
      detectionSeconds: 120,
      promotionSeconds: 300,
      serviceReadySeconds: 15 + 30 + 10 + 10,
      dnsInsyncSeconds: 40 + 60,
      criticalPathSeconds: 120 + 300 + 100,
    });
  });

  it('refuses ranged timings, which have no single ideal', () => {
    // Prepare
    const ranged = DEFAULT_TIMINGS;

    // Act
    const act = () => assertFixedTimings(ranged);

    // Assess
    expect(act).toThrow(/taskPendingSeconds is a range/);
  });
});

describe('promotion duration per run', () => {
  it('spreads the runs evenly over the poll interval, a single run in its middle', () => {
    // Prepare
    const poll = 30;

    // Act
    const single = promotionSecondsForRun(1, 1, poll, 300);
    const three = [1, 2, 3].map((run) => promotionSecondsForRun(run, 3, poll, 300));

    // Assess
    expect(single).toBe(315);
    expect(three).toEqual([305, 315, 325]);
  });
});
