import type { Plan } from './schema.ts';

/**
 * Timeout and memory of each function drctl deploys, in one table: the CDK app deploys them
 * (infra/orchestrator, infra/drills) and the local world reports them (`aws lambda
 * get-function-configuration`). The name is the deployed function's suffix, `<plan>-<name>`.
 */
export type DeployedFunctionName =
  | 'health-monitor'
  | 'promote-replica'
  | 'scale-service'
  | 'update-dns'
  | 'notify'
  | 'primary-probe'
  | 'approval'
  | 'fence-primary'
  | 'drill'
  | 'evidence'
  | 'canary-writer'
  | 'canary-reader';

export interface FunctionSettings {
  timeoutSeconds: number;
  memoryMb: number;
}

/** infra/lambda/dr-function.ts's default memory. */
export const DEFAULT_FUNCTION_MEMORY_MB = 256;

export function functionSettings(plan: Plan, name: DeployedFunctionName): FunctionSettings {
  const timeoutSeconds: Record<DeployedFunctionName, number> = {
    // HTTP probes of both regions plus AWS reads with short timeouts.
    'health-monitor': 60,
    'promote-replica': 30,
    'scale-service': 30,
    'update-dns': 30,
    notify: 30,
    // One HTTP probe (probe.timeoutSeconds) and one PutMetricData.
    'primary-probe': plan.detection.probe.timeoutSeconds + 10,
    // Two Parameter Store reads.
    approval: 15,
    // Best-effort calls to the primary region (2 s timeouts, 2 attempts) and DR reads.
    'fence-primary': 60,
    // Each op reads a few resources and starts (never waits for) RDS and ECS changes; the
    // data-loss op waits for two canary reads (20 s each at most). Below the drill ASL's Task
    // TimeoutSeconds (90 s), so that the function's own error, not a state timeout, is reported.
    drill: 80,
    // A 25,000-event history is read in pages of 1,000 and rendered once: well under a minute.
    evidence: 120,
    // The writer writes for about 55 s per run (functions/canary): room to finish.
    'canary-writer': 70,
    // One read of each drill copy, with connection set-up.
    'canary-reader': 30,
  };
  const memoryMb: Partial<Record<DeployedFunctionName, number>> = {
    evidence: 512,
    // A few SQL statements a minute. The writer runs 55 s of every minute, so its size is its cost.
    'canary-writer': 128,
    'canary-reader': 128,
  };
  return { timeoutSeconds: timeoutSeconds[name], memoryMb: memoryMb[name] ?? DEFAULT_FUNCTION_MEMORY_MB };
}
