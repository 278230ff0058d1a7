import type { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeParametersCommand,
  GetParameterCommand,
  type ParameterMetadata,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { type DrError, InvalidInputError, toDrError } from '../../plan/errors.ts';
import { fieldPath } from '../../plan/issues.ts';
import { decisionParameterName, EXECUTION_NAME_ALLOWED } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DecisionOutput, decisionInputSchema } from '../shared/contracts.ts';
import { decisionDocumentSchema, type RecordedDecision } from '../shared/decision.ts';
import type * as z from '../shared/validator.ts';

export type DecisionInput = z.output<typeof decisionInputSchema>;

export interface ApprovalPorts {
  plan: Plan;
  /** Parameter Store in the DR region. */
  ssm: SSMClient;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * One look at the run's decision parameter: pending while there is none (or it is not a valid
 * decision, which is reported so the notice can say what to fix), approved or denied otherwise,
 * with who wrote it and when as Parameter Store recorded them. Read only; the state machine
 * waits between looks and bounds them by the plan's approval timeout.
 */
export async function checkDecision(ports: ApprovalPorts, input: DecisionInput): Promise<DecisionOutput> {
  const name = decisionParameterName(ports.plan, input.correlationId);
  const base = { parameter: name, checkedAt: ports.now().toISOString(), attempt: input.attempt + 1 };
  const value = await readParameter(ports.ssm, name);
  if (value === null) return { ...base, status: 'pending', decision: null, problem: null };
  const parsed = parseDocument(value);
  if ('problem' in parsed) {
    ports.logger?.warn('decision parameter is not a valid decision', { name, problem: parsed.problem });
    return { ...base, status: 'pending', decision: null, problem: `${name}: ${parsed.problem}` };
  }
  const metadata = await readMetadata(ports.ssm, name);
  const document = parsed.document;
  const decision: RecordedDecision = {
    decision: document.decision,
    reason: document.reason,
    author: metadata?.LastModifiedUser ?? null,
    decidedBy: document.decidedBy ?? null,
    decidedAt: metadata?.LastModifiedDate?.toISOString() ?? null,
    acceptDataLossSeconds: document.acceptDataLossSeconds ?? null,
    acceptUnknownDataLoss: document.acceptUnknownDataLoss !== undefined,
  };
  ports.logger?.info('decision found', { name, decision: decision.decision, author: decision.author });
  return {
    ...base,
    status: document.decision === 'approve' ? 'approved' : 'denied',
    decision,
    problem: null,
  };
}

async function readParameter(ssm: SSMClient, name: string): Promise<string | null> {
  try {
    const output = await ssm.send(new GetParameterCommand({ Name: name }));
    return output.Parameter?.Value ?? null;
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') return null;
    throw ssmError(error, `GetParameter ${name}`);
  }
}

async function readMetadata(ssm: SSMClient, name: string): Promise<ParameterMetadata | undefined> {
  try {
    const output = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }],
      }),
    );
    return output.Parameters?.find((p) => p.Name === name);
  } catch (error) {
    throw ssmError(error, `DescribeParameters ${name}`);
  }
}

/**
 * SSM refuses a parameter name it cannot hold with ValidationException. The only part of the
 * name that comes from outside is the execution name, which preflight now checks; an older or
 * hand-built run that slips through gets the named refusal, not a bare DrError.
 */
function ssmError(error: unknown, what: string): DrError {
  if ((error as { name?: string }).name !== 'ValidationException') return toDrError(error, what);
  const reason = (error as { message?: string }).message ?? '';
  return new InvalidInputError(
    `${what}: ValidationException: ${reason.slice(0, 300)}; the execution name (correlationId) must be ${EXECUTION_NAME_ALLOWED}: start the execution with a name of letters, digits, - _ .`,
    'correlationId',
  );
}

function parseDocument(
  value: string,
): { document: z.output<typeof decisionDocumentSchema> } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { problem: 'not JSON: write {"decision":"approve"|"deny","reason":"..."}' };
  }
  const result = decisionDocumentSchema.safeParse(json);
  if (result.success) return { document: result.data };
  const issue = result.error.issues[0];
  return { problem: `${issue ? fieldPath(issue.path) : '(root)'}: ${issue?.message ?? 'invalid'}` };
}
