import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import { TaskStartFailureError } from '../../plan/errors.ts';
import type { PlanService } from '../../plan/schema.ts';
import { primaryRolloutState } from './ecs-service.ts';
import { readiness } from './readiness.ts';
import { serviceTasks } from './service-tasks.ts';
import { placementProblemsSince, startFailuresSince, unique } from './start-failures.ts';

export interface Progress {
  /** The DR size runs and every running task is healthy. */
  ready: boolean;
  /** Why tasks stopped or could not be placed since the run started. */
  stoppedReasons: string[];
}

/**
 * One look at how far the service is from serving. Throws TaskStartFailureError when waiting
 * cannot help: the deployment failed, or at least the DR size of tasks stopped before serving
 * since `since` while none runs healthy.
 */
export async function observeProgress(
  ecs: ECSClient,
  service: PlanService,
  current: Service,
  since: Date,
): Promise<Progress> {
  const [running, stopped] = await Promise.all([
    serviceTasks(ecs, service, 'RUNNING'),
    serviceTasks(ecs, service, 'STOPPED'),
  ]);
  // Tasks that stopped before this run (earlier drills, old deployments) say nothing about it.
  const failures = startFailuresSince(stopped, since);
  const stoppedReasons = unique([...failures.reasons, ...placementProblemsSince(current.events, since)]);
  const state = readiness(current, running, service.drDesiredCount);

  if (primaryRolloutState(current) === 'FAILED') {
    throw taskStartFailure(
      service,
      'its deployment failed (rollout state FAILED, circuit breaker)',
      stoppedReasons,
    );
  }
  if (failures.count >= service.drDesiredCount && state.healthy === 0) {
    throw taskStartFailure(service, `${failures.count} task(s) stopped before serving`, stoppedReasons);
  }
  return { ready: state.ready, stoppedReasons };
}

function taskStartFailure(service: PlanService, what: string, reasons: string[]): TaskStartFailureError {
  const why = reasons.length > 0 ? reasons.join(' | ') : 'ECS gave no reason';
  return new TaskStartFailureError(
    `ECS service ${service.service} in cluster ${service.cluster} cannot start its tasks: ${what}. Reasons: ${why}. Fix the cause (image, secrets, subnets, health check) and run the failover again.`,
  );
}
