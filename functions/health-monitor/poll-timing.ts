import type { Plan } from '../../plan/schema.ts';
import type { PollTiming } from '../shared/contracts.ts';

/** How long the state machine keeps polling each step before it gives up. */
const POLL_BUDGET_SECONDS = { promotion: 3600, service: 1200, dns: 600 } as const;

export function pollTiming(plan: Plan): PollTiming {
  const { promotion, service, dns, fence } = plan.failover.pollSeconds;
  const { approval } = plan.failover;
  return {
    promotionPollSeconds: promotion,
    promotionMaxPolls: Math.ceil(POLL_BUDGET_SECONDS.promotion / promotion),
    servicePollSeconds: service,
    serviceMaxPolls: Math.ceil(POLL_BUDGET_SECONDS.service / service),
    dnsPollSeconds: dns,
    dnsMaxPolls: Math.ceil(POLL_BUDGET_SECONDS.dns / dns),
    approvalPollSeconds: approval.pollSeconds,
    approvalMaxPolls: Math.ceil((approval.timeoutMinutes * 60) / approval.pollSeconds),
    // The fence loop ends as soon as the DR side serves; this only bounds it, like the promotion.
    fencePollSeconds: fence,
    fenceMaxPolls: Math.ceil(POLL_BUDGET_SECONDS.promotion / fence),
  };
}
