import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionSettings } from '../../plan/function-settings.ts';
import { drillStateMachineName, failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { childStateMachineName, DRILL_CHILDREN, FAILOVER_CHILDREN } from '../../statemachines/definition.ts';
import { drillExecutionArnPattern, drillStateMachineArn } from '../config/drill-arns.ts';
import { failoverExecutionArnPattern, failoverStateMachineArn } from '../config/plan-arns.ts';
import { DrFunction } from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import { executionEndedPattern, FINAL_STATUSES, STATUS_CHANGE_DELIVERY } from './drill-events.ts';
import { EVIDENCE_PREFIX, type EvidenceBucket } from './evidence-bucket.ts';

export interface EvidenceWriterProps {
  plan: Plan;
  evidence: EvidenceBucket;
  deadLetterQueue: IQueue;
  functionsRoot?: string;
}

/** The evidence rule's name (the local world's event records use the same). */
export function evidenceRuleName(plan: Plan): string {
  return `${plan.name}-evidence-on-status-change`;
}

/**
 * The evidence of every AWS run: an EventBridge rule on the end (SUCCEEDED, FAILED, TIMED_OUT,
 * ABORTED) of every execution of the failover and the drill machines invokes `<plan>-evidence`
 * (functions/evidence), which builds the run report from DescribeExecution and
 * GetExecutionHistory and writes its JSON and HTML page to the evidence bucket under `runs/`.
 * Its role reads only those two machines' executions, writes and reads back (HeadObject: the
 * stored digest, so a re-delivery writes nothing) only objects under `runs/`, and encrypts with
 * the bucket's key only. EventBridge delivers at least once and retries for 24 hours; what it
 * cannot deliver goes to the orchestrator's dead-letter queue and its alarm.
 */
export class EvidenceWriter extends Construct {
  readonly fn: DrFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: EvidenceWriterProps) {
    super(scope, id);
    const { plan, evidence } = props;
    this.fn = new DrFunction(this, 'Function', {
      name: 'evidence',
      plan,
      timeout: Duration.seconds(functionSettings(plan, 'evidence').timeoutSeconds),
      memorySize: functionSettings(plan, 'evidence').memoryMb,
      environment: {
        DRCTL_EVIDENCE_BUCKET: evidence.bucket.bucketName,
        DRCTL_EVIDENCE_KMS_KEY_ID: evidence.key.keyArn,
      },
      deadLetterQueue: props.deadLetterQueue,
      ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
    });
    for (const statement of evidenceStatements(plan, evidence)) this.fn.role.addToPrincipalPolicy(statement);
    acknowledge(
      this.fn.role,
      `AwsSolutions-IAM5[Resource::${failoverExecutionArnPattern(plan)}]`,
      'states:DescribeExecution / GetExecutionHistory (read): execution names are generated at each start, so the ARN can only name the failover state machine.',
    );
    acknowledge(
      this.fn.role,
      `AwsSolutions-IAM5[Resource::${drillExecutionArnPattern(plan)}]`,
      'states:DescribeExecution / GetExecutionHistory (read): execution names are generated at each start, so the ARN can only name the drill state machine.',
    );
    for (const pattern of childExecutionArnPatterns(plan)) {
      acknowledge(
        this.fn.role,
        `AwsSolutions-IAM5[Resource::${pattern}]`,
        'states:DescribeExecution / GetExecutionHistory (read) of the child executions a run started (one per database, per service): their names are generated at each start.',
      );
    }
    acknowledge(
      this.fn.role,
      `AwsSolutions-IAM5[Resource::<${evidenceBucketLogicalId(evidence)}.Arn>/${EVIDENCE_PREFIX}*]`,
      'Report keys are runs/<state machine>/<yyyy>/<mm>/<execution>.{json,html}, named after executions that exist only once a run starts: the grant is the runs/ prefix of the evidence bucket only.',
    );

    this.rule = new Rule(this, 'Rule', {
      ruleName: evidenceRuleName(plan),
      description: `Writes the report of every ended ${plan.name} failover or drill run to ${evidence.bucket.bucketName}`,
      eventPattern: executionEndedPattern(
        [failoverStateMachineArn(plan), drillStateMachineArn(plan)],
        FINAL_STATUSES,
      ),
    });
    this.rule.addTarget(
      new LambdaFunction(this.fn.function, {
        deadLetterQueue: props.deadLetterQueue,
        ...STATUS_CHANGE_DELIVERY,
      }),
    );
  }
}

/** The executions of the failover's and the drill's child state machines. */
function childExecutionArnPatterns(plan: Plan): string[] {
  const dr = plan.regions.dr;
  const account = failoverExecutionArnPattern(plan).split(':')[4];
  const children = [
    ...FAILOVER_CHILDREN.map((child) => childStateMachineName(failoverStateMachineName(plan), child)),
    ...DRILL_CHILDREN.map((child) => childStateMachineName(drillStateMachineName(plan), child)),
  ];
  return children.map((name) => `arn:aws:states:${dr}:${account}:execution:${name}:*`);
}

function evidenceStatements(plan: Plan, evidence: EvidenceBucket): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'ReadRunsOfBothMachines',
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: [
        failoverExecutionArnPattern(plan),
        drillExecutionArnPattern(plan),
        // The report reads each run's children too (report/fetch-execution.ts).
        ...childExecutionArnPatterns(plan),
      ],
    }),
    new PolicyStatement({
      // HeadObject is authorized as s3:GetObject (S3 API Reference, HeadObject "Permissions").
      sid: 'WriteReportsOnly',
      actions: ['s3:PutObject', 's3:GetObject'],
      resources: [evidence.bucket.arnForObjects(`${EVIDENCE_PREFIX}*`)],
    }),
    new PolicyStatement({
      // SSE-KMS PutObject asks KMS for a data key with the caller's permissions (S3 User Guide,
      // "Using server-side encryption with AWS KMS keys": kms:GenerateDataKey); single-part uploads
      // need no kms:Decrypt.
      sid: 'EncryptWithEvidenceKey',
      actions: ['kms:GenerateDataKey'],
      resources: [evidence.key.keyArn],
    }),
  ];
}

function evidenceBucketLogicalId(evidence: EvidenceBucket): string {
  return evidence.bucket.stack.getLogicalId(evidence.bucket.node.defaultChild as CfnBucket);
}
