import { AwsError } from '../protocol/errors.ts';
import type { QueryParams } from '../protocol/query-params.ts';
import type { QueryService, RequestContext } from '../protocol/server.ts';
import { list, type XmlObject } from '../protocol/xml.ts';
import type { DbInstance, RdsModel } from './model.ts';

/**
 * RDS awsQuery operations (API version 2014-10-31). Bounds from the RDS API reference:
 * DescribeDBInstances MaxRecords 20-100 (default 100) with a Marker, filters db-cluster-id,
 * db-instance-id, dbi-resource-id, domain and engine (each with values); DB instance
 * identifiers 1-63 letters, digits and hyphens, starting with a letter (or a DB instance ARN).
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
        const name = rds.parameterGroups.modify(
          context.region,
          params.required('DBParameterGroupName'),
          parameters,
        );
        return { DBParameterGroupName: name };
      },
      PromoteReadReplica: (params, context) => {
        const identifier = identifierOf(params.required('DBInstanceIdentifier'));
        params.integer('BackupRetentionPeriod', 0, 35);
        const instance = rds.promote(context.region, identifier);
        return { DBInstance: instanceXml(rds, instance) };
      },
    },
  };
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

function resourceId(instance: DbInstance): string {
  return `db-${instance.identifier.toUpperCase().replace(/[^A-Z0-9]/g, '')}`.slice(0, 29);
}

function instanceXml(rds: RdsModel, instance: DbInstance): XmlObject {
  const port = instance.engine === 'postgres' ? 5432 : 3306;
  const replicating = instance.role === 'replica' && instance.sourceArn !== undefined;
  const lag = replicating ? rds.replicaLagSeconds(instance.databaseId, Date.now()) : undefined;
  return {
    DBInstanceIdentifier: instance.identifier,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    EngineVersion: instance.engineVersion,
    DBInstanceStatus: instance.status,
    Endpoint: {
      Address: `${instance.identifier}.c0local0world.${instance.region}.rds.amazonaws.com`,
      Port: port,
      HostedZoneId: 'Z2R2ITUGPM61AM',
    },
    AllocatedStorage: 100,
    InstanceCreateTime: instance.createdAt,
    AvailabilityZone: `${instance.region}a`,
    MultiAZ: false,
    StorageType: 'gp3',
    StorageEncrypted: true,
    DbiResourceId: resourceId(instance),
    ReadReplicaSourceDBInstanceIdentifier: instance.sourceArn,
    ReadReplicaDBInstanceIdentifiers: list('ReadReplicaDBInstanceIdentifier', instance.replicaArns),
    StatusInfos: replicating
      ? list('DBInstanceStatusInfo', [
          {
            StatusType: 'read replication',
            Normal: lag !== -1,
            Status: lag === -1 ? 'error' : 'replicating',
            Message:
              lag === -1 ? 'Replication has stopped: the source DB instance is unreachable.' : undefined,
          },
        ])
      : undefined,
    DBInstanceArn: instance.arn,
    DBParameterGroups: list('DBParameterGroup', [
      { DBParameterGroupName: rds.parameterGroups.groupNameOf(instance), ParameterApplyStatus: 'in-sync' },
    ]),
    BackupRetentionPeriod: 7,
  };
}
