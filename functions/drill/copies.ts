import {
  type DBInstance,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import { toDrError } from '../../plan/errors.ts';
import { DRILL_EXECUTION_TAG, DRILL_PLAN_TAG, isDrillCopyIdentifier } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { productionIdentifiers } from './guard.ts';

/** A drill copy as RDS reports it, with its tags. */
export interface DrillCopy {
  identifier: string;
  status: string;
  /** The execution whose drill made it (its drctl:drill tag), or null when untagged. */
  execution: string | null;
  tags: Record<string, string>;
  /** Its replication source while it is a replica; null once promoted. */
  source: string | null;
  instance: DBInstance;
}

export const copyResource = (plan: Plan, identifier: string): string =>
  `rds:${plan.regions.dr}:${identifier}`;

/** DescribeDBInstances pages read at most (100 instances each): a bound, not a business rule. */
const MAX_PAGES = 20;

/**
 * Every drill copy of this plan in the DR region: instances named as drill copies (never a plan
 * primary or replica) whose drctl:plan tag is this plan's. RDS cannot filter DescribeDBInstances
 * by tag, so the region's instances are listed and their TagList read (ListTagsForResource when
 * an answer carries none). Finds what a crashed drill left even for a database since removed
 * from the plan.
 */
export async function listDrillCopies(rds: RDSClient, plan: Plan): Promise<DrillCopy[]> {
  const production = productionIdentifiers(plan);
  const found: DrillCopy[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let output: { DBInstances?: DBInstance[]; Marker?: string };
    try {
      output = await rds.send(
        new DescribeDBInstancesCommand({ MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }),
      );
    } catch (error) {
      throw toDrError(error, `DescribeDBInstances rds:${plan.regions.dr} (drill copies)`);
    }
    for (const instance of output.DBInstances ?? []) {
      const identifier = instance.DBInstanceIdentifier ?? '';
      if (!isDrillCopyIdentifier(identifier) || production.has(identifier.toLowerCase())) continue;
      const copy = await describeCopy(rds, plan, instance);
      if (copy.tags[DRILL_PLAN_TAG] === plan.name) found.push(copy);
    }
    marker = output.Marker;
    if (!marker) break;
  }
  return found;
}

/** One drill copy by name, or null when there is no such instance. */
export async function readCopy(rds: RDSClient, plan: Plan, identifier: string): Promise<DrillCopy | null> {
  let instance: DBInstance | undefined;
  try {
    const output = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    instance = output.DBInstances?.[0];
  } catch (error) {
    if ((error as { name?: string }).name === 'DBInstanceNotFoundFault') return null;
    throw toDrError(error, `DescribeDBInstances ${copyResource(plan, identifier)}`);
  }
  return instance ? describeCopy(rds, plan, instance) : null;
}

async function describeCopy(rds: RDSClient, plan: Plan, instance: DBInstance): Promise<DrillCopy> {
  const identifier = instance.DBInstanceIdentifier ?? '';
  const tags = tagMap(instance.TagList ?? (await listTags(rds, plan, instance)));
  return {
    identifier,
    status: instance.DBInstanceStatus ?? 'unknown',
    execution: tags[DRILL_EXECUTION_TAG] ?? null,
    tags,
    source: instance.ReadReplicaSourceDBInstanceIdentifier || null,
    instance,
  };
}

async function listTags(rds: RDSClient, plan: Plan, instance: DBInstance): Promise<Tag[]> {
  if (!instance.DBInstanceArn) return [];
  try {
    const output = await rds.send(new ListTagsForResourceCommand({ ResourceName: instance.DBInstanceArn }));
    return output.TagList ?? [];
  } catch (error) {
    throw toDrError(error, `ListTagsForResource ${copyResource(plan, instance.DBInstanceIdentifier ?? '')}`);
  }
}

function tagMap(tags: readonly Tag[]): Record<string, string> {
  return Object.fromEntries(tags.flatMap((tag) => (tag.Key ? [[tag.Key, tag.Value ?? '']] : [])));
}
