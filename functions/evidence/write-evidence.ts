import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInputError } from '../../plan/errors.ts';
import { drillStateMachineName, evidenceKey, failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { fetchExecution } from '../../report/fetch-execution.ts';
import { reportFromExecution } from '../../report/from-execution.ts';
import { renderReportHtml } from '../../report/html.ts';
import type { EvidenceConfig } from './config.ts';
import { putEvidence } from './put-evidence.ts';
import {
  executionMachineMismatch,
  isFinalStatus,
  parseStatusChange,
  stateMachineNameOf,
} from './status-change.ts';

/**
 * The evidence of one run: when an execution of the plan's failover or drill state machine ends,
 * its run report is built from DescribeExecution and its whole history (the code behind
 * `drctl report --execution`), rendered as the HTML page, and both are written to the evidence
 * bucket under runs/<state machine>/<yyyy>/<mm>/<execution>.{json,html}. The page goes first:
 * once the JSON (what `drctl report --history` reads) is there, so is its page.
 */
export interface EvidencePorts {
  plan: Plan;
  sfn: SFNClient;
  s3: S3Client;
  config: EvidenceConfig;
  logger?: Pick<Logger, 'info'>;
}

export type EvidenceOutput =
  | {
      executionArn: string;
      status: string;
      outcome: string;
      bucket: string;
      json: { key: string; result: 'written' | 'unchanged' };
      html: { key: string; result: 'written' | 'unchanged' };
    }
  | { executionArn: string; status: string; skipped: string };

export async function writeEvidence(ports: EvidencePorts, event: unknown): Promise<EvidenceOutput> {
  const { plan, config } = ports;
  const change = parseStatusChange(event);
  const { executionArn, stateMachineArn } = change.detail;
  const machine = stateMachineNameOf(stateMachineArn);
  const known = [failoverStateMachineName(plan), drillStateMachineName(plan)];
  if (!known.includes(machine)) {
    throw new InvalidInputError(
      `evidence event: detail.stateMachineArn: ${stateMachineArn} is not one of plan ${plan.name}'s state machines (${known.join(', ')}); nothing was written`,
      'detail.stateMachineArn',
    );
  }
  const mismatch = executionMachineMismatch(executionArn, stateMachineArn);
  if (mismatch !== null) {
    throw new InvalidInputError(
      `evidence event: detail.executionArn: ${executionArn} is an execution of ${mismatch}, not of detail.stateMachineArn ${stateMachineArn}; send the event Step Functions sent for this execution. Nothing was written`,
      'detail.executionArn',
    );
  }
  if (!isFinalStatus(change.detail.status)) {
    return { executionArn, status: change.detail.status, skipped: 'the execution has not ended' };
  }
  const record = await fetchExecution(ports.sfn, executionArn);
  const status = record.execution.status ?? change.detail.status;
  // A redrive started after this event: the redriven run's own end brings its evidence.
  if (!isFinalStatus(status)) {
    return { executionArn, status, skipped: `the execution is ${status} again (redriven)` };
  }
  const stoppedAt = record.execution.stopDate ?? new Date(Date.now());
  const report = reportFromExecution(record, plan, { region: plan.regions.dr, generatedAt: stoppedAt });
  const startedAt = record.execution.startDate ?? new Date(report.execution.startedAt);
  const name = record.execution.name ?? change.detail.name;
  const jsonKey = evidenceKey(machine, name, startedAt, 'json');
  const htmlKey = evidenceKey(machine, name, startedAt, 'html');
  const metadata = {
    'drctl-plan': plan.name,
    'drctl-execution-arn': executionArn,
    'drctl-status': status,
    'drctl-outcome': report.outcome,
  };
  const html = await putEvidence(
    ports.s3,
    config,
    { key: htmlKey, body: renderReportHtml(report), contentType: 'text/html; charset=utf-8' },
    metadata,
  );
  const json = await putEvidence(
    ports.s3,
    config,
    {
      key: jsonKey,
      body: `${JSON.stringify(report, null, 2)}\n`,
      contentType: 'application/json; charset=utf-8',
    },
    metadata,
  );
  ports.logger?.info('evidence written', {
    executionArn,
    status,
    bucket: config.bucket,
    jsonKey,
    json,
    html,
  });
  return {
    executionArn,
    status,
    outcome: report.outcome,
    bucket: config.bucket,
    json: { key: jsonKey, result: json },
    html: { key: htmlKey, result: html },
  };
}
