import { z } from 'zod';
import { executionArnSchema, parseTaskInput, stateMachineArnSchema } from '../shared/contracts.ts';

/**
 * The EventBridge event Step Functions sends when an execution's status changes ("Step Functions
 * Execution Status Change", source aws.states). Only the fields the evidence needs are read; the
 * rest of the event (input, output, error) is read from the execution itself, since the event's
 * copies can be truncated. Times arrive as epoch milliseconds.
 */
const epochOrIso = z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]);

export const FINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export const statusChangeEventSchema = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: executionArnSchema,
    stateMachineArn: stateMachineArnSchema,
    name: z.string().min(1).max(80),
    status: z.string().min(1),
    startDate: epochOrIso.nullable().optional(),
    stopDate: epochOrIso.nullable().optional(),
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
