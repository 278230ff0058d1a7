import { DrillFailedError } from '../../plan/errors.ts';
import type { CopyStatusOutput, copyStatusInputSchema } from '../shared/drill-contracts.ts';
import { isTerminalStatus } from '../shared/instance-status.ts';
import type * as z from '../shared/validator.ts';
import { copyResource, readCopy } from './copies.ts';
import { copyIdentifierOf } from './guard.ts';
import type { DrillPorts } from './ports.ts';

export type CopyStatusInput = z.output<typeof copyStatusInputSchema>;

/**
 * Whether this drill's copies are ready: every plan database's copy exists, replicates, and is
 * `available`. A copy gone or in a status waiting will not change fails the drill (its cleanup
 * then removes what there is).
 */
export async function copyStatus(
  ports: Pick<DrillPorts, 'plan' | 'rds' | 'now'>,
  input: CopyStatusInput,
): Promise<CopyStatusOutput> {
  const { plan, rds } = ports;
  const copies = await Promise.all(
    plan.databases.map(async (db) => {
      const identifier = copyIdentifierOf(db);
      const copy = await readCopy(rds, plan, identifier);
      if (copy === null || copy.execution !== input.correlationId) {
        throw new DrillFailedError(
          `${copyResource(plan, identifier)} of this drill is gone${copy ? ` (the instance now belongs to drill ${copy.execution})` : ''}: the drill cannot go on`,
        );
      }
      if (isTerminalStatus(copy.status)) {
        throw new DrillFailedError(
          `${copyResource(plan, identifier)} is ${copy.status}, which waiting will not change: see its Recent Events in the RDS console`,
        );
      }
      return {
        databaseId: db.id,
        copyIdentifier: identifier,
        status: copy.status,
        available: copy.status === 'available' && copy.source !== null,
      };
    }),
  );
  const done = copies.every((copy) => copy.available);
  return {
    checkedAt: ports.now().toISOString(),
    copies,
    done,
    readyAt: done ? ports.now().toISOString() : null,
    attempt: input.attempt + 1,
  };
}
