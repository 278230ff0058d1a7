import { maxDecisionPolls, maxPolls } from '../../plan/rules/execution-history.ts';
import type { Plan } from '../../plan/schema.ts';
import type { PollTiming } from '../shared/contracts.ts';

/**
 * The state machine's Wait intervals and loop bounds, from the plan. The bounds are the ones the
 * plan rule on Step Functions' history quota counts (plan/rules/execution-history.ts).
 */
export function pollTiming(plan: Plan): PollTiming {
  const { promotion, service, dns, fence } = plan.failover.pollSeconds;
  const polls = maxPolls(plan.failover.pollSeconds);
  return {
    promotionPollSeconds: promotion,
    promotionMaxPolls: polls.promotion,
    servicePollSeconds: service,
    serviceMaxPolls: polls.service,
    dnsPollSeconds: dns,
    dnsMaxPolls: polls.dns,
    approvalPollSeconds: plan.failover.approval.pollSeconds,
    approvalMaxPolls: maxDecisionPolls(plan.failover.approval),
    fencePollSeconds: fence,
    fenceMaxPolls: polls.fence,
  };
}
