import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { type CfnDBInstance, DatabaseInstance, DatabaseInstanceReadReplica } from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { PlanDatabase } from '../../plan/schema.ts';
import { acknowledge } from '../nag.ts';
import { acknowledgeMajorVersion, defaultVersionOf, enginePort, instanceEngine } from './database-engine.ts';
import { instanceKey, protectedInstanceProps } from './protected-instance.ts';

export interface ReplicaDatabaseProps {
  database: PlanDatabase;
  /** ARN of the primary instance in the primary region (from the plan, no cross-region reference). */
  sourceArn: string;
  vpc: IVpc;
  securityGroup: ISecurityGroup;
  instanceClass: string;
  engineVersion: string | undefined;
  /**
   * The failover promoted this replica and the DR region serves (deployment.activeRegion dr):
   * the template says so by leaving SourceDBInstanceIdentifier out. CloudFormation documents that
   * removing it promotes a read replica to a standalone instance (AWS::RDS::DBInstance,
   * SourceDBInstanceIdentifier); for an instance drctl already promoted, the template only catches
   * up with what is. The logical id stays the same, so nothing is replaced.
   */
  standalone: boolean;
}

/** Automated backups of a standalone (promoted) instance, as for the primaries. */
const STANDALONE_BACKUP_DAYS = 7;

/**
 * The cross-region read replica the failover promotes: encrypted with its own KMS key in the DR
 * region (a key cannot cross regions), TLS enforced, backups on (RDS keeps none for PostgreSQL
 * replicas: they start at promotion), storage autoscaling up to the primary's ceiling, deletion
 * protection.
 */
export class ReplicaDatabase extends Construct {
  readonly instance: DatabaseInstanceReadReplica;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: ReplicaDatabaseProps) {
    super(scope, id);
    const { database } = props;
    const engine = instanceEngine(database.engine, props.engineVersion);
    this.key = instanceKey(this, `Encrypts the ${database.replica.identifier} cross-region replica`);
    const source = DatabaseInstance.fromDatabaseInstanceAttributes(this, 'Source', {
      instanceIdentifier: database.primary.identifier,
      instanceEndpointAddress: `${database.primary.identifier}.${database.primary.region}.rds.amazonaws.com`,
      port: enginePort(database.engine),
      securityGroups: [],
      engine,
    });
    const shared = protectedInstanceProps(this, {
      identifier: database.replica.identifier,
      planEngine: database.engine,
      engine,
      instanceClass: props.instanceClass,
      vpc: props.vpc,
      securityGroup: props.securityGroup,
      key: this.key,
    });
    const replicaBackups = engine.supportsReadReplicaBackups === true;
    const { backupRetention, ...rest } = shared;
    this.instance = new DatabaseInstanceReadReplica(this, 'Instance', {
      ...rest,
      ...(replicaBackups ? { backupRetention } : {}),
      maxAllocatedStorage: 200,
      sourceDatabaseInstance: source,
    });
    const cfn = this.instance.node.defaultChild as CfnDBInstance;
    if (props.standalone) {
      cfn.sourceDbInstanceIdentifier = undefined;
      cfn.sourceRegion = undefined;
      cfn.backupRetentionPeriod = STANDALONE_BACKUP_DAYS;
    } else {
      // The L2 would derive the source ARN in this (DR) region; a cross-region replica needs the
      // primary's real ARN and its region.
      cfn.sourceDbInstanceIdentifier = props.sourceArn;
      cfn.sourceRegion = database.primary.region;
    }
    // CloudFormation: with a source, StorageEncrypted must be absent; KmsKeyId (the DR key) encrypts.
    cfn.storageEncrypted = undefined;
    acknowledge(
      this.instance,
      'AwsSolutions-RDS2',
      'The replica is encrypted with its own KMS key in the DR region (KmsKeyId); CloudFormation requires StorageEncrypted to be left out when SourceDBInstanceIdentifier is set, and adding it after a promotion would replace the instance.',
    );
    acknowledge(
      this.instance,
      'AwsSolutions-RDS3',
      'Pilot light: the replica is single-AZ until promoted, to halve its cost; after a failover it can be modified to Multi-AZ online.',
    );
    acknowledgeMajorVersion(this.instance, props.engineVersion ?? defaultVersionOf(database.engine));
    acknowledge(
      this.instance,
      'AwsSolutions-RDS11',
      'The replica keeps its source engine port: a non-default port is obscurity, not a control. Only the DR tasks reach it (security groups), over TLS.',
    );
  }
}
