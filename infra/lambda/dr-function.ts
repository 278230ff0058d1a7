import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { acknowledge } from '../nag.ts';

/** The five functions of functions/: each is `functions/<name>/handler.ts` exporting `handler`. */
export type DrFunctionName = 'health-monitor' | 'promote-replica' | 'scale-service' | 'update-dns' | 'notify';

/** The file name the plan is bundled under, next to the handler; DRCTL_PLAN_FILE points at it. */
export const BUNDLED_PLAN_FILE = 'plan.json';

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
}

/**
 * One of drctl's Lambda functions with every default in one place: Node.js 24 on arm64, active
 * tracing, explicit memory and timeout, its own log group with retention, source maps, a
 * minified ESM bundle that carries the plan, and its own role (empty but for its log group:
 * callers add the least-privilege statements the function needs).
 */
export class DrFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DrFunctionProps) {
    super(scope, id);
    const functionName = props.functionName ?? `${props.plan.name}-${props.name}`;
    const functionsRoot = props.functionsRoot ?? join(REPO_ROOT, 'functions');

    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `drctl ${props.name} for plan ${props.plan.name}: least privilege, see infra/orchestrator/function-policies.ts`,
    });
    this.logGroup.grantWrite(this.role);
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permission: AWS requires "*". All other statements name plan resources.',
    );

    const planFile = writePlanForBundling(props.plan);
    this.function = new NodejsFunction(this, 'Function', {
      functionName,
      entry: join(functionsRoot, props.name, 'handler.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup: this.logGroup,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      role: this.role,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        DRCTL_PLAN_FILE: BUNDLED_PLAN_FILE,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the function runs the exact client versions it was tested with.
        externalModules: [],
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require(); an ESM bundle needs it defined.
        banner:
          "import{createRequire as __drctlCreateRequire}from'node:module';const require=__drctlCreateRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `cp "${planFile}" "${join(outputDir, BUNDLED_PLAN_FILE)}"`,
          ],
        },
      },
    });
  }
}

let planFileCache: { json: string; path: string } | undefined;

/** The bundling hook copies a file, so the validated plan is written once per synth to a temp dir. */
function writePlanForBundling(plan: Plan): string {
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  if (planFileCache?.json === json) return planFileCache.path;
  const dir = mkdtempSync(join(tmpdir(), 'drctl-plan-'));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, BUNDLED_PLAN_FILE);
  writeFileSync(path, json);
  planFileCache = { json, path };
  return path;
}
