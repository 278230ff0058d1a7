import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertFixedTimings,
  idealGatePath,
  idealInstants,
  idealPath,
  nextTick,
  periodEnd,
} from '../../../bench/recovery/ideal.ts';
import { promotionSecondsForRun } from '../../../bench/recovery/world-run.ts';
import { DEFAULT_TIMINGS, type Timings } from '../../../local/timings.ts';
import { loadPlanFile } from '../../../plan/load.ts';

const plan = loadPlanFile(join(import.meta.dirname, '..', '..', '..', 'drctl.plan.yaml'));
const fixed: Timings = { ...DEFAULT_TIMINGS, taskPendingSeconds: [30, 30], dnsInsyncSeconds: [40, 40] };
/** A minute boundary of the simulated clock; every case below counts seconds from it. */
const T0 = Date.UTC(2030, 0, 1, 0, 0, 0);
const at = (seconds: number) => T0 + seconds * 1000;
/** The bench's worlds: probes 15 s into every minute, checkers reading at :15 and :45. */
const phases = { probeAt: at(15), alarmCheckerAt: at(15) };

describe('ideal failover critical path for an outage of us-east-1', () => {
  it('detects on the DR path: first probe after the outage, three failed minutes, judged at the minute boundary, one EventBridge hop', () => {
    // Prepare: outage at 1:01; probes at 1:15, 2:15, 3:15 fail; the alarm judges 3:00-4:00 at 4:00
    const outage = at(61);

    // Act
    const instants = idealInstants(plan, fixed, outage, phases);

    // Assess
    expect(instants.lastFailedProbe).toBe(at(195));
    expect(instants.detectionAlarm).toBe(at(240));
    expect(instants.executionStarted).toBe(at(241));
    expect(idealPath(plan, fixed, outage, phases).detectionSeconds).toBe(180);
  });

  it('waits a whole probe interval more when the outage falls just after a probe', () => {
    // Prepare: outage at 1:16, one second after the 1:15 probe (which succeeded)
    const justAfter = at(76);
    const onTheProbe = at(75);

    // Act
    const late = idealPath(plan, fixed, justAfter, phases);
    const exact = idealPath(plan, fixed, onTheProbe, phases);

    // Assess: probes 2:15, 3:15, 4:15 → alarm 5:00 → 5:01; a probe at the outage instant already fails
    expect(late.detectionSeconds).toBe(301 - 76);
    expect(exact.detectionSeconds).toBe(241 - 75);
  });

  it('adds the slower of promotion and service start, then the gate path from the switch instant', () => {
    // Prepare: StartExecution at 4:01, promotion 300 s → switch at 9:01
    const outage = at(61);

    // Act
    const ideal = idealPath(plan, fixed, outage, phases);

    // Assess: gate alarm at 10:00 (59 s), checkers at 10:15, answers at 10:25, served at 11:25
    expect(ideal).toEqual({
      detectionSeconds: 180,
      promotionSeconds: 300,
      serviceReadySeconds: 15 + 30 + 10 + 10,
      gateAlarmSeconds: 59,
      healthCheckSeconds: 15,
      healthToDnsSeconds: 10,
      ttlSeconds: 60,
      criticalPathSeconds: 180 + 300 + 59 + 15 + 10 + 60,
    });
  });

  it('takes the service start when it is the slower one', () => {
    // Prepare
    const quickPromotion: Timings = { ...fixed, promotionSeconds: 30 };

    // Act
    const ideal = idealPath(plan, quickPromotion, at(61), phases);

    // Assess: switch at 4:01 + 65 s = 5:06 → gate 6:00 (54 s) → checkers 6:15 → 6:25 → 7:25
    expect(ideal.gateAlarmSeconds).toBe(54);
    expect(ideal.criticalPathSeconds).toBe(445 - 61);
  });

  it('judges a switch on a minute boundary a minute later, and counts a checker read at the alarm instant', () => {
    // Prepare: the datapoint at 10:00 belongs to the minute 10:00-11:00; checkers read at :00 and :30
    const switchedAt = at(600);

    // Act
    const gate = idealGatePath(plan, fixed, switchedAt, { alarmCheckerAt: at(0) });

    // Assess
    expect(gate).toEqual({
      gateAlarm: at(660),
      healthCheckUnhealthy: at(660),
      drAnswer: at(670),
      drServed: at(730),
    });
  });

  it('rounds instants onto grids and period ends', () => {
    // Prepare
    const grid = at(15);

    // Act
    const ticks = [
      nextTick(at(15), grid, 30_000),
      nextTick(at(15.001), grid, 30_000),
      nextTick(at(-20), grid, 30_000),
    ];
    const ends = [periodEnd(at(59.999), 60_000), periodEnd(at(60), 60_000)];

    // Assess
    expect(ticks).toEqual([at(15), at(45), at(-15)]);
    expect(ends).toEqual([at(60), at(120)]);
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
  it('spreads the runs evenly over the poll interval plus the gate minute, a single run in its middle', () => {
    // Prepare: a 10 s promotion poll and the gate's 60 s minute
    const spread = 70;

    // Act
    const single = promotionSecondsForRun(1, 1, spread, 300);
    const three = [1, 2, 3].map((run) => promotionSecondsForRun(run, 3, spread, 300));

    // Assess: each lands on another phase of both the poll (1.7, 5, 8.3 s) and the minute
    expect(single).toBe(335);
    expect(three).toEqual([311.7, 335, 358.3]);
  });
});
