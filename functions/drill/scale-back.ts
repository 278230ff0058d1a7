import { type ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DrillResource } from '../shared/drill-contracts.ts';
import { readDrService } from '../shared/read-dr-service.ts';
import { drServiceResource } from '../shared/resource-names.ts';
import { guardPlanService } from './guard.ts';
import { NO_ACTION } from './resources.ts';

/** The DR services' pilot-light count, as the CDK app deploys them. */
export const PILOT_LIGHT_COUNT = 0;

/**
 * Scales each DR service of the plan back to its pilot-light count, unless `holdReason` says
 * why not (a failover runs, the plan is failed over, or that cannot be told): then production
 * may need those tasks, and they are left as they are. Throttling and 5xx are thrown for the
 * task's Retry; any other refusal is that service's failure.
 */
export async function scaleBack(
  ecs: ECSClient,
  plan: Plan,
  holdReason: string | null,
): Promise<DrillResource[]> {
  return Promise.all(
    plan.services.map(async (service): Promise<DrillResource> => {
      const resource = drServiceResource(plan, service);
      const base = { resource, kind: 'service' as const };
      const found = await readDrService(ecs, plan, service);
      if (found === null) {
        return { ...base, outcome: 'failed', action: NO_ACTION, detail: 'the service does not exist' };
      }
      const desired = found.desiredCount ?? 0;
      if (desired <= PILOT_LIGHT_COUNT) {
        return {
          ...base,
          outcome: 'cleaned',
          action: NO_ACTION,
          detail: `at its pilot-light count (${desired})`,
        };
      }
      if (holdReason !== null) {
        return {
          ...base,
          outcome: 'skipped',
          action: NO_ACTION,
          detail: `left at desiredCount ${desired}: ${holdReason}`,
        };
      }
      guardPlanService(plan, service.cluster, service.service);
      try {
        await ecs.send(
          new UpdateServiceCommand({
            cluster: service.cluster,
            service: service.service,
            desiredCount: PILOT_LIGHT_COUNT,
          }),
        );
      } catch (error) {
        const mapped = toDrError(error, `UpdateService ${resource}`);
        if (mapped.retryable) throw mapped;
        return { ...base, outcome: 'failed', action: 'scale to 0', detail: mapped.message };
      }
      return {
        ...base,
        outcome: 'cleaned',
        action: `scale to ${PILOT_LIGHT_COUNT}`,
        detail: `desiredCount ${desired} → ${PILOT_LIGHT_COUNT}`,
      };
    }),
  );
}
