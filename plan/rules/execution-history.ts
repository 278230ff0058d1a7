import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/**
 * The worst case of a failover's execution history against Step Functions' quota of 25,000
 * events per execution (Step Functions Developer Guide, "Quotas": maximum execution history
 * size; past it the execution fails and no failure notice is sent).
 *
 * How the counts were derived, from statemachines/failover.asl.json (JSONPath, Lambda tasks by
 * function ARN) and the history events Step Functions writes for each state type:
 * - a Task is TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted,
 *   LambdaFunctionSucceeded, TaskStateExited: 5 events; a Choice, Wait or Pass is Entered and
 *   Exited: 2;
 * - one poll iteration (Wait → Check task → Is...Done choice) is 2 + 5 + 2 = 9 events;
 * - each Map item (a database's promotion, a service's scaling) adds, outside its loop,
 *   MapIterationStarted/Succeeded, the Start task, the first choice and the Done pass: 11;
 * - everything else on the longest path today (execution start and end, Preflight, IsDryRun,
 *   NotifyStarted, the Parallel and both Maps' own events, SwitchDns and its first choice,
 *   VerifyDrEndpoint, NotifySucceeded, the end state) is 45 events; 100 leaves room for the
 *   steps being added (fencing, the one-run-at-a-time check);
 * - a retried Lambda attempt adds 3 events (Scheduled, Started, Failed): 10 % of the quota is
 *   kept for retries.
 * Each loop polls at most ceil(budget / interval) times; the budgets are the health monitor's
 * (functions/health-monitor/poll-timing.ts; tests/unit/plan/rules.test.ts checks they agree).
 */
export const HISTORY_EVENT_QUOTA = 25_000;
export const HISTORY_RESERVED_FOR_RETRIES = 2_500;
export const HISTORY_EVENTS = { perPoll: 9, perMapItem: 11, outsideLoops: 100 } as const;
/**
 * How long each loop polls at most. The fence loop runs beside the recovery and ends when it is
 * complete; past its budget the schedule keeps fencing, so it need not be as long as a promotion.
 */
export const POLL_BUDGET_SECONDS = { promotion: 3600, service: 1200, dns: 600, fence: 900 } as const;
/**
 * The Wait states of the polling loops counted here. tests/unit/plan/rules.test.ts fails when the
 * state machine gains a Wait this rule does not count: add its loop (polls × 9 events) here.
 */
export const COUNTED_WAIT_STATES = [
  'WaitForPromotion',
  'WaitForTasks',
  'WaitForDnsSync',
  'WaitForFence',
  'WaitForDecision',
] as const;

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

/** Events of the longest possible failover, retries aside. */
export function worstCaseHistoryEvents(
  plan: Plan,
  pollSeconds: PollSeconds = plan.failover.pollSeconds,
): number {
  const polls = maxPolls(pollSeconds);
  const { perPoll, perMapItem, outsideLoops } = HISTORY_EVENTS;
  return (
    outsideLoops +
    plan.databases.length * (perMapItem + perPoll * polls.promotion) +
    plan.services.length * (perMapItem + perPoll * polls.service) +
    perPoll * (polls.dns + polls.fence + maxDecisionPolls(plan.failover.approval))
  );
}

const HISTORY_BUDGET = HISTORY_EVENT_QUOTA - HISTORY_RESERVED_FOR_RETRIES;
const CANDIDATE_INTERVALS = [10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];

export function executionHistoryProblems(plan: Plan): PlanProblem[] {
  return [...failoverHistoryProblems(plan), ...drillHistoryProblems(plan)];
}

function failoverHistoryProblems(plan: Plan): PlanProblem[] {
  const events = worstCaseHistoryEvents(plan);
  if (events <= HISTORY_BUDGET) return [];
  const polls = maxPolls(plan.failover.pollSeconds);
  const suggestion = fittingPollSeconds(plan);
  return [
    problem(
      'failover.pollSeconds',
      `the longest failover would write about ${events} history events (${plan.databases.length} databases × up to ${polls.promotion} promotion polls, ${plan.services.length} services × up to ${polls.service} scaling polls, ${polls.dns} DNS polls, ${HISTORY_EVENTS.perPoll} events each); Step Functions allows ${HISTORY_EVENT_QUOTA} per execution and drctl keeps ${HISTORY_RESERVED_FOR_RETRIES} for retries; allowed: at most ${HISTORY_BUDGET}${
        suggestion
          ? `, for example pollSeconds { promotion: ${suggestion.promotion}, service: ${suggestion.service}, dns: ${suggestion.dns}, fence: ${suggestion.fence} } (about ${worstCaseHistoryEvents(plan, suggestion)})`
          : ': this plan has too many databases and services for one state machine execution'
      }`,
    ),
  ];
}

/**
 * The plan's intervals, the busiest loop's raised step by step until the worst case fits, the
 * failover's and the drill's (which polls its recovery at the same intervals).
 */
export function fittingPollSeconds(plan: Plan): PollSeconds | undefined {
  const current = { ...plan.failover.pollSeconds };
  for (let step = 0; step < 40; step++) {
    const fits =
      worstCaseHistoryEvents(plan, current) <= HISTORY_BUDGET &&
      worstCaseDrillHistoryEvents(plan, plan.drills.copyPollSeconds, current) <= HISTORY_BUDGET;
    if (fits) return current;
    const polls = maxPolls(current);
    const load = {
      promotion: plan.databases.length * polls.promotion,
      service: plan.services.length * polls.service,
      dns: polls.dns,
      fence: polls.fence,
    };
    const busiest = (Object.keys(load) as (keyof PollSeconds)[])
      .filter((loop) => current[loop] < 600)
      .sort((a, b) => load[b] - load[a])[0];
    if (!busiest) return undefined;
    current[busiest] = CANDIDATE_INTERVALS.find((interval) => interval > current[busiest]) ?? 600;
  }
  return undefined;
}

// ---- The drill state machine (statemachines/drill.asl.json) --------------------------------------

/**
 * The drill's worst case, counted like the failover's from its states:
 * - its recovery is polled as the failover's is (failover.pollSeconds, the same budgets): each
 *   copy's promotion and each service's scaling is a Map item of 11 events plus its loop;
 * - each database also has a CreateCopies Map item (MapIterationStarted/Succeeded and the
 *   create task: 7 events);
 * - four loops poll for the whole plan at once (9 events a poll): the sweep's deletions, the
 *   copies' creation and the cleanup's deletions every drills.copyPollSeconds, and the drill
 *   gate every failover.pollSeconds.dns;
 * - everything else on the longest path (preflight, sweep and cleanup starts, the outage, the
 *   Parallel, verify, the data-loss measure, the verdict, the notices, the end) is under 150.
 * Copy creation may take half of drills.timeoutMinutes (the rest is for the recovery and the
 * cleanup); the sweep and the cleanup each poll deletions for up to an hour (RDS deletes an
 * instance in minutes; one still deleting after that is reported as left behind).
 */
export const DRILL_HISTORY_EVENTS = { perCopyCreation: 7, outsideLoops: 150 } as const;
export const DRILL_DELETION_BUDGET_SECONDS = 3600;
/** The drill's Wait states this rule counts (tests/unit/plan/rules.test.ts checks the ASL has no other). */
export const COUNTED_DRILL_WAIT_STATES = [
  'WaitForSweep',
  'WaitForCopies',
  'WaitForCopyPromotion',
  'WaitForTasks',
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

/** Events of the longest possible drill, retries aside. */
export function worstCaseDrillHistoryEvents(
  plan: Plan,
  copyPollSeconds: number = plan.drills.copyPollSeconds,
  recoveryPollSeconds: PollSeconds = plan.failover.pollSeconds,
): number {
  const recovery = maxPolls(recoveryPollSeconds);
  const drill = drillMaxPolls(plan.drills, copyPollSeconds);
  const { perPoll, perMapItem } = HISTORY_EVENTS;
  return (
    DRILL_HISTORY_EVENTS.outsideLoops +
    plan.databases.length *
      (DRILL_HISTORY_EVENTS.perCopyCreation + perMapItem + perPoll * recovery.promotion) +
    plan.services.length * (perMapItem + perPoll * recovery.service) +
    perPoll * (drill.copies + drill.sweep + drill.cleanup + recovery.dns)
  );
}

function drillHistoryProblems(plan: Plan): PlanProblem[] {
  const events = worstCaseDrillHistoryEvents(plan);
  if (events <= HISTORY_BUDGET) return [];
  const polls = drillMaxPolls(plan.drills);
  const fitting = CANDIDATE_INTERVALS.find(
    (interval) =>
      interval > plan.drills.copyPollSeconds && worstCaseDrillHistoryEvents(plan, interval) <= HISTORY_BUDGET,
  );
  return [
    problem(
      'drills.copyPollSeconds',
      `the longest drill would write about ${events} history events (up to ${polls.copies} copy-creation polls in half of drills.timeoutMinutes ${plan.drills.timeoutMinutes}, ${polls.sweep} sweep and ${polls.cleanup} cleanup polls, and the recovery polled as the failover's); Step Functions allows ${HISTORY_EVENT_QUOTA} per execution and drctl keeps ${HISTORY_RESERVED_FOR_RETRIES} for retries; allowed: at most ${HISTORY_BUDGET}${
        fitting === undefined
          ? ': raise failover.pollSeconds (the recovery part) or lower drills.timeoutMinutes'
          : `, for example copyPollSeconds ${fitting} (about ${worstCaseDrillHistoryEvents(plan, fitting)})`
      }`,
    ),
  ];
}
