import { InvalidInputError } from '../../plan/errors.ts';
import { type CanaryReadOutput, canaryReadInputSchema } from '../shared/canary-contracts.ts';
import { parseTaskInput } from '../shared/contracts.ts';
import * as z from '../shared/validator.ts';
import { type CanaryRole, readHeartbeats } from './read.ts';
import type { CanaryDeps } from './sessions.ts';
import { type WriteLoopResult, writeForAMinute } from './write-loop.ts';

/** A `read` payload, or anything else: the schedule's event (EventBridge or Scheduler) runs the write loop. */
const routeSchema = z.looseObject({ op: z.optional(z.string()) });

export type CanaryResult = CanaryReadOutput | WriteLoopResult | { skipped: string };

export async function runCanary(
  deps: CanaryDeps,
  role: CanaryRole,
  event: unknown,
  remainingMs: () => number,
): Promise<CanaryResult> {
  const { op } = parseTaskInput(routeSchema, event, 'canary');
  if (op === 'read')
    return readHeartbeats(deps, role, parseTaskInput(canaryReadInputSchema, event, 'canary read'));
  if (op !== undefined) {
    throw new InvalidInputError(
      `canary: op: "${op}" is not an op of the canary; allowed: read (or a scheduled event)`,
      'op',
    );
  }
  if (role === 'reader') {
    throw new InvalidInputError(
      'canary: the reader only reads (op "read"); the schedule invokes the writer',
      'op',
    );
  }
  if (!deps.plan.drills.canary.enabled)
    return { skipped: 'the write canary is off (drills.canary.enabled: false)' };
  return writeForAMinute(deps, { intervalSeconds: deps.plan.drills.canary.intervalSeconds, remainingMs });
}
