import type { ECSClient } from '@aws-sdk/client-ecs';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Plan } from '../../plan/schema.ts';
import { classifyDrDatabase } from '../shared/classify-database.ts';
import { readDbInstance } from '../shared/read-db-instance.ts';
import { readDrService } from '../shared/read-dr-service.ts';

export interface RecoveryState {
  /** A DR replica is standalone (promoted or promoting): the plan is failed over. */
  failedOver: boolean;
  /** Every replica promoted and available, every DR service running its DR count. */
  complete: boolean;
}

/** Reads the DR side: what tells whether fencing is due (failed over) and whether the run can stop trying. */
export async function readRecoveryState(ports: {
  plan: Plan;
  rds: RDSClient;
  ecs: ECSClient;
}): Promise<RecoveryState> {
  const { plan } = ports;
  const [databases, services] = await Promise.all([
    Promise.all(
      plan.databases.map(async (db) =>
        classifyDrDatabase(db, await readDbInstance(ports.rds, db.replica.identifier, db.replica.region)),
      ),
    ),
    Promise.all(plan.services.map(async (s) => ({ s, found: await readDrService(ports.ecs, plan, s) }))),
  ]);
  const failedOver = databases.some((d) => d.readiness === 'promoted' || d.readiness === 'promoting');
  const complete =
    databases.every((d) => d.readiness === 'promoted') &&
    services.every(({ s, found }) => (found?.runningCount ?? 0) >= s.drDesiredCount);
  return { failedOver, complete };
}
