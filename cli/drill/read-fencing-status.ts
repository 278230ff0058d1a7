import {
  DescribeDBParametersCommand,
  type DescribeDBParametersCommandOutput,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { readDbInstance } from '../../functions/shared/read-db-instance.ts';
import { WRITE_BLOCK } from '../../functions/shared/write-block.ts';
import { toDrError } from '../../plan/errors.ts';
import type { PlanDatabase } from '../../plan/schema.ts';

/**
 * Whether an old primary database still takes writes, as the fencing left it: the engine's
 * read-only parameter in its own parameter group (functions/fence-primary/fence-databases.ts
 * sets it). Read from the primary region: when that region does not answer, the reading fails
 * and `drctl status` says "unknown".
 */
export interface DatabaseFenceStatus {
  parameter: string;
  /** The user-set value in the instance's parameter group; null when not set (engine default: writable). */
  value: string | null;
  group: string | null;
  state: 'fenced' | 'writable' | 'no such instance';
}

export async function readDatabaseFence(rds: RDSClient, db: PlanDatabase): Promise<DatabaseFenceStatus> {
  const block = WRITE_BLOCK[db.engine];
  const instance = await readDbInstance(rds, db.primary.identifier, db.primary.region);
  if (instance === null)
    return { parameter: block.name, value: null, group: null, state: 'no such instance' };
  const group = instance.DBParameterGroups?.[0]?.DBParameterGroupName ?? null;
  if (group === null) return { parameter: block.name, value: null, group, state: 'writable' };
  const value = await userValue(rds, group, block.name);
  return { parameter: block.name, value, group, state: value === block.value ? 'fenced' : 'writable' };
}

async function userValue(rds: RDSClient, group: string, name: string): Promise<string | null> {
  let marker: string | undefined;
  // A bound, not a rule: a group has at most a few hundred user-set parameters.
  for (let page = 0; page < 20; page++) {
    let output: DescribeDBParametersCommandOutput;
    try {
      output = await rds.send(
        new DescribeDBParametersCommand({
          DBParameterGroupName: group,
          Source: 'user',
          ...(marker ? { Marker: marker } : {}),
        }),
      );
    } catch (error) {
      throw toDrError(error, `DescribeDBParameters ${group}`);
    }
    const found = output.Parameters?.find((parameter) => parameter.ParameterName === name);
    if (found) return found.ParameterValue ?? null;
    marker = output.Marker;
    if (!marker) return null;
  }
  return null;
}
