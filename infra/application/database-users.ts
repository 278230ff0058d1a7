import { join } from 'node:path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, Port, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import type { PlanDatabase } from '../../plan/schema.ts';
import { lambdaAssetFiles } from '../lambda/asset-files.ts';
import { BUNDLE_HANDLER, esbuildCode } from '../lambda/esbuild-bundle.ts';
import { grantNetworkInterfaces } from '../lambda/vpc-access.ts';
import { acknowledge } from '../nag.ts';
import { enginePort } from './database-engine.ts';

const SOURCE_DIR = join(import.meta.dirname, '..', 'custom-resources', 'database-users');

export interface ApplicationUserProps {
  database: PlanDatabase;
  masterSecret: ISecret;
  appSecret: ISecret;
  /**
   * The write canary's secret (drills.canary.enabled): the resource also creates `drctl_canary`
   * with CREATE, INSERT and SELECT on the `drctl_canary` schema only.
   */
  canarySecret?: ISecret;
  /** What must exist first (the instance, the secrets' host attachments). */
  dependsOn: IDependable[];
}

/**
 * Creates each plan database's application user (not the master) at deploy time, through one
 * VPC function per stack that connects with the master credentials over TLS (see
 * infra/custom-resources/database-users). The user gets its own schema and every privilege on it,
 * nothing else; rotation (alternating users) owns its password afterwards. With the write canary
 * on, the same resource creates the canary's user on its own schema.
 */
export class DatabaseUsers extends Construct {
  readonly function: LambdaFunction;
  readonly securityGroup: SecurityGroup;
  private readonly role: Role;

  constructor(
    scope: Construct,
    id: string,
    props: { vpc: IVpc; databaseSecurityGroup: ISecurityGroup; ports: readonly number[] },
  ) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description:
        'drctl database user setup (deploy time): out to the databases and to HTTPS (Secrets Manager, CloudFormation)',
      allowAllOutbound: false,
    });
    for (const port of props.ports) {
      this.securityGroup.addEgressRule(props.databaseSecurityGroup, Port.tcp(port), 'to the plan databases');
    }
    this.securityGroup.connections.allowToAnyIpv4(
      Port.tcp(443),
      'Secrets Manager and the CloudFormation response URL',
    );
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'drctl database user setup: reads the database secrets, runs in the VPC, writes its log group',
    });
    logGroup.grantWrite(this.role);
    grantNetworkInterfaces(this.role, {
      vpc: props.vpc,
      subnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: this.securityGroup,
    });
    this.function = new LambdaFunction(this, 'Function', {
      code: esbuildCode({
        entry: join(SOURCE_DIR, 'handler.ts'),
        sourceDir: SOURCE_DIR,
        // The RDS certificate authorities its TLS connections verify the databases against.
        extraFiles: lambdaAssetFiles('database-users', null),
        external: ['pg-native'],
      }),
      handler: BUNDLE_HANDLER,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: 256,
      timeout: Duration.minutes(2),
      role: this.role,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      // No NODE_OPTIONS=--enable-source-maps, as for every drctl function (bundle-options.ts
      // LAMBDA_BASE_ENVIRONMENT): it would parse the whole source map at each cold start.
    });
    for (const port of props.ports) {
      props.databaseSecurityGroup.addIngressRule(
        this.securityGroup,
        Port.tcp(port),
        'database user setup (deploy time)',
      );
    }
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'ec2:DescribeNetworkInterfaces (read) and X-Ray (xray:PutTraceSegments, PutTelemetryRecords) have no resource types: AWS requires "*". Network interface changes are limited to this account and region, the private subnets and this function\'s security group.',
    );
    acknowledge(
      this.function,
      'Serverless-LambdaDLQ',
      'A custom resource: CloudFormation waits for its response and fails the deployment if it fails; a dead-letter queue would add nothing.',
    );
  }

  /** The custom resource that creates one database's application user. */
  addUser(id: string, props: ApplicationUserProps): CustomResource {
    props.masterSecret.grantRead(this.role);
    props.appSecret.grantRead(this.role);
    props.canarySecret?.grantRead(this.role);
    const resource = new CustomResource(this, `User-${id}`, {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::DrctlDatabaseUser',
      properties: {
        Engine: props.database.engine,
        MasterSecretArn: props.masterSecret.secretArn,
        AppSecretArn: props.appSecret.secretArn,
        DatabaseName: applicationSchemaName(props.database),
        Port: String(enginePort(props.database.engine)),
        ...(props.canarySecret ? { CanarySecretArn: props.canarySecret.secretArn } : {}),
      },
    });
    for (const dependency of props.dependsOn) resource.node.addDependency(dependency);
    return resource;
  }
}

/** The application's schema (MySQL, MariaDB) or database (PostgreSQL): the plan database's id. */
export function applicationSchemaName(database: PlanDatabase): string {
  return database.id.replace(/-/g, '_');
}

/** The application user of every plan database (its clone, `<user>_clone`, comes from rotation). */
export const APPLICATION_USER = 'drctl_app';
