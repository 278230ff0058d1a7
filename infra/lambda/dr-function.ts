import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { acknowledge } from '../nag.ts';
import { lambdaAssetFiles } from './asset-files.ts';
import { LAMBDA_BASE_ENVIRONMENT } from './bundle-options.ts';
import { BUNDLE_HANDLER, esbuildCode } from './esbuild-bundle.ts';
import { grantNetworkInterfaces, type VpcAccess } from './vpc-access.ts';

/** The functions the failover state machine invokes (its Task states). */
export type StateMachineFunctionName =
  | 'health-monitor'
  | 'promote-replica'
  | 'scale-service'
  | 'update-dns'
  | 'notify'
  | 'approval'
  | 'fence-primary';

/** The drill's own functions: the drill steps, the write canary (writer and reader), the evidence writer. */
export type DrillFunctionName = 'drill' | 'canary' | 'evidence';

const DRILL_FUNCTIONS = new Set<DrFunctionName>(['drill', 'canary', 'evidence']);

/**
 * drctl's functions: each is `functions/<name>/handler.ts` exporting `handler`. primary-probe is
 * not a Task of the state machine: a schedule runs it (the DR-side detection path).
 */
export type OrchestratorFunctionName = StateMachineFunctionName | 'primary-probe';

export type DrFunctionName = OrchestratorFunctionName | DrillFunctionName;

export { BUNDLED_PLAN_FILE } from './bundle-options.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface DrFunctionProps {
  name: DrFunctionName;
  /** The validated plan, bundled with the code so the function acts on exactly what was deployed. */
  plan: Plan;
  /** Physical function name; the default is `<plan name>-<function name>`. */
  functionName?: string;
  memorySize?: number;
  timeout?: Duration;
  logRetention?: RetentionDays;
  environment?: Record<string, string>;
  /** Where failed asynchronous invocations (the schedule's) end up. */
  deadLetterQueue?: IQueue;
  /** Where functions/ lives (defaults to this repository). */
  functionsRoot?: string;
  /** Runs in these private subnets with this security group (its role may manage its network interfaces). */
  network?: VpcAccess;
}

/**
 * One of drctl's Lambda functions with every default in one place: Node.js 24 on arm64, active
 * tracing, explicit memory and timeout, its own log group with retention, a minified CommonJS bundle
 * (with its source map beside it) that carries the plan (and, for the canary, the RDS certificate
 * authorities: asset-files.ts), and its own role (empty but for its log group:
 * callers add the least-privilege statements the function needs).
 */
export class DrFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DrFunctionProps) {
    super(scope, id);
    const functionName = props.functionName ?? `${props.plan.name}-${props.name}`;
    const functionsRoot = props.functionsRoot ?? join(REPO_ROOT, 'functions');

    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `drctl ${props.name} for plan ${props.plan.name}: least privilege, see ${DRILL_FUNCTIONS.has(props.name) ? 'infra/drills/' : 'infra/orchestrator/function-policies.ts'}`,
    });
    this.logGroup.grantWrite(this.role);
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      props.network
        ? 'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, and ec2:DescribeNetworkInterfaces (read, for the function\'s VPC network interfaces) has none either: AWS requires "*". All other statements name plan resources.'
        : 'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permission: AWS requires "*". All other statements name plan resources.',
    );

    if (props.network) grantNetworkInterfaces(this.role, props.network);

    const entryDir = join(functionsRoot, props.name);
    if (!existsSync(join(entryDir, 'handler.ts'))) {
      throw new Error(`DrFunction ${props.name}: ${join(entryDir, 'handler.ts')} does not exist`);
    }
    this.function = new LambdaFunction(this, 'Function', {
      functionName,
      code: esbuildCode({
        entry: join(entryDir, 'handler.ts'),
        sourceDir: entryDir,
        extraFiles: lambdaAssetFiles(props.name, props.plan),
      }),
      handler: BUNDLE_HANDLER,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup: this.logGroup,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: props.network.subnets,
            securityGroups: [props.network.securityGroup],
          }
        : {}),
      role: this.role,
      environment: { ...LAMBDA_BASE_ENVIRONMENT, ...props.environment },
    });
  }
}
