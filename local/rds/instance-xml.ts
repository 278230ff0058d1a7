import { list, type XmlObject } from '../protocol/xml.ts';
import type { DbInstance, RdsModel } from './model.ts';

/**
 * A DB instance as the RDS API returns it (the DBInstance shape). While an instance is creating,
 * RDS has no endpoint and no creation time for it yet; the world leaves them out too. The
 * endpoint of an instance whose world MySQL endpoint runs is that loopback address (so that the
 * canary and the drill's heartbeat reader connect to it, as they would to the RDS endpoint).
 */
export function instanceXml(rds: RdsModel, instance: DbInstance): XmlObject {
  const now = rds.context.clock.now();
  const replicating = instance.role === 'replica' && instance.sourceArn !== undefined;
  const lag = replicating ? rds.lagOf(instance, now) : undefined;
  const creating = instance.status === 'creating';
  const local = rds.endpointOf(instance);
  return {
    DBInstanceIdentifier: instance.identifier,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    EngineVersion: instance.engineVersion,
    DBInstanceStatus: instance.status,
    Endpoint: creating
      ? undefined
      : {
          Address: local?.host ?? `${instance.identifier}.c0local0world.${instance.region}.rds.amazonaws.com`,
          Port: local?.port ?? instance.port,
          HostedZoneId: 'Z2R2ITUGPM61AM',
        },
    AllocatedStorage: 100,
    InstanceCreateTime: creating ? undefined : instance.createdAt,
    AvailabilityZone: instance.availabilityZone,
    MultiAZ: false,
    StorageType: 'gp3',
    StorageEncrypted: true,
    DbiResourceId: resourceId(instance),
    PubliclyAccessible: instance.publiclyAccessible,
    DeletionProtection: instance.deletionProtection,
    ReadReplicaSourceDBInstanceIdentifier: instance.sourceArn,
    ReadReplicaDBInstanceIdentifiers: list('ReadReplicaDBInstanceIdentifier', instance.replicaArns),
    StatusInfos:
      replicating && !creating
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
    DBSubnetGroup:
      instance.subnetGroupName === undefined ? undefined : { DBSubnetGroupName: instance.subnetGroupName },
    VpcSecurityGroups: list(
      'VpcSecurityGroupMembership',
      instance.securityGroupIds.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
    ),
    BackupRetentionPeriod: instance.backupRetention,
    TagList: list(
      'Tag',
      instance.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })),
    ),
  };
}

export function resourceId(instance: DbInstance): string {
  return `db-${instance.identifier.toUpperCase().replace(/[^A-Z0-9]/g, '')}`.slice(0, 29);
}
