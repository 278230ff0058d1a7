import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { toDrError } from '../../plan/errors.ts';
import {
  type CanaryHeartbeat,
  type CanaryReadInput,
  canaryReadOutputSchema,
} from '../shared/canary-contracts.ts';

/**
 * Asks a canary function for heartbeats. Every target gets an answer: when the invocation itself
 * fails (the function errs, its region does not answer), each target carries that error and null
 * figures, so that one unreadable side makes its figures unknown, never zero.
 */
export async function readHeartbeats(
  lambda: LambdaClient,
  functionName: string,
  region: string,
  targets: CanaryReadInput['targets'],
): Promise<CanaryHeartbeat[]> {
  const unread = (target: CanaryReadInput['targets'][number], error: string): CanaryHeartbeat => ({
    databaseId: target.databaseId,
    instanceIdentifier: target.instanceIdentifier,
    seq: null,
    writtenAt: null,
    error,
  });
  const failed = (error: string): CanaryHeartbeat[] => targets.map((target) => unread(target, error));
  let payload: string;
  try {
    const output = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify({ op: 'read', targets })),
      }),
    );
    payload = output.Payload ? new TextDecoder().decode(output.Payload) : '';
    if (output.FunctionError)
      return failed(`lambda:${region}:${functionName} failed: ${payload.slice(0, 300)}`);
  } catch (error) {
    return failed(toDrError(error, `Invoke lambda:${region}:${functionName}`).message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return failed(`lambda:${region}:${functionName} answered no JSON: ${payload.slice(0, 200)}`);
  }
  const result = canaryReadOutputSchema.safeParse(parsed);
  if (!result.success) return failed(`lambda:${region}:${functionName} answered an unexpected shape`);
  return targets.map((target) => {
    const beat = result.data.heartbeats.find(
      (candidate) =>
        candidate.databaseId === target.databaseId &&
        candidate.instanceIdentifier === target.instanceIdentifier,
    );
    if (beat === undefined) return unread(target, `lambda:${region}:${functionName} gave no answer for it`);
    return {
      databaseId: beat.databaseId,
      instanceIdentifier: beat.instanceIdentifier,
      seq: beat.seq,
      writtenAt: beat.writtenAt,
      ...(beat.error === undefined ? {} : { error: beat.error }),
    };
  });
}
