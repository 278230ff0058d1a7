import { drillMaxPolls, maxPolls } from '../../plan/rules/execution-history.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DrillTiming } from '../shared/drill-contracts.ts';

/**
 * The drill machine's Wait intervals and loop bounds, from the plan: the copies are polled every
 * drills.copyPollSeconds; the recovery is polled exactly as the failover polls it, so that a
 * drill's RTO measures what a failover's would. The bounds are the ones the plan rule on Step
 * Functions' history quota counts (plan/rules/execution-history.ts).
 */
export function drillTiming(plan: Plan): DrillTiming {
  const drill = drillMaxPolls(plan.drills);
  const recovery = maxPolls(plan.failover.pollSeconds);
  const { promotion, service, dns } = plan.failover.pollSeconds;
  return {
    copyPollSeconds: plan.drills.copyPollSeconds,
    copyMaxPolls: drill.copies,
    sweepMaxPolls: drill.sweep,
    cleanupMaxPolls: drill.cleanup,
    promotionPollSeconds: promotion,
    promotionMaxPolls: recovery.promotion,
    servicePollSeconds: service,
    serviceMaxPolls: recovery.service,
    dnsPollSeconds: dns,
    dnsMaxPolls: recovery.dns,
  };
}
