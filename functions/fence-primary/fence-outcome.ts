import { AccessDeniedError, DrError, ThrottledError, TransientError, toDrError } from '../../plan/errors.ts';
import type { FencedResource } from '../shared/contracts.ts';

/**
 * A failed fencing call, as an outcome: the region not answering (or throttling) leaves the
 * resource pending, to be fenced on a later attempt; anything else (access denied, a resource
 * in a shape that cannot be fenced) is a failure an operator must fix.
 */
export function outcomeOfError(
  error: unknown,
  resource: Omit<FencedResource, 'outcome' | 'detail'>,
  what: string,
): FencedResource {
  const mapped = error instanceof DrError ? error : toDrError(error, what);
  const pending = mapped instanceof TransientError || mapped instanceof ThrottledError;
  const fix = mapped instanceof AccessDeniedError ? ': the fence-primary role lacks the permission' : '';
  return {
    ...resource,
    outcome: pending ? 'pending' : 'failed',
    detail: pending ? `region does not answer yet (${mapped.message})` : `${mapped.message}${fix}`,
  };
}
