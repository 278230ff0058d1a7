import { touch } from '../mutations.ts';
import { AwsError } from '../protocol/errors.ts';
import type { QueryParams } from '../protocol/query-params.ts';
import type { QueryService, RequestContext } from '../protocol/server.ts';
import { list, type XmlObject } from '../protocol/xml.ts';
import { instanceXml, resourceId } from './instance-xml.ts';
import { createReadReplica, deleteInstance } from './lifecycle.ts';
import type { DbInstance, RdsModel } from './model.ts';
import { type Tag, validateTag, withoutTags, withTags } from './tags.ts';

/**
 * RDS awsQuery operations (API version 2014-10-31). Bounds from the RDS API reference:
 * DescribeDBInstances MaxRecords 20-100 (default 100) with a Marker, filters db-cluster-id,
 * db-instance-id, dbi-resource-id, domain and engine (each with values); DB instance
 * identifiers 1-63 letters, digits and hyphens, starting with a letter (or a DB instance ARN).
 * Creating and deleting instances: lifecycle.ts; tags: tags.ts. Every mutating operation names
 * the instance (or parameter group) it touches for the mutation ledger.
 */
export function rdsApi(rds: RdsModel): QueryService {
  return {
    service: 'rds',
    xmlNamespace: 'http://rds.amazonaws.com/doc/2014-10-31/',
    operations: {
      DescribeDBInstances: (params, context) => describeDbInstances(rds, params, context),
      DescribeDBParameters: (params, context) => {
        const parameters = rds.parameterGroups.describe(
          context.region,
          params.required('DBParameterGroupName'),
          params.get('Source'),
        );
        return {
          Parameters: list(
            'Parameter',
            parameters.map((p) => ({
              ParameterName: p.name,
              ParameterValue: p.value,
              Source: 'user',
              ApplyMethod: p.applyMethod,
              IsModifiable: true,
            })),
          ),
        };
      },
      ModifyDBParameterGroup: (params, context) => {
        const parameters = params.listOf('Parameters.Parameter').map((p) => ({
          name: p.required('ParameterName'),
          value: p.required('ParameterValue'),
          applyMethod: (p.get('ApplyMethod') ?? 'pending-reboot') as 'immediate' | 'pending-reboot',
        }));
        const group = params.required('DBParameterGroupName');
        touch(context, `arn:aws:rds:${context.region}:${rds.context.account}:pg:${group}`);
        const name = rds.parameterGroups.modify(context.region, group, parameters);
        return { DBParameterGroupName: name };
      },
      PromoteReadReplica: (params, context) => {
        const identifier = identifierOf(params.required('DBInstanceIdentifier'));
        touch(context, rds.arnOf(context.region, identifier));
        params.integer('BackupRetentionPeriod', 0, 35);
        const instance = rds.promote(context.region, identifier);
        return { DBInstance: instanceXml(rds, instance) };
      },
      CreateDBInstanceReadReplica: (params, context) => {
        const identifier = identifierOf(params.required('DBInstanceIdentifier'));
        touch(context, rds.arnOf(context.region, identifier));
        const source = params.required('SourceDBInstanceIdentifier');
        const port = params.integer('Port', 1150, 65_535);
        const publiclyAccessible = params.boolean('PubliclyAccessible');
        const deletionProtection = params.boolean('DeletionProtection');
        const instance = createReadReplica(rds, context.region, {
          identifier,
          source,
          tags: tagsOf(params),
          securityGroupIds: params.strings('VpcSecurityGroupIds.VpcSecurityGroupId'),
          ...optional('instanceClass', params.get('DBInstanceClass')),
          ...optional('parameterGroupName', params.get('DBParameterGroupName')),
          ...optional('subnetGroupName', params.get('DBSubnetGroupName')),
          ...optional('availabilityZone', params.get('AvailabilityZone')),
          ...optional('port', port),
          ...optional('publiclyAccessible', publiclyAccessible),
          ...optional('deletionProtection', deletionProtection),
        });
        return { DBInstance: instanceXml(rds, instance) };
      },
      DeleteDBInstance: (params, context) => {
        const identifier = identifierOf(params.required('DBInstanceIdentifier'));
        touch(context, rds.arnOf(context.region, identifier));
        const instance = deleteInstance(rds, context.region, {
          identifier,
          skipFinalSnapshot: params.boolean('SkipFinalSnapshot') ?? false,
          deleteAutomatedBackups: params.boolean('DeleteAutomatedBackups') ?? true,
          ...optional('finalSnapshotIdentifier', params.get('FinalDBSnapshotIdentifier')),
        });
        return { DBInstance: instanceXml(rds, instance) };
      },
      AddTagsToResource: (params, context) => {
        const instance = taggedInstance(rds, params.required('ResourceName'), context);
        const tags = tagsOf(params);
        if (tags.length === 0)
          throw new AwsError('MissingParameter', 'The request must contain the parameter Tags');
        instance.tags = withTags(instance.tags, tags, instance.identifier);
        recordTags(rds, instance, `added ${tags.map((t) => t.Key).join(', ')}`);
        return {};
      },
      RemoveTagsFromResource: (params, context) => {
        const instance = taggedInstance(rds, params.required('ResourceName'), context);
        const keys = params.strings('TagKeys.member');
        if (keys.length === 0)
          throw new AwsError('MissingParameter', 'The request must contain the parameter TagKeys');
        instance.tags = withoutTags(instance.tags, keys);
        recordTags(rds, instance, `removed ${keys.join(', ')}`);
        return {};
      },
      ListTagsForResource: (params, context) => {
        if (params.listOf('Filters.Filter').length > 0) {
          throw new AwsError('InvalidParameterValue', 'ListTagsForResource does not support filters.');
        }
        const instance = taggedInstance(rds, params.required('ResourceName'), context, false);
        return {
          TagList: list(
            'Tag',
            instance.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })),
          ),
        };
      },
    },
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** `Tags.Tag.N.Key/Value`, each validated; nothing changes when one is refused. */
function tagsOf(params: QueryParams): Tag[] {
  return params
    .listOf('Tags.Tag')
    .map((tag) => validateTag({ Key: tag.get('Key'), Value: tag.get('Value') }));
}

/**
 * The DB instance a tagging request names by ARN (RDS tags resources by ARN only). The world
 * tags DB instances; another RDS resource type is refused as not modelled.
 */
function taggedInstance(
  rds: RdsModel,
  resourceName: string,
  context: RequestContext,
  mutating = true,
): DbInstance {
  const arn = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):([a-z-]+):(.+)$/.exec(resourceName);
  if (!arn) {
    throw new AwsError(
      'InvalidParameterValue',
      `The specified resource name does not match an RDS resource in this region: ${resourceName.slice(0, 200)}`,
    );
  }
  if (mutating) touch(context, resourceName);
  const [, region, , type, identifier] = arn as unknown as [string, string, string, string, string];
  if (type !== 'db') {
    throw new AwsError(
      'InvalidParameterValue',
      `The local world tags DB instances only (resource type ${type}): ${resourceName.slice(0, 200)}`,
    );
  }
  const instance = region === context.region ? rds.find(region, identifier) : undefined;
  if (!instance) throw new AwsError('DBInstanceNotFound', `DBInstance ${identifier} not found.`, 404);
  return instance;
}

function recordTags(rds: RdsModel, instance: DbInstance, what: string): void {
  rds.context.events.record(
    'rds.tags-changed',
    rds.context.clock.now(),
    `${instance.identifier}: tags ${what}`,
    { identifier: instance.identifier, tags: instance.tags.map((t) => ({ ...t })) },
    instance.region,
  );
}

/** Accepts an identifier or a DB instance ARN, as RDS does; anything else is InvalidParameterValue. */
function identifierOf(value: string): string {
  const arn = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d*:db:(.+)$/.exec(value);
  const identifier = arn?.[1] ?? value;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(identifier) || /--|-$/.test(identifier)) {
    throw new AwsError(
      'InvalidParameterValue',
      `The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
  return identifier;
}

const FILTERS = ['db-cluster-id', 'db-instance-id', 'dbi-resource-id', 'domain', 'engine'];

function describeDbInstances(rds: RdsModel, params: QueryParams, context: RequestContext): XmlObject {
  const maxRecords = params.integer('MaxRecords', 20, 100) ?? 100;
  const identifier = params.get('DBInstanceIdentifier');
  let instances: DbInstance[];
  if (identifier !== undefined) {
    const instance = rds.find(context.region, identifierOf(identifier));
    if (!instance) throw new AwsError('DBInstanceNotFound', `DBInstance ${identifier} not found.`, 404);
    instances = [instance];
  } else {
    instances = rds.list(context.region);
    for (const filter of params.listOf('Filters.Filter')) {
      const name = filter.get('Name') ?? '';
      if (!FILTERS.includes(name)) {
        throw new AwsError('InvalidParameterValue', `Unrecognized filter name: ${name.slice(0, 64)}`);
      }
      const values = new Set(filter.strings('Values.Value'));
      if (values.size === 0) {
        throw new AwsError('InvalidParameterCombination', `The filter ${name} needs at least one value.`);
      }
      instances = instances.filter((instance) => filterValue(instance, name, values));
    }
  }
  const offset = markerOffset(params.get('Marker'), instances.length);
  const page = instances.slice(offset, offset + maxRecords);
  const next =
    offset + maxRecords < instances.length
      ? Buffer.from(`rds:${offset + maxRecords}`).toString('base64')
      : undefined;
  return {
    DBInstances: list(
      'DBInstance',
      page.map((instance) => instanceXml(rds, instance)),
    ),
    Marker: next,
  };
}

function filterValue(instance: DbInstance, name: string, values: Set<string>): boolean {
  switch (name) {
    case 'db-instance-id':
      return values.has(instance.identifier) || values.has(instance.arn);
    case 'engine':
      return values.has(instance.engine);
    case 'dbi-resource-id':
      return values.has(resourceId(instance));
    default:
      // No DB clusters and no directory domains in the world.
      return false;
  }
}

function markerOffset(marker: string | undefined, size: number): number {
  if (marker === undefined) return 0;
  const match = /^rds:(\d{1,9})$/.exec(Buffer.from(marker, 'base64').toString('utf8'));
  if (!match || Number(match[1]) > size) {
    throw new AwsError('InvalidParameterValue', 'The parameter Marker is not valid.');
  }
  return Number(match[1]);
}
