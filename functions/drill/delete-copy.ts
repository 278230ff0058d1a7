import { DeleteDBInstanceCommand, type RDSClient } from '@aws-sdk/client-rds';
import { DrError, toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DrillResource } from '../shared/drill-contracts.ts';
import { copyResource, type DrillCopy } from './copies.ts';
import { guardTaggedCopy } from './guard.ts';

const DELETE_ACTION = 'delete (no final snapshot, automated backups deleted)';

/**
 * Deletes one drill copy, or reports it on its way: DeleteDBInstance with SkipFinalSnapshot and
 * DeleteAutomatedBackups (a drill keeps nothing), then RDS moves it through `deleting` until it
 * is gone. Safe to call on every poll: an instance already deleting is only reported. A refusal
 * RDS may lift (the instance is still creating or modifying) is pending, tried again at the next
 * poll; throttling and 5xx are thrown for the task's Retry; anything else is this copy's failure.
 */
export async function deleteCopy(rds: RDSClient, plan: Plan, copy: DrillCopy): Promise<DrillResource> {
  const base = {
    resource: copyResource(plan, copy.identifier),
    kind: 'copy' as const,
    action: DELETE_ACTION,
  };
  guardTaggedCopy(plan, copy.identifier, copy.tags, 'delete');
  if (copy.status === 'deleting') {
    return { ...base, outcome: 'pending', detail: 'deleting' };
  }
  try {
    await rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: copy.identifier,
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: true,
      }),
    );
    return { ...base, outcome: 'pending', detail: `deletion requested (was ${copy.status})` };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'DBInstanceNotFoundFault') return { ...base, outcome: 'cleaned', detail: 'deleted' };
    if (name === 'InvalidDBInstanceStateFault') {
      return {
        ...base,
        outcome: 'pending',
        detail: `RDS cannot delete it while it is ${copy.status}; tried again at the next poll (${(error as Error).message})`,
      };
    }
    const mapped = toDrError(error, `DeleteDBInstance ${base.resource}`);
    if (mapped instanceof DrError && mapped.retryable) throw mapped;
    return { ...base, outcome: 'failed', detail: mapped.message };
  }
}
