import { executionArnSchema, parseTaskInput, stateMachineArnSchema } from '../shared/contracts.ts';
import * as z from '../shared/validator.ts';

/**
 * The EventBridge event Step Functions sends when an execution's status changes ("Step Functions
 * Execution Status Change", source aws.states). Only the fields the evidence needs are read; the
 * rest of the event (input, output, error) is read from the execution itself, since the event's
 * copies can be truncated. Times arrive as epoch milliseconds.
 */
const epochOrIso = z.union([z.number().check(z.int(), z.nonnegative()), z.iso.datetime({ offset: true })]);

export const FINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export const statusChangeEventSchema = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: executionArnSchema,
    stateMachineArn: stateMachineArnSchema,
    name: z.string().check(z.minLength(1), z.maxLength(80)),
    status: z.string().check(z.minLength(1)),
    startDate: z.optional(z.nullable(epochOrIso)),
    stopDate: z.optional(z.nullable(epochOrIso)),
  }),
});
export type StatusChangeEvent = z.output<typeof statusChangeEventSchema>;

export function parseStatusChange(event: unknown): StatusChangeEvent {
  return parseTaskInput(statusChangeEventSchema, event, 'evidence event');
}

export function isFinalStatus(status: string): status is (typeof FINAL_STATUSES)[number] {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

/** `...:stateMachine:<name>` → name. */
export function stateMachineNameOf(stateMachineArn: string): string {
  return stateMachineArn.split(':').at(-1) ?? stateMachineArn;
}

/**
 * The execution's own state machine, from its ARN (arn:PARTITION:states:REGION:ACCOUNT:execution:
 * MACHINE:NAME), against the event's stateMachineArn (arn:PARTITION:states:REGION:ACCOUNT:
 * stateMachine:MACHINE): the evidence is filed under the machine's name, so an event that pairs a
 * plan machine with another machine's execution would file that run as this machine's.
 */
export function executionMachineMismatch(executionArn: string, stateMachineArn: string): string | null {
  const [ePartition, , eRegion, eAccount, , eMachine] = executionArn.split(':').slice(1);
  const [mPartition, , mRegion, mAccount, , mMachine] = stateMachineArn.split(':').slice(1);
  const differences = [
    ePartition === mPartition ? null : `partition ${ePartition} (not ${mPartition})`,
    eRegion === mRegion ? null : `region ${eRegion} (not ${mRegion})`,
    eAccount === mAccount ? null : `account ${eAccount} (not ${mAccount})`,
    eMachine === mMachine ? null : `state machine ${eMachine} (not ${mMachine})`,
  ].filter((difference) => difference !== null);
  return differences.length === 0 ? null : differences.join(', ');
}
