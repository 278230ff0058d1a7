import type { DBInstance } from '@aws-sdk/client-rds';
import type { PlanDatabase } from '../../plan/schema.ts';
import type { DatabaseReadiness } from './contracts.ts';
import { isReplicaOfPlanPrimary, replicaSource } from './read-db-instance.ts';
import { replicaResource } from './resource-names.ts';

/** Replica statuses from which a promotion can still start (now or once the status passes). */
const PROMOTABLE_REPLICA_STATUSES = new Set(['available', 'backing-up', 'storage-optimization']);
/** A standalone instance in these statuses has been promoted and is still settling. */
const SETTLING_STANDALONE_STATUSES = new Set(['modifying', 'rebooting', 'backing-up']);
const SERVING_STANDALONE_STATUSES = new Set(['available', 'storage-optimization']);

export type DatabaseClassification =
  | { readiness: DatabaseReadiness; status: string }
  | { readiness: null; status: string | null; problem: string };

/** Where the DR copy of a plan database stands, from the replica's DescribeDBInstances result. */
export function classifyDrDatabase(db: PlanDatabase, instance: DBInstance | null): DatabaseClassification {
  const resource = replicaResource(db);
  if (instance === null) {
    return {
      readiness: null,
      status: null,
      problem: `${resource} not found: create the cross-region read replica of ${db.primary.identifier} or fix databases[id=${db.id}].replica.identifier in the plan`,
    };
  }
  const status = instance.DBInstanceStatus ?? 'unknown';
  const source = replicaSource(instance);
  if (source !== null) {
    if (!isReplicaOfPlanPrimary(instance, db)) {
      return {
        readiness: null,
        status,
        problem: `${resource} replicates from ${source}, not from the plan's primary ${db.primary.identifier} in ${db.primary.region}: fix the plan or the replica`,
      };
    }
    if (PROMOTABLE_REPLICA_STATUSES.has(status)) return { readiness: 'replica-ready', status };
    return {
      readiness: null,
      status,
      problem: `${resource} is a replica in status "${status}", which cannot be promoted: wait until it is available or repair it`,
    };
  }
  if (SERVING_STANDALONE_STATUSES.has(status)) return { readiness: 'promoted', status };
  if (SETTLING_STANDALONE_STATUSES.has(status)) return { readiness: 'promoting', status };
  return {
    readiness: null,
    status,
    problem: `${resource} is a standalone instance in status "${status}": repair it before a failover (it cannot serve)`,
  };
}
