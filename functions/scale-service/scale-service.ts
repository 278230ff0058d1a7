import type { Logger } from '@aws-lambda-powertools/logger';
import { type ECSClient, type Service, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { InvalidInputError } from '../../plan/errors.ts';
import type { Plan, PlanService } from '../../plan/schema.ts';
import type { ScaleOutput, scaleInputSchema } from '../shared/contracts.ts';
import type * as z from '../shared/validator.ts';
import { ecsError } from './ecs-errors.ts';
import { describeService, primaryRolloutState } from './ecs-service.ts';
import { observeProgress } from './service-progress.ts';

export type ScaleInput = z.output<typeof scaleInputSchema>;

export interface ScaleServicePorts {
  plan: Plan;
  /** ECS client in the DR region. */
  ecs: ECSClient;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Scales the plan's pilot-light ECS service up to its DR size (`start`) and reports when its
 * tasks run healthy (`status`). A task that cannot start fails the step with ECS's reason
 * instead of leaving the state machine polling until its bound.
 */
export async function scaleService(ports: ScaleServicePorts, input: ScaleInput): Promise<ScaleOutput> {
  const service = findService(ports.plan, input.serviceId);
  return input.operation === 'start' ? start(ports, service, input) : status(ports, service, input);
}

function findService(plan: Plan, serviceId: string): PlanService {
  const service = plan.services.find((candidate) => candidate.id === serviceId);
  if (service) return service;
  const known = plan.services.map((candidate) => candidate.id).join(', ');
  throw new InvalidInputError(
    `scale-service: serviceId: no service "${serviceId}" in the plan (known: ${known})`,
    'serviceId',
  );
}

async function start(
  { ecs, now, logger }: ScaleServicePorts,
  service: PlanService,
  input: ScaleInput,
): Promise<ScaleOutput> {
  const current = await describeService(ecs, service);
  // Never scale down: more tasks than the plan asks for (someone scaled by hand) serve too.
  if ((current.desiredCount ?? 0) >= service.drDesiredCount) {
    logger?.info('Service already at its DR size', {
      service: service.id,
      desiredCount: current.desiredCount,
    });
    // A re-run after the service came up reports done at once instead of polling again.
    const progress = await observeProgress(ecs, service, current, new Date(input.executionStartTime));
    return {
      ...output(service, current, input.attempt),
      alreadyScaled: true,
      stoppedReasons: progress.stoppedReasons,
      done: progress.ready,
      completedAt: progress.ready ? now().toISOString() : null,
    };
  }

  const startedAt = now().toISOString();
  let updated: Service | undefined;
  try {
    ({ service: updated } = await ecs.send(
      new UpdateServiceCommand({
        cluster: service.cluster,
        service: service.service,
        desiredCount: service.drDesiredCount,
      }),
    ));
  } catch (error) {
    throw ecsError(error, service, `UpdateService ${service.cluster}/${service.service}`);
  }
  logger?.info('Service scaled to its DR size', {
    service: service.id,
    desiredCount: service.drDesiredCount,
  });
  return {
    ...output(service, updated ?? current, input.attempt),
    desiredCount: service.drDesiredCount,
    startedAt,
  };
}

async function status(
  { ecs, now }: ScaleServicePorts,
  service: PlanService,
  input: ScaleInput,
): Promise<ScaleOutput> {
  const current = await describeService(ecs, service);
  const progress = await observeProgress(ecs, service, current, new Date(input.executionStartTime));
  return {
    ...output(service, current, input.attempt + 1),
    startedAt: input.startedAt,
    stoppedReasons: progress.stoppedReasons,
    done: progress.ready,
    completedAt: progress.ready ? now().toISOString() : null,
  };
}

function output(service: PlanService, current: Service, attempt: number): ScaleOutput {
  return {
    serviceId: service.id,
    cluster: service.cluster,
    service: service.service,
    desiredCount: current.desiredCount ?? 0,
    runningCount: current.runningCount ?? 0,
    pendingCount: current.pendingCount ?? 0,
    rolloutState: primaryRolloutState(current),
    stoppedReasons: [],
    done: false,
    alreadyScaled: false,
    startedAt: null,
    completedAt: null,
    attempt,
  };
}
