import {
  DescribeDBInstancesCommand,
  DescribeDBParametersCommand,
  ModifyDBParameterGroupCommand,
  type Parameter,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import type { PlanDatabase } from '../../plan/schema.ts';
import type { FencedResource } from '../shared/contracts.ts';
import { primaryDatabaseResource } from '../shared/resource-names.ts';
import { WRITE_BLOCK } from '../shared/write-block.ts';
import { outcomeOfError } from './fence-outcome.ts';

/** The old primary takes no writes: the engine's read-only parameter set in its own parameter group. */
export async function fenceDatabase(rds: RDSClient, db: PlanDatabase): Promise<FencedResource> {
  const resource = primaryDatabaseResource(db);
  const block = WRITE_BLOCK[db.engine];
  const base = { resource, kind: 'database' as const, action: `${block.name}=${block.value}` };
  try {
    const instance = await describe(rds, db);
    if (instance === null)
      return { ...base, outcome: 'fenced', detail: 'no such instance: nothing can write to it' };
    const group = instance.DBParameterGroups?.[0]?.DBParameterGroupName;
    if (group === undefined) return { ...base, outcome: 'failed', detail: 'RDS reports no parameter group' };
    if (group.startsWith('default.')) {
      return {
        ...base,
        outcome: 'failed',
        detail: `uses the default parameter group ${group}, which cannot be modified: attach a custom parameter group (the CDK app does)`,
      };
    }
    if ((await currentValue(rds, group, block.name)) === block.value) {
      return { ...base, outcome: 'fenced', detail: `${block.name}=${block.value} in ${group} already` };
    }
    await rds.send(
      new ModifyDBParameterGroupCommand({
        DBParameterGroupName: group,
        Parameters: [{ ParameterName: block.name, ParameterValue: block.value, ApplyMethod: 'immediate' }],
      }),
    );
    return {
      ...base,
      outcome: 'fenced',
      detail: `${block.name}=${block.value} set in ${group} (applied immediately)`,
    };
  } catch (error) {
    return outcomeOfError(error, base, `fence ${resource}`);
  }
}

async function describe(rds: RDSClient, db: PlanDatabase) {
  try {
    const output = await rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.primary.identifier }),
    );
    return output.DBInstances?.[0] ?? null;
  } catch (error) {
    const mapped = toDrError(error, `DescribeDBInstances ${primaryDatabaseResource(db)}`);
    if (mapped instanceof ResourceNotFoundError) return null;
    throw mapped;
  }
}

/** The parameter's value as set by the user in the group (only user-set parameters are read). */
async function currentValue(rds: RDSClient, group: string, name: string): Promise<string | undefined> {
  let marker: string | undefined;
  // A bound, not a rule: a group has at most a few hundred user-set parameters.
  for (let page = 0; page < 20; page++) {
    const output = await rds.send(
      new DescribeDBParametersCommand({
        DBParameterGroupName: group,
        Source: 'user',
        ...(marker ? { Marker: marker } : {}),
      }),
    );
    const found: Parameter | undefined = output.Parameters?.find((p) => p.ParameterName === name);
    if (found) return found.ParameterValue;
    marker = output.Marker;
    if (!marker) return undefined;
  }
  return undefined;
}
