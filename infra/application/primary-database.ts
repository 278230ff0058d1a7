import { Duration } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, Peer, Port, SubnetType } from 'aws-cdk-lib/aws-ec2';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Credentials, DatabaseInstance } from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PlanDatabase } from '../../plan/schema.ts';
import { acknowledge } from '../nag.ts';
import {
  acknowledgeMajorVersion,
  defaultVersionOf,
  enginePort,
  instanceEngine,
  singleUserRotation,
} from './database-engine.ts';
import { instanceKey, protectedInstanceProps } from './protected-instance.ts';

export interface PrimaryDatabaseProps {
  database: PlanDatabase;
  vpc: IVpc;
  securityGroup: ISecurityGroup;
  instanceClass: string;
  engineVersion: string | undefined;
  /** The secret's name, the same in both regions (Secrets Manager replicas keep it). */
  secretName: string;
  drRegion: string;
}

/**
 * A plan database's primary: Multi-AZ, encrypted with its own key, TLS enforced, IAM auth,
 * automated backups, deletion protection. Its credentials live in Secrets Manager, rotated every
 * 30 days and replicated to the DR region, where the replica (same data, same users) needs them.
 */
export class PrimaryDatabase extends Construct {
  readonly instance: DatabaseInstance;
  readonly secret: ISecret;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: PrimaryDatabaseProps) {
    super(scope, id);
    const { database } = props;
    const engine = instanceEngine(database.engine, props.engineVersion);
    this.key = instanceKey(this, `Encrypts the ${database.primary.identifier} database`);
    this.instance = new DatabaseInstance(this, 'Instance', {
      ...protectedInstanceProps(this, {
        identifier: database.primary.identifier,
        planEngine: database.engine,
        engine,
        instanceClass: props.instanceClass,
        vpc: props.vpc,
        securityGroup: props.securityGroup,
        key: this.key,
      }),
      engine,
      multiAz: true,
      allocatedStorage: 20,
      maxAllocatedStorage: 200,
      credentials: Credentials.fromGeneratedSecret('drctl_admin', {
        secretName: props.secretName,
        replicaRegions: [{ region: props.drRegion }],
      }),
    });
    const secret = this.instance.secret;
    if (!secret) throw new Error(`${database.id}: the database instance did not create its secret`);
    this.secret = secret;
    const rotation = singleUserRotation(database.engine, {
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      functionName: `${database.primary.identifier}-rotation`.slice(0, 64),
    });
    secret.addRotationSchedule('Rotation', {
      hostedRotation: rotation,
      automaticallyAfter: Duration.days(30),
    });
    props.securityGroup.addIngressRule(
      rotation.connections.securityGroups[0] ?? Peer.ipv4(props.vpc.vpcCidrBlock),
      Port.tcp(enginePort(database.engine)),
      `Secrets Manager rotation of ${database.primary.identifier}`,
    );
    acknowledgeMajorVersion(this.instance, props.engineVersion ?? defaultVersionOf(database.engine));
    acknowledge(
      this.instance,
      'AwsSolutions-RDS11',
      'The engine default port is kept: a non-default port is obscurity, not a control. Only the application tasks and the rotation function reach the database (security groups), over TLS.',
    );
  }
}
