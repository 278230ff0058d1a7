import type { DrillResource, SweepOutput, sweepInputSchema } from '../shared/drill-contracts.ts';
import type * as z from '../shared/validator.ts';
import { copyResource, listDrillCopies } from './copies.ts';
import { deleteCopy } from './delete-copy.ts';
import { describeRun, runningExecutions } from './executions.ts';
import { openDrillGate } from './open-gate.ts';
import type { DrillPorts } from './ports.ts';
import { mergeResources, NO_ACTION, summarize } from './resources.ts';
import { scaleBack } from './scale-back.ts';
import { holdServicesReason } from './service-hold.ts';

export type SweepInput = z.output<typeof sweepInputSchema>;
type Ports = Pick<
  DrillPorts,
  'plan' | 'rds' | 'cloudWatch' | 'ecs' | 'sfn' | 'machines' | 'lookup' | 'now' | 'logger'
>;

/**
 * Removes what earlier drills of this plan left behind: their copies (tagged drctl:plan, from
 * executions that no longer run), the drill gate if it is closed, and DR services above their
 * pilot-light count (only when no failover runs and the plan is not failed over: then those
 * tasks are not production's). Whatever belongs to a drill that still runs is left to it.
 * Idempotent: every call reads first and acts only on what is still there; the drill machine
 * polls it until the deletions have finished. Runs before each drill and from the EventBridge
 * rule on the drill machine's failed, timed-out and aborted executions.
 */
export async function sweep(ports: Ports, input: SweepInput): Promise<SweepOutput> {
  const { plan } = ports;
  const running = await runningExecutions(ports.sfn, ports.machines.drill);
  const runningNames = new Set(running.flatMap((run) => (run.name ? [run.name] : [])));
  const otherDrills = running.filter((run) => run.name !== input.correlationId);
  const copies = await listDrillCopies(ports.rds, plan);
  const current: DrillResource[] = [];
  for (const copy of copies) {
    if (copy.execution !== null && runningNames.has(copy.execution)) {
      current.push({
        resource: copyResource(plan, copy.identifier),
        kind: 'copy',
        outcome: 'skipped',
        action: NO_ACTION,
        detail: `belongs to drill ${copy.execution}, which still runs`,
      });
      continue;
    }
    current.push(await deleteCopy(ports.rds, plan, copy));
  }
  const drillHold =
    otherDrills.length > 0 ? `another drill runs (${otherDrills.map(describeRun).join(', ')})` : null;
  const gate = await openDrillGate(ports, drillHold);
  // A gate already open needs no mention in a sweep's evidence.
  if (gate.action !== NO_ACTION || gate.outcome !== 'cleaned') current.push(gate);
  const services = await scaleBack(ports.ecs, plan, drillHold ?? (await holdServicesReason(ports)));
  current.push(...services.filter((s) => s.action !== NO_ACTION || s.outcome !== 'cleaned'));
  const resources = mergeResources(input.previous, current);
  const { done } = summarize(resources);
  ports.logger?.info('drill sweep', { reason: input.reason, resources: resources.length, done });
  return {
    sweptAt: ports.now().toISOString(),
    reason: input.reason,
    resources,
    done,
    attempt: input.attempt + 1,
  };
}
