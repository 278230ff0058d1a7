/**
 * Every AWS call drctl's functions make says whether the recovery needs it: `required` calls go
 * to the DR region (the failover cannot succeed without them); `best-effort` calls go to the
 * primary region with short timeouts, and their failure reads "unknown". The kind travels in the
 * user agent (`drctl-call/<kind>`), so that the local world can count the recovery path's
 * dependencies from the wire, the way an auditor would from CloudTrail's userAgent field.
 */
export type CallKind = 'required' | 'best-effort';

export const CALL_KIND_USER_AGENT_KEY = 'drctl-call';

export function callKindUserAgent(kind: CallKind): string {
  return `${CALL_KIND_USER_AGENT_KEY}/${kind}`;
}

/** The kind a request's user-agent header names, or undefined for a caller that is not drctl. */
export function callKindOf(userAgent: string | undefined): CallKind | undefined {
  const match = /(?:^|\s)drctl-call\/(required|best-effort)(?:\s|$)/.exec(userAgent ?? '');
  return match ? (match[1] as CallKind) : undefined;
}
