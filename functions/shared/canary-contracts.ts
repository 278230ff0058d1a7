import * as z from './validator.ts';

/**
 * The canary's `read` op, as the drill's data-loss step invokes it (Lambda Invoke): the writer
 * (`<plan>-canary`, primary region) answers for the plan's primaries, the reader
 * (`<plan>-canary-reader`, DR region) for the drill copies only. One heartbeat per target: the
 * last one, or the last written at or before `before`.
 */
export const canaryReadInputSchema = z.strictObject({
  op: z.literal('read'),
  targets: z
    .array(
      z.strictObject({
        databaseId: z.string().check(z.minLength(1), z.maxLength(100)),
        instanceIdentifier: z.string().check(z.minLength(1), z.maxLength(63)),
        before: z.optional(z.iso.datetime({ offset: true })),
      }),
    )
    .check(z.minLength(1), z.maxLength(100)),
});
export type CanaryReadInput = z.output<typeof canaryReadInputSchema>;

export interface CanaryHeartbeat {
  databaseId: string;
  instanceIdentifier: string;
  seq: number | null;
  writtenAt: string | null;
  /** Only when it could not read (no connection, no table, refused). */
  error?: string;
}

export interface CanaryReadOutput {
  heartbeats: CanaryHeartbeat[];
}

export const canaryHeartbeatSchema = z.object({
  databaseId: z.string(),
  instanceIdentifier: z.string(),
  seq: z.nullable(z.number()),
  writtenAt: z.nullable(z.string()),
  error: z.optional(z.string()),
});

export const canaryReadOutputSchema = z.object({ heartbeats: z.array(canaryHeartbeatSchema) });

/** One write loop's result per plan primary. */
export interface CanaryBeat {
  databaseId: string;
  instanceIdentifier: string;
  seq: number | null;
  error?: string;
}
