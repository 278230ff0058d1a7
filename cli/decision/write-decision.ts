import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { DecisionDocument } from '../../functions/shared/decision.ts';
import { InvalidInputError, toDrError } from '../../plan/errors.ts';
import { decisionParameterName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * Writes the decision once: Overwrite false, so a second person's decision never replaces the
 * first (ParameterAlreadyExists tells who decided). Parameter Store records who wrote it.
 */
export async function writeDecision(
  ssm: SSMClient,
  plan: Plan,
  executionName: string,
  document: DecisionDocument,
): Promise<string> {
  const name = decisionParameterName(plan, executionName);
  try {
    await ssm.send(
      new PutParameterCommand({
        Name: name,
        Type: 'String',
        Value: JSON.stringify(document),
        Overwrite: false,
        Description: `drctl decision on execution ${executionName} of plan ${plan.name}`,
      }),
    );
    return name;
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterAlreadyExists') {
      throw new InvalidInputError(
        `execution ${executionName} is already decided: ${await describeExisting(ssm, name)}`,
        'execution',
      );
    }
    throw toDrError(error, `PutParameter ${name}`);
  }
}

async function describeExisting(ssm: SSMClient, name: string): Promise<string> {
  try {
    const output = await ssm.send(new GetParameterCommand({ Name: name }));
    return `${name} holds ${output.Parameter?.Value ?? 'an unreadable value'}`;
  } catch {
    return `${name} exists`;
  }
}
