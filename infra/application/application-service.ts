import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import {
  type ContainerImage,
  CpuArchitecture,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  type ICluster,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import type { ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { isHealthPath } from '../config/deploy-settings.ts';
import { acknowledge } from '../nag.ts';

export interface DatabaseConnection {
  /** Prefix of the variables, e.g. ORDERS -> ORDERS_DB_HOST, ORDERS_DB_PASSWORD. */
  prefix: string;
  host: string;
  port: string;
  secret: ISecret;
}

export interface ApplicationServiceProps {
  cluster: ICluster;
  serviceName: string;
  vpc: IVpc;
  securityGroup: ISecurityGroup;
  image: ContainerImage;
  containerPort: number;
  /** Path and query of the region's health URL, validated by assertDeployable. */
  healthCheckPath: string;
  desiredCount: number;
  databases: DatabaseConnection[];
  targetGroup?: ApplicationTargetGroup;
}

/**
 * One application service on Fargate in the private subnets. Credentials are injected from
 * Secrets Manager by the ECS agent, never as plain environment; the container has its own health
 * check; a failed deployment rolls back by itself.
 */
export class ApplicationService extends Construct {
  readonly service: FargateService;

  constructor(scope: Construct, id: string, props: ApplicationServiceProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const environment: Record<string, string> = { PORT: String(props.containerPort) };
    const secrets: Record<string, EcsSecret> = {};
    for (const db of props.databases) {
      environment[`${db.prefix}_DB_HOST`] = db.host;
      environment[`${db.prefix}_DB_PORT`] = db.port;
      secrets[`${db.prefix}_DB_USERNAME`] = EcsSecret.fromSecretsManager(db.secret, 'username');
      secrets[`${db.prefix}_DB_PASSWORD`] = EcsSecret.fromSecretsManager(db.secret, 'password');
    }
    taskDefinition.addContainer('app', {
      image: props.image,
      essential: true,
      portMappings: [{ containerPort: props.containerPort }],
      environment,
      secrets,
      readonlyRootFilesystem: false,
      logging: LogDrivers.awsLogs({ logGroup, streamPrefix: props.serviceName }),
      healthCheck: {
        command: containerHealthCheckCommand(props.containerPort, props.healthCheckPath),
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
    });
    acknowledge(
      taskDefinition,
      'AwsSolutions-ECS2',
      'Only non-secret settings are plain environment (database host and port, listening port); the credentials are injected from Secrets Manager.',
    );
    acknowledge(
      taskDefinition,
      'AwsSolutions-IAM5[Resource::*]',
      'The execution role pulls the image: ecr:GetAuthorizationToken has no resource type, AWS requires "*" (read-only). Image layers, logs and secrets are granted on their own ARNs.',
    );
    this.service = new FargateService(this, 'Service', {
      cluster: props.cluster,
      serviceName: props.serviceName,
      taskDefinition,
      desiredCount: props.desiredCount,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      ...(props.targetGroup ? { healthCheckGracePeriod: Duration.seconds(60) } : {}),
    });
    if (props.targetGroup) props.targetGroup.addTarget(this.service);
  }
}

/**
 * The container's own health check, in exec form: Docker runs curl with these arguments and no
 * shell, so the plan's health path is one argument whatever it contains (`&`, `;`, `$(...)` are
 * plain characters), and --globoff keeps curl from reading `[]{}` as URL globs. The path is also
 * checked against URL characters before it gets here (assertDeployable), and --fail makes any
 * status >= 400 unhealthy. The image must contain curl.
 */
export function containerHealthCheckCommand(port: number, healthPath: string): string[] {
  if (!isHealthPath(healthPath)) {
    throw new Error(`container health check: ${JSON.stringify(healthPath)} is not a URL path`);
  }
  return [
    'CMD',
    'curl',
    '--fail',
    '--silent',
    '--show-error',
    '--globoff',
    '--max-time',
    '4',
    `http://localhost:${port}${healthPath}`,
  ];
}
