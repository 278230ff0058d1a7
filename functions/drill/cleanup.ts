import { DRILL_PLAN_TAG } from '../../plan/names.ts';
import type { CleanupOutput, cleanupInputSchema, DrillResource } from '../shared/drill-contracts.ts';
import type * as z from '../shared/validator.ts';
import { copyResource, type DrillCopy, listDrillCopies, readCopy } from './copies.ts';
import { deleteCopy } from './delete-copy.ts';
import { copyIdentifierOf } from './guard.ts';
import { openDrillGate } from './open-gate.ts';
import type { DrillPorts } from './ports.ts';
import { mergeResources, NO_ACTION, summarize } from './resources.ts';
import { scaleBack } from './scale-back.ts';
import { holdServicesReason } from './service-hold.ts';

export type CleanupInput = z.output<typeof cleanupInputSchema>;
type Ports = Pick<
  DrillPorts,
  'plan' | 'rds' | 'cloudWatch' | 'ecs' | 'sfn' | 'machines' | 'lookup' | 'now' | 'logger'
>;

/**
 * Undoes what this drill made, whatever step it reached: deletes its copies (no final snapshot,
 * automated backups deleted) and follows them until they are gone, scales the DR services back to
 * their pilot-light count (unless a failover runs or the plan is failed over: then production
 * needs them), opens the drill gate. Every resource ends cleaned, pending (still on its way,
 * polled again), failed (with why) or skipped (left alone on purpose, with why). Idempotent: the
 * drill machine calls it again at every poll until nothing is pending.
 */
export async function cleanup(ports: Ports, input: CleanupInput): Promise<CleanupOutput> {
  const { plan } = ports;
  const copies = await ownCopies(ports, input.correlationId);
  const current: DrillResource[] = [];
  for (const { identifier, copy } of copies) {
    const resource = copyResource(plan, identifier);
    if (copy === null) {
      current.push({ resource, kind: 'copy', outcome: 'cleaned', action: NO_ACTION, detail: 'not present' });
    } else if (copy.tags[DRILL_PLAN_TAG] !== plan.name || copy.execution !== input.correlationId) {
      current.push({
        resource,
        kind: 'copy',
        outcome: 'skipped',
        action: NO_ACTION,
        detail:
          copy.tags[DRILL_PLAN_TAG] !== plan.name
            ? 'an instance drctl did not make (no drill tag of this plan): never touched'
            : `the copy of drill ${copy.execution}, not of this one: its sweep removes it`,
      });
    } else {
      current.push(await deleteCopy(ports.rds, plan, copy));
    }
  }
  current.push(...(await scaleBack(ports.ecs, plan, await holdServicesReason(ports))));
  current.push(await openDrillGate(ports, null));
  const resources = mergeResources(input.previous, current);
  const summary = summarize(resources);
  ports.logger?.info('drill cleanup', {
    done: summary.done,
    complete: summary.complete,
    left: summary.leftBehind,
  });
  return { checkedAt: ports.now().toISOString(), resources, ...summary, attempt: input.attempt + 1 };
}

/** This drill's copies: the plan's copy names, and any other instance tagged with this execution. */
async function ownCopies(
  ports: Ports,
  execution: string,
): Promise<{ identifier: string; copy: DrillCopy | null }[]> {
  const expected = ports.plan.databases.map(copyIdentifierOf);
  const named = await Promise.all(
    expected.map(async (identifier) => ({
      identifier,
      copy: await readCopy(ports.rds, ports.plan, identifier),
    })),
  );
  const tagged = (await listDrillCopies(ports.rds, ports.plan)).filter(
    (copy) => copy.execution === execution && !expected.includes(copy.identifier),
  );
  return [...named, ...tagged.map((copy) => ({ identifier: copy.identifier, copy }))];
}
