import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/**
 * The worst case of every execution a failover or a drill runs, against Step Functions' quota of
 * 25,000 events per execution (Step Functions Developer Guide, "Quotas": maximum execution
 * history size; past it the execution fails). Each database's promotion and each service's
 * scaling polls in a child execution of its own (startExecution.sync:2 from the parent's inline
 * Map; "Avoid reaching the history quota" advises exactly that), so the quota applies to each
 * kind of execution separately: the parent grows by a constant per resource, a child by its polls.
 *
 * How the counts were derived, from statemachines/*.asl.json (JSONPath, Lambda tasks by function
 * ARN) and the history events Step Functions writes for each state type:
 * - a Lambda Task is TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted,
 *   LambdaFunctionSucceeded, TaskStateExited: 5 events; a Choice, Wait or Pass is Entered and
 *   Exited: 2; so one poll iteration (Wait → Check task → Is...Done choice) is 2 + 5 + 2 = 9;
 * - a Task that runs a child (states:startExecution.sync:2) is TaskStateEntered, TaskScheduled,
 *   TaskStarted, TaskSubmitted, TaskSucceeded, TaskStateExited: 6, in a Map iteration with
 *   MapIterationStarted/Succeeded: 8. When the child fails, TaskFailed, the Pass that reads the
 *   child's error, the Choice and the Fail state and MapIterationFailed make it 12: the parent's
 *   cost of one resource's child is counted as 12 (`perChild`);
 * - failover parent: each database also has a StartPromotions item (MapIterationStarted/Succeeded,
 *   the StartPromotion task, the PromotionStarted pass: 9); its own loops (DNS sync, fencing, the
 *   decision) poll in it; everything else on its longest path (start and end, Preflight, IsDryRun,
 *   Confirm, the Parallel and both Maps' own events, SwitchDns, VerifyDrEndpoint, the notices) is
 *   under 100;
 * - a promotion child (promote-database, the drill's promote-copy) is its start and end, the
 *   first IsPromotionDone choice and the Done pass (or a Fail) around its polls: 10 (promote-copy
 *   starts with its PromoteCopy task: 15); a scaling child (scale-service) adds its StartScaling
 *   task: 15;
 * - drill parent: each database has a CreateCopies item (MapIterationStarted/Succeeded and the
 *   create task: 7) beside its child; four loops poll for the whole plan at once (the sweep's and
 *   the cleanup's deletions and the copies' creation every drills.copyPollSeconds, the drill gate
 *   every failover.pollSeconds.dns); everything else on its longest path is under 150;
 * - a retried Lambda attempt adds 3 events (Scheduled, Started, Failed): 10 % of the quota is
 *   kept for retries in every execution.
 * Each loop polls at most ceil(budget / interval) times; the budgets are the health monitor's
 * (functions/health-monitor/poll-timing.ts; tests/unit/plan/rules.test.ts checks they agree).
 */
export const HISTORY_EVENT_QUOTA = 25_000;
export const HISTORY_RESERVED_FOR_RETRIES = 2_500;
export const HISTORY_EVENTS = {
  perPoll: 9,
  /** The parent's events for one resource's child execution (the failing path, the longer one). */
  perChild: 12,
  /** A database's StartPromotions item in the failover parent. */
  perPromotionStart: 9,
  outsideLoops: 100,
  /** A child execution's events around its polls: promote-database; promote-copy and scale-service start with a task. */
  promotionChildOutsideLoops: 10,
  startingChildOutsideLoops: 15,
} as const;
/**
 * How long each loop polls at most. The fence loop runs beside the recovery and ends when it is
 * complete; past its budget the schedule keeps fencing, so it need not be as long as a promotion.
 */
export const POLL_BUDGET_SECONDS = { promotion: 3600, service: 1200, dns: 600, fence: 900 } as const;
/**
 * The Wait states of the polling loops counted here, per state machine file. tests/unit/plan
 * rules.test.ts fails when a state machine gains a Wait this rule does not count: add its loop
 * (polls × 9 events) to the execution it runs in.
 */
export const COUNTED_WAIT_STATES = ['WaitForDnsSync', 'WaitForFence', 'WaitForDecision'] as const;
export const COUNTED_CHILD_WAIT_STATES = {
  'promote-database.asl.json': ['WaitForPromotion'],
  'scale-service.asl.json': ['WaitForTasks'],
  'promote-copy.asl.json': ['WaitForCopyPromotion'],
} as const;

type PollSeconds = Plan['failover']['pollSeconds'];

export function maxPolls(pollSeconds: PollSeconds): Record<keyof PollSeconds, number> {
  return {
    promotion: Math.ceil(POLL_BUDGET_SECONDS.promotion / pollSeconds.promotion),
    service: Math.ceil(POLL_BUDGET_SECONDS.service / pollSeconds.service),
    dns: Math.ceil(POLL_BUDGET_SECONDS.dns / pollSeconds.dns),
    fence: Math.ceil(POLL_BUDGET_SECONDS.fence / pollSeconds.fence),
  };
}

/** Looks at the decision parameter while a run waits: the plan's timeout over its interval. */
export function maxDecisionPolls(approval: Plan['failover']['approval']): number {
  return Math.ceil((approval.timeoutMinutes * 60) / approval.pollSeconds);
}

/** The worst case of each kind of execution a failover runs, retries aside. */
export interface FailoverHistory {
  /** The failover execution: its own loops, and a constant per database and per service. */
  parent: number;
  /** One database's promotion child (statemachines/promote-database.asl.json). */
  promotion: number;
  /** One service's scaling child (statemachines/scale-service.asl.json). */
  scaling: number;
}

export function failoverHistory(
  plan: Plan,
  pollSeconds: PollSeconds = plan.failover.pollSeconds,
): FailoverHistory {
  const polls = maxPolls(pollSeconds);
  const events = HISTORY_EVENTS;
  return {
    parent:
      events.outsideLoops +
      plan.databases.length * (events.perPromotionStart + events.perChild) +
      plan.services.length * events.perChild +
      events.perPoll * (polls.dns + polls.fence + maxDecisionPolls(plan.failover.approval)),
    promotion: events.promotionChildOutsideLoops + events.perPoll * polls.promotion,
    scaling: events.startingChildOutsideLoops + events.perPoll * polls.service,
  };
}

/** Events of the longest execution a failover runs (the parent or one of its children), retries aside. */
export function worstCaseHistoryEvents(
  plan: Plan,
  pollSeconds: PollSeconds = plan.failover.pollSeconds,
): number {
  return Math.max(...Object.values(failoverHistory(plan, pollSeconds)));
}

const HISTORY_BUDGET = HISTORY_EVENT_QUOTA - HISTORY_RESERVED_FOR_RETRIES;
const CANDIDATE_INTERVALS = [10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];
const ALLOWED = `Step Functions allows ${HISTORY_EVENT_QUOTA} per execution and drctl keeps ${HISTORY_RESERVED_FOR_RETRIES} for retries; allowed: at most ${HISTORY_BUDGET}`;

export function executionHistoryProblems(plan: Plan): PlanProblem[] {
  return [...failoverHistoryProblems(plan), ...drillHistoryProblems(plan)];
}

function failoverHistoryProblems(plan: Plan): PlanProblem[] {
  const history = failoverHistory(plan);
  // A drill copy's promotion polls at the same interval (its child starts with a task: a few more events).
  const promotion = Math.max(history.promotion, drillHistory(plan).promotion);
  const polls = maxPolls(plan.failover.pollSeconds);
  const problems: PlanProblem[] = [];
  if (promotion > HISTORY_BUDGET) {
    problems.push(
      childProblem(
        'promotion',
        `one database's promotion child execution would write about ${promotion} history events (up to ${polls.promotion} polls in ${POLL_BUDGET_SECONDS.promotion} s, ${HISTORY_EVENTS.perPoll} events each)`,
        plan,
      ),
    );
  }
  if (history.scaling > HISTORY_BUDGET) {
    problems.push(
      childProblem(
        'service',
        `one service's scaling child execution would write about ${history.scaling} history events (up to ${polls.service} polls in ${POLL_BUDGET_SECONDS.service} s, ${HISTORY_EVENTS.perPoll} events each)`,
        plan,
      ),
    );
  }
  if (history.parent > HISTORY_BUDGET) {
    const suggestion = fittingPollSeconds(plan);
    problems.push(
      problem(
        'failover.pollSeconds',
        `the failover execution itself would write about ${history.parent} history events (${HISTORY_EVENTS.perChild + HISTORY_EVENTS.perPromotionStart} for each of ${plan.databases.length} databases, ${HISTORY_EVENTS.perChild} for each of ${plan.services.length} services, ${polls.dns} DNS and ${polls.fence} fencing polls and ${maxDecisionPolls(plan.failover.approval)} decision polls at ${HISTORY_EVENTS.perPoll} events each); ${ALLOWED}${
          suggestion
            ? `, for example pollSeconds { promotion: ${suggestion.promotion}, service: ${suggestion.service}, dns: ${suggestion.dns}, fence: ${suggestion.fence} } (about ${failoverHistory(plan, suggestion).parent})`
            : ': split the plan (fewer databases and services per plan), or raise failover.approval.pollSeconds'
        }`,
      ),
    );
  }
  return problems;
}

/** A child's loop polls too often: the smallest candidate interval of that loop that fits. */
function childProblem(loop: 'promotion' | 'service', what: string, plan: Plan): PlanProblem {
  const fits = (interval: number) => {
    const pollSeconds = { ...plan.failover.pollSeconds, [loop]: interval };
    const history = failoverHistory(plan, pollSeconds);
    const drill = drillHistory(plan, plan.drills.copyPollSeconds, pollSeconds);
    return loop === 'promotion'
      ? history.promotion <= HISTORY_BUDGET && drill.promotion <= HISTORY_BUDGET
      : history.scaling <= HISTORY_BUDGET;
  };
  const fitting = CANDIDATE_INTERVALS.find(
    (interval) => interval > plan.failover.pollSeconds[loop] && fits(interval),
  );
  return problem(
    `failover.pollSeconds.${loop}`,
    `${what}; ${ALLOWED}${fitting === undefined ? '' : `, for example ${loop}: ${fitting}`}`,
  );
}

/**
 * The plan's intervals, the busiest loop's raised step by step until every execution of the
 * failover and of the drill (which polls its recovery at the same intervals) fits.
 */
export function fittingPollSeconds(plan: Plan): PollSeconds | undefined {
  const current = { ...plan.failover.pollSeconds };
  for (let step = 0; step < 40; step++) {
    const failover = failoverHistory(plan, current);
    const drill = drillHistory(plan, plan.drills.copyPollSeconds, current);
    const over = (events: number) => Math.max(0, events - HISTORY_BUDGET);
    const load: Record<keyof PollSeconds, number> = {
      promotion: over(Math.max(failover.promotion, drill.promotion)),
      service: over(failover.scaling),
      dns: over(Math.max(failover.parent, drill.parent)),
      fence: over(failover.parent),
    };
    if (Object.values(load).every((excess) => excess === 0)) return current;
    const busiest = (Object.keys(load) as (keyof PollSeconds)[])
      .filter((loop) => load[loop] > 0 && current[loop] < 600)
      .sort((a, b) => load[b] - load[a])[0];
    if (!busiest) return undefined;
    current[busiest] = CANDIDATE_INTERVALS.find((interval) => interval > current[busiest]) ?? 600;
  }
  return undefined;
}

// ---- The drill state machine (statemachines/drill.asl.json) --------------------------------------

/**
 * Copy creation may take half of drills.timeoutMinutes (the rest is for the recovery and the
 * cleanup); the sweep and the cleanup each poll deletions for up to an hour (RDS deletes an
 * instance in minutes; one still deleting after that is reported as left behind).
 */
export const DRILL_HISTORY_EVENTS = { perCopyCreation: 7, outsideLoops: 150 } as const;
export const DRILL_DELETION_BUDGET_SECONDS = 3600;
/** The drill's own Wait states this rule counts (tests/unit/plan/drill-history.test.ts checks the ASL has no other). */
export const COUNTED_DRILL_WAIT_STATES = [
  'WaitForSweep',
  'WaitForCopies',
  'WaitForDrillGate',
  'WaitForCleanup',
] as const;

export interface DrillPolls {
  copies: number;
  sweep: number;
  cleanup: number;
}

export function drillMaxPolls(drills: Plan['drills'], copyPollSeconds = drills.copyPollSeconds): DrillPolls {
  const creationBudget = (drills.timeoutMinutes * 60) / 2;
  return {
    copies: Math.ceil(creationBudget / copyPollSeconds),
    sweep: Math.ceil(DRILL_DELETION_BUDGET_SECONDS / copyPollSeconds),
    cleanup: Math.ceil(DRILL_DELETION_BUDGET_SECONDS / copyPollSeconds),
  };
}

/** The worst case of each kind of execution a drill runs, retries aside. */
export interface DrillHistory {
  /** The drill execution: its four loops, and a constant per database and per service. */
  parent: number;
  /** One copy's promotion child (statemachines/promote-copy.asl.json). */
  promotion: number;
  /** One service's scaling child (statemachines/scale-service.asl.json, the drill's own machine). */
  scaling: number;
}

export function drillHistory(
  plan: Plan,
  copyPollSeconds: number = plan.drills.copyPollSeconds,
  recoveryPollSeconds: PollSeconds = plan.failover.pollSeconds,
): DrillHistory {
  const recovery = maxPolls(recoveryPollSeconds);
  const drill = drillMaxPolls(plan.drills, copyPollSeconds);
  const events = HISTORY_EVENTS;
  return {
    parent:
      DRILL_HISTORY_EVENTS.outsideLoops +
      plan.databases.length * (DRILL_HISTORY_EVENTS.perCopyCreation + events.perChild) +
      plan.services.length * events.perChild +
      events.perPoll * (drill.copies + drill.sweep + drill.cleanup + recovery.dns),
    promotion: events.startingChildOutsideLoops + events.perPoll * recovery.promotion,
    scaling: events.startingChildOutsideLoops + events.perPoll * recovery.service,
  };
}

/** Events of the longest execution a drill runs (the drill or one of its children), retries aside. */
export function worstCaseDrillHistoryEvents(
  plan: Plan,
  copyPollSeconds: number = plan.drills.copyPollSeconds,
  recoveryPollSeconds: PollSeconds = plan.failover.pollSeconds,
): number {
  return Math.max(...Object.values(drillHistory(plan, copyPollSeconds, recoveryPollSeconds)));
}

/** The drill parent's own loops (its children poll at the failover's intervals: checked with the failover's). */
function drillHistoryProblems(plan: Plan): PlanProblem[] {
  const events = drillHistory(plan).parent;
  if (events <= HISTORY_BUDGET) return [];
  const polls = drillMaxPolls(plan.drills);
  const fitting = CANDIDATE_INTERVALS.find(
    (interval) =>
      interval > plan.drills.copyPollSeconds && drillHistory(plan, interval).parent <= HISTORY_BUDGET,
  );
  return [
    problem(
      'drills.copyPollSeconds',
      `the drill execution itself would write about ${events} history events (up to ${polls.copies} copy-creation polls in half of drills.timeoutMinutes ${plan.drills.timeoutMinutes}, ${polls.sweep} sweep and ${polls.cleanup} cleanup polls, the drill gate's polls, and ${DRILL_HISTORY_EVENTS.perCopyCreation + HISTORY_EVENTS.perChild} for each of ${plan.databases.length} databases, ${HISTORY_EVENTS.perChild} for each of ${plan.services.length} services); ${ALLOWED}${
        fitting === undefined
          ? ': lower drills.timeoutMinutes, or split the plan (fewer databases and services per plan)'
          : `, for example copyPollSeconds ${fitting} (about ${drillHistory(plan, fitting).parent})`
      }`,
    ),
  ];
}
