import { describeRun, runningFailovers } from './executions.ts';
import { readFailedOver } from './plan-state.ts';
import type { DrillPorts } from './ports.ts';

/**
 * Why the DR services must not be scaled back now, or null when they may: a failover that runs
 * or a plan that is failed over needs its DR tasks, and a plan whose state cannot be read is
 * treated the same way (a drill never risks production to tidy up).
 */
export async function holdServicesReason(
  ports: Pick<DrillPorts, 'plan' | 'rds' | 'cloudWatch' | 'sfn' | 'machines' | 'lookup'>,
): Promise<string | null> {
  const failovers = await runningFailovers(ports.sfn, ports.machines.failover);
  if (failovers.length > 0) return `a failover runs (${failovers.map(describeRun).join(', ')})`;
  const state = await readFailedOver(ports);
  if (state.failedOver === true) return `the plan is failed over (${state.reasons.join('; ')})`;
  if (state.failedOver === null)
    return `whether the plan is failed over cannot be told (${state.unknowns.join('; ')})`;
  return null;
}
