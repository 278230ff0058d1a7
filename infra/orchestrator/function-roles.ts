import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Plan } from '../../plan/schema.ts';
import {
  decisionParameterArnPattern,
  drServicesByCluster,
  ecsTaskArnPattern,
  failoverExecutionArnPattern,
  primaryParameterGroupArnPattern,
} from '../config/plan-arns.ts';
import type { DrFunction, OrchestratorFunctionName } from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import {
  approvalStatements,
  fencePrimaryStatements,
  healthMonitorStatements,
  primaryProbeStatements,
  promoteReplicaStatements,
  scaleServiceStatements,
  updateDnsStatements,
} from './function-policies.ts';

/** Why a function that cannot undo what it does reads the failover runs' histories. */
const RUN_HISTORY_READ =
  "states:GetExecutionHistory (read): execution names are generated at each start, so the ARN can only name the failover state machine's runs; the function checks that its run is past the point of no return before it acts (functions/shared/run-guard.ts).";

const PUT_METRIC_DATA_ON_STAR =
  'cloudwatch:PutMetricData has no resource type (AWS requires "*"); the cloudwatch:namespace condition limits it to the drctl namespace.';

/**
 * Gives each function's role exactly what its code calls, on the plan's resources, and records
 * why the few remaining wildcards are unavoidable.
 */
export function grantLeastPrivilege(
  functions: Record<OrchestratorFunctionName, DrFunction>,
  plan: Plan,
  topic: ITopic,
): void {
  const statements = {
    'health-monitor': healthMonitorStatements(plan),
    'promote-replica': promoteReplicaStatements(plan),
    'scale-service': scaleServiceStatements(plan),
    'update-dns': updateDnsStatements(plan),
    'primary-probe': primaryProbeStatements(),
    approval: approvalStatements(plan),
    'fence-primary': fencePrimaryStatements(plan),
  };
  for (const [name, list] of Object.entries(statements)) {
    const role = functions[name as OrchestratorFunctionName].role;
    for (const statement of list) role.addToPrincipalPolicy(statement);
  }
  topic.grantPublish(functions.notify.role);

  acknowledge(
    functions['health-monitor'],
    'AwsSolutions-IAM5[Resource::*]',
    `cloudwatch:GetMetricStatistics (read) has no resource type; ${PUT_METRIC_DATA_ON_STAR}`,
  );
  acknowledge(
    functions['health-monitor'],
    `AwsSolutions-IAM5[Resource::${failoverExecutionArnPattern(plan)}]`,
    'states:DescribeExecution (read): execution names are generated at each start, so the ARN can only name the failover state machine; preflight reads them to allow one failover at a time.',
  );
  acknowledge(functions['primary-probe'], 'AwsSolutions-IAM5[Resource::*]', PUT_METRIC_DATA_ON_STAR);
  acknowledge(
    functions.approval,
    'AwsSolutions-IAM5[Resource::*]',
    'ssm:DescribeParameters (read: who wrote a decision and when) has no resource type; AWS requires "*".',
  );
  acknowledge(
    functions.approval,
    `AwsSolutions-IAM5[Resource::${decisionParameterArnPattern(plan)}]`,
    'ssm:GetParameter (read) on the decision parameters of this plan: one per run, named after the execution, which exists only once the run starts.',
  );
  acknowledge(
    functions['fence-primary'],
    `AwsSolutions-IAM5[Resource::${primaryParameterGroupArnPattern(plan)}]`,
    "rds:ModifyDBParameterGroup / DescribeDBParameters: the primary databases' parameter groups get generated names in another stack; the rds:pg-tag/drctl:plan condition limits the grant to this plan's groups.",
  );
  for (const name of ['fence-primary', 'promote-replica', 'update-dns'] as const) {
    acknowledge(
      functions[name],
      `AwsSolutions-IAM5[Resource::${failoverExecutionArnPattern(plan)}]`,
      RUN_HISTORY_READ,
    );
  }
  acknowledge(
    functions['scale-service'],
    'AwsSolutions-IAM5[Resource::*]',
    'ecs:ListTasks is authorized on container instances, which Fargate services do not have, so AWS needs "*"; the ecs:cluster condition limits it to the plan\'s DR cluster. Read-only.',
  );
  for (const cluster of drServicesByCluster(plan).keys()) {
    acknowledge(
      functions['scale-service'],
      `AwsSolutions-IAM5[Resource::${ecsTaskArnPattern(plan, plan.regions.dr, cluster)}]`,
      `ecs:DescribeTasks: task ids are generated at launch, so the ARN can only name the plan's DR cluster ${cluster} (also enforced by the ecs:cluster condition). Read-only.`,
    );
  }
  if (plan.dns.strategy === 'gate') {
    acknowledge(functions['update-dns'], 'AwsSolutions-IAM5[Resource::*]', PUT_METRIC_DATA_ON_STAR);
  } else {
    acknowledge(
      functions['update-dns'],
      'AwsSolutions-IAM5[Resource::arn:aws:route53:::change/*]',
      'route53:GetChange: change ids are generated per ChangeResourceRecordSets request and cannot be known in advance. Read-only.',
    );
  }
  acknowledge(
    functions.notify,
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    'Publishing to an SSE-KMS topic needs kms:GenerateDataKey* (the KMS action family grantPublish uses); the resource is the topic key only.',
  );
}
