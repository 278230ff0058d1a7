import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { World } from '../../local/index.ts';

/**
 * Removes the temp folder a world keeps its copy of the plan in (drctl-world-*), synchronously:
 * for a second Ctrl-C, which leaves without waiting for `world.close()` (that removes it too).
 */
export function removeWorldTempFolder(world: Pick<World, 'planFile'>): void {
  const folder = dirname(world.planFile);
  if (basename(folder).startsWith('drctl-world-')) rmSync(folder, { recursive: true, force: true });
}
