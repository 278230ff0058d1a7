import type { Service, Task } from '@aws-sdk/client-ecs';

export interface Readiness {
  /** Tasks whose last status is RUNNING. */
  running: number;
  /** Of those, the ones whose container health checks pass. */
  healthy: number;
  ready: boolean;
}

/**
 * The DR service serves when at least `target` tasks run, none is still pending, and every
 * running task reports HEALTHY. UNKNOWN is not healthy: a task whose health checks have not run
 * yet has not proven anything. Changing only desiredCount starts no new deployment, so the
 * deployment's rolloutState cannot say "ready" here; the tasks can.
 */
export function readiness(service: Service, tasks: Task[], target: number): Readiness {
  const running = tasks.filter((task) => task.lastStatus === 'RUNNING');
  const healthy = running.filter((task) => task.healthStatus === 'HEALTHY').length;
  const ready =
    (service.runningCount ?? 0) >= target &&
    (service.pendingCount ?? 0) === 0 &&
    running.length >= target &&
    healthy === running.length;
  return { running: running.length, healthy, ready };
}
