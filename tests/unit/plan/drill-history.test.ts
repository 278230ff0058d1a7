import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drillTiming } from '../../../functions/drill/timing.ts';
import { loadPlanFile, parsePlan } from '../../../plan/load.ts';
import {
  COUNTED_CHILD_WAIT_STATES,
  COUNTED_DRILL_WAIT_STATES,
  drillHistory,
  drillMaxPolls,
  HISTORY_EVENTS,
  maxPolls,
  worstCaseDrillHistoryEvents,
} from '../../../plan/rules/execution-history.ts';
import { type AslState, allStateMaps, loopOf } from './asl-loops.ts';
import { issueOn, planErrorOf, REFERENCE_PLAN_PATH, referenceWith } from './support.ts';

describe("plan rule: the drill's worst case fits Step Functions' 25,000-event history", () => {
  it('counts the reference plan with the bounds the drill function gives its state machine', () => {
    // Prepare
    const plan = loadPlanFile(REFERENCE_PLAN_PATH);

    // Act
    const timing = drillTiming(plan);
    const polls = drillMaxPolls(plan.drills);
    const recovery = maxPolls(plan.failover.pollSeconds);

    // Assess: 180 copy polls (half of 180 minutes at 30 s), 120 sweep and 120 cleanup polls
    expect([timing.copyMaxPolls, timing.sweepMaxPolls, timing.cleanupMaxPolls]).toEqual([180, 120, 120]);
    expect([polls.copies, polls.sweep, polls.cleanup]).toEqual([180, 120, 120]);
    expect([timing.promotionMaxPolls, timing.serviceMaxPolls, timing.dnsMaxPolls]).toEqual([
      recovery.promotion,
      recovery.service,
      recovery.dns,
    ]);
    // the drill: 150 + 2 × (7 + 12) + 3 × 12 + 9 × (180 + 120 + 120 + 60); a copy's promotion
    // child 15 + 9 × 360; a scaling child 15 + 9 × 80
    expect(drillHistory(plan)).toEqual({ parent: 4544, promotion: 3255, scaling: 735 });
    expect(worstCaseDrillHistoryEvents(plan)).toBe(4544);
  });

  it('refuses a drill that polls its copies too often for its timeout, suggesting an interval that fits', () => {
    // Prepare
    const document = referenceWith((p) => {
      p.drills = { ...p.drills, timeoutMinutes: 1440, copyPollSeconds: 5 };
    });

    // Act
    const issue = issueOn(planErrorOf(document), 'drills.copyPollSeconds');
    const suggested = Number(/for example copyPollSeconds (\d+)/.exec(issue)?.[1]);
    const fixed = referenceWith((p) => {
      p.drills = { ...p.drills, timeoutMinutes: 1440, copyPollSeconds: suggested };
    });

    // Assess
    expect(issue).toContain('the drill execution itself would write about 91484 history events');
    expect(issue).toContain('up to 8640 copy-creation polls');
    expect(suggested).toBeGreaterThan(5);
    expect(() => parsePlan(fixed)).not.toThrow();
  });

  it('counts every polling loop of the drill machine, each one Wait, one Lambda Task and one Choice', () => {
    // Prepare
    const asl = JSON.parse(
      readFileSync(new URL('../../../statemachines/drill.asl.json', import.meta.url), 'utf8'),
    ) as { States: Record<string, AslState> };
    const eventsOf: Record<string, number> = { Task: 5, Choice: 2, Wait: 2 };

    // Act
    const waits = allStateMaps(asl.States).flatMap((states) =>
      Object.entries(states)
        .filter(([, state]) => state.Type === 'Wait')
        .map(([name]) => ({ name, loop: loopOf(states, name) })),
    );

    // Assess: the copies' promotion loop polls in the promote-copy child (counted there)
    expect(waits.map((wait) => wait.name).sort()).toEqual([...COUNTED_DRILL_WAIT_STATES].sort());
    expect(COUNTED_CHILD_WAIT_STATES['promote-copy.asl.json']).toEqual(['WaitForCopyPromotion']);
    for (const { loop } of waits) {
      expect(loop.map((state) => state.Type).sort()).toEqual(['Choice', 'Task', 'Wait']);
      expect(loop.reduce((sum, state) => sum + (eventsOf[state.Type] ?? 0), 0)).toBe(HISTORY_EVENTS.perPoll);
    }
  });
});
