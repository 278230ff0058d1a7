import type { RunReport } from './schema.ts';

/**
 * The RPO verdict from both kinds of loss. Writes lost (never replicated) are judged by their
 * seconds against the objective. Writes diverged (taken by an old primary after its replica
 * stopped applying) exist only on a database that is no longer the primary: with two writers,
 * any of them breaks the objective, whatever the seconds say. Unknown stays unknown: without a
 * seconds figure the verdict is null unless divergence alone decides it.
 */
type Rpo = Pick<RunReport['rpo'], 'seconds' | 'objectiveSeconds' | 'writesDiverged'>;

export function rpoMet(rpo: Rpo): boolean | null {
  const diverged = rpo.writesDiverged ?? null;
  if (diverged !== null && diverged > 0) return false;
  if (rpo.seconds === null) return null;
  return rpo.seconds <= rpo.objectiveSeconds;
}

/** Why the RPO missed, when diverged writes decided it (null otherwise). */
export function divergenceText(rpo: Pick<RunReport['rpo'], 'writesDiverged'>): string | null {
  const diverged = rpo.writesDiverged ?? null;
  if (diverged === null || diverged === 0) return null;
  return `${diverged} ${diverged === 1 ? 'write' : 'writes'} diverged: the old primary took them after its replica stopped, and they exist only there`;
}
