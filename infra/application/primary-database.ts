import { Duration } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, Peer, Port, SubnetType } from 'aws-cdk-lib/aws-ec2';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Credentials, DatabaseInstance, DatabaseSecret } from 'aws-cdk-lib/aws-rds';
import type { HostedRotation, ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CANARY_USER } from '../../plan/names.ts';
import type { PlanDatabase } from '../../plan/schema.ts';
import { acknowledge } from '../nag.ts';
import {
  acknowledgeMajorVersion,
  defaultVersionOf,
  enginePort,
  instanceEngine,
  multiUserRotation,
  readOnlyParameters,
  singleUserRotation,
} from './database-engine.ts';
import { APPLICATION_USER, type DatabaseUsers } from './database-users.ts';
import { instanceKey, protectedInstanceProps } from './protected-instance.ts';

export interface PrimaryDatabaseProps {
  database: PlanDatabase;
  vpc: IVpc;
  securityGroup: ISecurityGroup;
  instanceClass: string;
  engineVersion: string | undefined;
  /** Secret names, the same in both regions (Secrets Manager replicas keep them). */
  secretNames: { master: string; app: string };
  drRegion: string;
  /** Creates the application user at deploy time. */
  users: DatabaseUsers;
  /**
   * The write canary's secret name (drills.canary.enabled): a third secret, user `drctl_canary`,
   * replicated to the DR region under the same name (the drill copies have the same users).
   */
  canarySecretName?: string;
  /**
   * The DR region serves (deployment.activeRegion dr): this old primary is fenced. Its parameters
   * refuse writes and its secrets stop rotating (a rotation here would replicate passwords the
   * promoted DR database never got, breaking the DR tasks at their next start).
   */
  fenced: boolean;
}

const ROTATION_INTERVAL = Duration.days(30);

/**
 * A plan database's primary: Multi-AZ, encrypted with its own key, TLS enforced, IAM auth,
 * automated backups, deletion protection. Two secrets, both replicated to the DR region (where
 * the replica has the same users): the master (`drctl_admin`), used only by rotation and the
 * deploy-time user setup, rotated alone; and the application's (`drctl_app`, its own schema),
 * which the tasks use, rotated with alternating users so that a running task's credentials keep
 * working for at least one full rotation interval (30 days) after the secret changes. With the
 * write canary on, a third (`drctl_canary`, CREATE/INSERT/SELECT on `drctl_canary` only), also
 * replicated and rotated alone.
 */
export class PrimaryDatabase extends Construct {
  readonly instance: DatabaseInstance;
  readonly masterSecret: ISecret;
  readonly appSecret: DatabaseSecret;
  /** The write canary's credentials, with the canary on. */
  readonly canarySecret: ISecret | undefined;
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
        ...(props.fenced ? { extraParameters: readOnlyParameters(database.engine) } : {}),
      }),
      engine,
      multiAz: true,
      allocatedStorage: 20,
      maxAllocatedStorage: 200,
      credentials: Credentials.fromGeneratedSecret('drctl_admin', {
        secretName: props.secretNames.master,
        replicaRegions: [{ region: props.drRegion }],
      }),
    });
    const master = this.instance.secret;
    if (!master) throw new Error(`${database.id}: the database instance did not create its secret`);
    this.masterSecret = master;
    this.appSecret = new DatabaseSecret(this, 'AppSecret', {
      username: APPLICATION_USER,
      secretName: props.secretNames.app,
      masterSecret: master,
      replicaRegions: [{ region: props.drRegion }],
    });
    const appAttachment = this.appSecret.attach(this.instance);
    const canaryAttachment = props.canarySecretName
      ? new DatabaseSecret(this, 'CanarySecret', {
          username: CANARY_USER,
          secretName: props.canarySecretName,
          masterSecret: master,
          replicaRegions: [{ region: props.drRegion }],
        }).attach(this.instance)
      : undefined;
    this.canarySecret = canaryAttachment;
    props.users.addUser(database.id, {
      database,
      masterSecret: master,
      appSecret: appAttachment,
      ...(canaryAttachment ? { canarySecret: canaryAttachment } : {}),
      dependsOn: [this.instance, appAttachment, ...(canaryAttachment ? [canaryAttachment] : [])],
    });
    if (!props.fenced) this.rotate(props, master, appAttachment, canaryAttachment);
    acknowledgeMajorVersion(this.instance, props.engineVersion ?? defaultVersionOf(database.engine));
    acknowledge(
      this.instance,
      'AwsSolutions-RDS11',
      'The engine default port is kept: a non-default port is obscurity, not a control. Only the application tasks, the rotation functions and the deploy-time user setup reach the database (security groups), over TLS.',
    );
  }

  private rotate(props: PrimaryDatabaseProps, master: ISecret, app: ISecret, canary?: ISecret): void {
    const { database } = props;
    const subnets = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
    const masterRotation = singleUserRotation(database.engine, {
      vpc: props.vpc,
      vpcSubnets: subnets,
      functionName: `${database.primary.identifier}-rotation`.slice(0, 64),
    });
    master.addRotationSchedule('Rotation', {
      hostedRotation: masterRotation,
      automaticallyAfter: ROTATION_INTERVAL,
    });
    const appRotation = multiUserRotation(database.engine, {
      vpc: props.vpc,
      vpcSubnets: subnets,
      masterSecret: master,
      functionName: `${database.primary.identifier}-app-rotation`.slice(0, 64),
    });
    app.addRotationSchedule('AppRotation', {
      hostedRotation: appRotation,
      automaticallyAfter: ROTATION_INTERVAL,
    });
    const rotations: [HostedRotation, string][] = [
      [masterRotation, 'master'],
      [appRotation, 'application user'],
    ];
    if (canary) {
      // The canary reads its secret at every run: a single user, rotated alone, is enough.
      const canaryRotation = singleUserRotation(database.engine, {
        vpc: props.vpc,
        vpcSubnets: subnets,
        functionName: `${database.primary.identifier}-canary-rotation`.slice(0, 64),
      });
      canary.addRotationSchedule('CanaryRotation', {
        hostedRotation: canaryRotation,
        automaticallyAfter: ROTATION_INTERVAL,
      });
      rotations.push([canaryRotation, 'write canary']);
    }
    for (const [rotation, what] of rotations) {
      props.securityGroup.addIngressRule(
        rotation.connections.securityGroups[0] ?? Peer.ipv4(props.vpc.vpcCidrBlock),
        Port.tcp(enginePort(database.engine)),
        `Secrets Manager rotation of ${database.primary.identifier} (${what})`,
      );
    }
  }
}
