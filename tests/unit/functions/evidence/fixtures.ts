import type { HistoryEvent } from '@aws-sdk/client-sfn';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { AwsStub } from 'aws-sdk-client-mock';
import { loadPlanFile } from '../../../../plan/load.ts';
import { evidenceBucketName } from '../../../../plan/names.ts';
import { succeededFailover } from '../../report/support/shop-executions.ts';

export const referencePlanPath = new URL('../../../../drctl.plan.yaml', import.meta.url).pathname;
export const plan = loadPlanFile(referencePlanPath);
export const ACCOUNT = '123456789012';
export const BUCKET = evidenceBucketName(plan, ACCOUNT);
export const KMS_KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/0f6c8f5e-1d2b-4c3a-9e8f-7a6b5c4d3e2f`;
export const config = { bucket: BUCKET, kmsKeyId: KMS_KEY };

/** The EventBridge event Step Functions sends when the execution ends (times in epoch ms). */
export function statusEvent(overrides: { status?: string; stateMachineArn?: string } = {}) {
  const run = succeededFailover();
  return {
    version: '0',
    id: 'c1b2e3f4-0000-4000-8000-000000000001',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: ACCOUNT,
    time: '2026-11-20T10:09:00Z',
    region: 'us-west-2',
    resources: [run.describe.executionArn],
    detail: {
      executionArn: run.describe.executionArn,
      stateMachineArn:
        overrides.stateMachineArn ?? `arn:aws:states:us-west-2:${ACCOUNT}:stateMachine:shop-failover`,
      name: run.describe.name,
      status: overrides.status ?? 'SUCCEEDED',
      startDate: run.describe.startDate?.getTime(),
      stopDate: run.describe.stopDate?.getTime(),
      input: run.describe.input,
      output: null,
      error: null,
      cause: null,
    },
  };
}

/** DescribeExecution and a two-page history of the reference failover. */
export function serveExecution(
  sfn: AwsStub<ServiceInputTypes, ServiceOutputTypes, SFNClient['config']>,
): void {
  const run = succeededFailover();
  const half = Math.ceil(run.events.length / 2);
  const pages: HistoryEvent[][] = [run.events.slice(0, half), run.events.slice(half)];
  sfn.on(DescribeExecutionCommand).resolves(run.describe);
  sfn
    .on(GetExecutionHistoryCommand)
    .callsFake((input: { nextToken?: string }) =>
      input.nextToken === 'page-2' ? { events: pages[1] } : { events: pages[0], nextToken: 'page-2' },
    );
}
