import { canaryFunctionName } from '../../plan/names.ts';
import type { DeclareOutageOutput } from '../shared/drill-contracts.ts';
import { readHeartbeats } from './canary-reads.ts';
import { copyIdentifierOf } from './guard.ts';
import type { DrillPorts } from './ports.ts';

/**
 * The drill's simulated loss of the primary, once its copies are ready: the instant the drill's
 * RTO runs from. A Task rather than a Pass on `$$.State.EnteredTime`, so that the same instant is
 * recorded by the same clock as the drill's other times (the functions') in AWS and in the local
 * world, whose interpreter has no `$$.State` context; the invocation adds tens of milliseconds.
 *
 * With the write canary, it also reads each copy's last heartbeat at this instant: what the DR
 * side held when the drill "lost" the primary. A drill's primary stays up and its copies keep
 * replicating until their promotion reboots them (minutes later), so a heartbeat read after the
 * promotion would show the writes a real outage at this instant would have lost as replicated.
 */
export async function declareOutage(
  ports: Pick<DrillPorts, 'plan' | 'lambda' | 'now'>,
): Promise<DeclareOutageOutput> {
  const outageAt = ports.now().toISOString();
  const { plan } = ports;
  if (!plan.drills.canary.enabled) return { outageAt, copies: null };
  const copies = await readHeartbeats(
    ports.lambda,
    canaryFunctionName(plan, 'reader'),
    plan.regions.dr,
    plan.databases.map((db) => ({ databaseId: db.id, instanceIdentifier: copyIdentifierOf(db) })),
  );
  return { outageAt, copies };
}
