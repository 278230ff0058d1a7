import type { ServiceEvent, Task } from '@aws-sdk/client-ecs';

/**
 * Stop codes of tasks that never came up (ECS DG, "Stopped tasks error codes"): the image could
 * not be pulled, a secret could not be read, no IP address, the essential container exited.
 */
const FAILED_TO_START = new Set(['TaskFailedToStart', 'EssentialContainerExited']);

export interface StartFailures {
  /** Tasks created since the run started that stopped without ever serving. */
  count: number;
  /** Why, deduplicated, in the words ECS uses (e.g. "CannotPullContainerError: ..."). */
  reasons: string[];
}

/** Judges the service's stopped tasks created at or after `since`. */
export function startFailuresSince(stopped: Task[], since: Date): StartFailures {
  const failed = stopped.filter((task) => startedSince(task, since) && isStartFailure(task));
  return { count: failed.length, reasons: unique(failed.map(describeStop)) };
}

/** Service events since `since` that say ECS cannot place tasks at all (no task is ever created then). */
export function placementProblemsSince(events: ServiceEvent[] | undefined, since: Date): string[] {
  return unique(
    (events ?? [])
      .filter((event) => event.createdAt !== undefined && event.createdAt >= since)
      .map((event) => event.message ?? '')
      .filter((message) => /unable to place/i.test(message)),
  );
}

export function unique(items: string[]): string[] {
  return [...new Set(items.filter((item) => item !== ''))];
}

function startedSince(task: Task, since: Date): boolean {
  const created = task.createdAt ?? task.stoppedAt;
  return created !== undefined && created >= since;
}

function isStartFailure(task: Task): boolean {
  if (task.stopCode === undefined) return Boolean(task.stoppedReason);
  if (FAILED_TO_START.has(task.stopCode)) return true;
  // The scheduler replaces tasks that fail their load balancer or container health checks.
  return task.stopCode === 'ServiceSchedulerInitiated' && /health check/i.test(task.stoppedReason ?? '');
}

function describeStop(task: Task): string {
  const stopped = task.stoppedReason ?? '';
  const parts = [stopped];
  for (const container of task.containers ?? []) {
    // ECS often repeats the container's reason in the task's stoppedReason; say it once.
    if (container.reason && !stopped.includes(container.reason))
      parts.push(`${container.name}: ${container.reason}`);
    else if (!container.reason && container.exitCode !== undefined && container.exitCode !== 0) {
      parts.push(`${container.name} exited with code ${container.exitCode}`);
    }
  }
  return unique(parts).join('; ') || task.stopCode || 'stopped without a reason';
}
