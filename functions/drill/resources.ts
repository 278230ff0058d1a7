import type { DrillResource } from '../shared/drill-contracts.ts';

/**
 * A sweep or cleanup poll's resources, merged over what the earlier polls of the same loop
 * reported: what is seen now wins; a copy that was pending and is no longer seen has gone (its
 * deletion finished); a gate that was pending and is open now was opened. The last poll's output
 * thus tells the whole story, which is what the evidence keeps.
 */
export function mergeResources(
  previous: readonly DrillResource[],
  current: readonly DrillResource[],
): DrillResource[] {
  const byResource = new Map<string, DrillResource>();
  for (const resource of previous) {
    byResource.set(
      resource.resource,
      resource.outcome === 'pending' && resource.kind === 'copy'
        ? { ...resource, outcome: 'cleaned', detail: 'deleted (it no longer exists)' }
        : resource,
    );
  }
  for (const resource of current) {
    const before = byResource.get(resource.resource);
    // A resource that needed nothing this poll keeps the action an earlier poll took on it.
    const quiet = before !== undefined && resource.action === NO_ACTION && before.action !== NO_ACTION;
    byResource.set(
      resource.resource,
      quiet ? { ...before, outcome: resource.outcome, detail: resource.detail } : resource,
    );
  }
  return [...byResource.values()];
}

/** The action of a resource that was already as it should be. */
export const NO_ACTION = 'none';

export function summarize(resources: readonly DrillResource[]) {
  const pending = resources.filter((r) => r.outcome === 'pending');
  const failed = resources.filter((r) => r.outcome === 'failed');
  return {
    done: pending.length === 0,
    complete: pending.length === 0 && failed.length === 0,
    leftBehind: [...pending, ...failed].map((r) => `${r.resource}: ${r.outcome} (${r.detail})`),
  };
}
