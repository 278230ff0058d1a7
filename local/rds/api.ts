import { AwsError } from '../protocol/errors.ts';
import type { QueryParams } from '../protocol/query-params.ts';
import type { QueryService, RequestContext } from '../protocol/server.ts';
import { list, type XmlObject } from '../protocol/xml.ts';
import type { DbInstance, RdsModel } from './model.ts';

/** RDS awsQuery operations (API version 2014-10-31). */
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
        const instance = rds.promote(context.region, identifier);
        return { DBInstance: instanceXml(rds, instance) };
      },
    },
  };
}

/** Accepts an identifier or a DB instance ARN, as RDS does. */
function identifierOf(value: string): string {
  const arn = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d*:db:(.+)$/.exec(value);
  return arn?.[1] ?? value;
}

function describeDbInstances(rds: RdsModel, params: QueryParams, context: RequestContext): XmlObject {
  const identifier = params.get('DBInstanceIdentifier');
  let instances: DbInstance[];
  if (identifier !== undefined) {
    const instance = rds.find(context.region, identifierOf(identifier));
    if (!instance) throw new AwsError('DBInstanceNotFound', `DBInstance ${identifier} not found.`, 404);
    instances = [instance];
  } else {
    instances = rds.list(context.region);
    for (const filter of params.listOf('Filters.Filter')) {
      const name = filter.get('Name');
      const values = filter.strings('Values.Value').map(identifierOf);
      if (name === 'db-instance-id') instances = instances.filter((i) => values.includes(i.identifier));
      else if (name === 'engine') instances = instances.filter((i) => values.includes(i.engine));
      else throw new AwsError('InvalidParameterValue', `Unrecognized filter name: ${name}`);
    }
  }
  return {
    DBInstances: list(
      'DBInstance',
      instances.map((instance) => instanceXml(rds, instance)),
    ),
  };
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
    DbiResourceId: `db-${instance.identifier.toUpperCase().replace(/[^A-Z0-9]/g, '')}`.slice(0, 29),
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
