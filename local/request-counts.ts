import type { CallKind } from '../functions/shared/call-kind.ts';

/**
 * Every request the world answers, counted by service, region, operation, call kind and outcome,
 * the way an auditor would count them from CloudTrail (region, eventSource, eventName, userAgent,
 * errorCode). drctl's own calls say in their user agent whether the recovery needs them
 * (functions/shared/call-kind.ts); a request without that marker comes from outside (the AWS
 * CLI, a test) and is no dependency of the recovery.
 * Memory stays bounded: totals are one counter per distinct key (a few hundred at most), and the
 * time-stamped log that answers `dependencies({ from, to })` keeps the last LOG_CAPACITY drctl
 * calls (a simulated day of monitoring and several failovers fit).
 */
export type CountedKind = CallKind | 'outside';

export interface CountedRequest {
  service: string;
  region: string;
  operation: string;
  kind: CountedKind;
  /** ok, refused (connection refused: an outage), or the error code answered. */
  outcome: string;
}

export interface RequestTotal extends CountedRequest {
  calls: number;
}

/** One dependency of drctl's calls in a window (the run report's `dependencies`). */
export interface Dependency {
  service: string;
  region: string;
  operation: string;
  calls: number;
  failed: number;
  /** The recovery cannot succeed without it (a DR-region call); false: best effort. */
  required: boolean;
}

export interface TimeWindow {
  /** Simulated ms (or a Date), inclusive; default: the beginning. */
  from?: number | Date;
  /** Simulated ms (or a Date), inclusive; default: now. */
  to?: number | Date;
}

export const LOG_CAPACITY = 100_000;

export class RequestCounts {
  private readonly keys = new Map<string, number>();
  private readonly requests: CountedRequest[] = [];
  private readonly totals: number[] = [];
  private readonly logAt = new Float64Array(LOG_CAPACITY);
  private readonly logKey = new Int32Array(LOG_CAPACITY);
  private logged = 0;

  count(request: CountedRequest, at: number): void {
    const text = `${request.service}|${request.region}|${request.operation}|${request.kind}|${request.outcome}`;
    let id = this.keys.get(text);
    if (id === undefined) {
      id = this.requests.length;
      this.keys.set(text, id);
      this.requests.push({ ...request });
      this.totals.push(0);
    }
    this.totals[id] = (this.totals[id] ?? 0) + 1;
    if (request.kind === 'outside') return;
    const slot = this.logged % LOG_CAPACITY;
    this.logAt[slot] = at;
    this.logKey[slot] = id;
    this.logged++;
  }

  /** Every request since the world started, outside callers included. */
  all(): RequestTotal[] {
    return this.requests.map((request, id) => ({ ...request, calls: this.totals[id] ?? 0 }));
  }

  /**
   * drctl's calls between `from` and `to`, by service, region, operation and kind. A window that
   * reaches before the oldest logged call counts only what the log still holds.
   */
  dependencies(window: TimeWindow = {}): Dependency[] {
    const from = toMs(window.from) ?? Number.NEGATIVE_INFINITY;
    const to = toMs(window.to) ?? Number.POSITIVE_INFINITY;
    const rows = new Map<string, Dependency>();
    const kept = Math.min(this.logged, LOG_CAPACITY);
    for (let n = this.logged - kept; n < this.logged; n++) {
      const slot = n % LOG_CAPACITY;
      const at = this.logAt[slot] as number;
      if (at < from || at > to) continue;
      const request = this.requests[this.logKey[slot] as number] as CountedRequest;
      const required = request.kind === 'required';
      const key = `${request.service}|${request.region}|${request.operation}|${required}`;
      const row = rows.get(key) ?? {
        service: request.service,
        region: request.region,
        operation: request.operation,
        calls: 0,
        failed: 0,
        required,
      };
      row.calls++;
      if (request.outcome !== 'ok') row.failed++;
      rows.set(key, row);
    }
    return [...rows.values()].sort(
      (a, b) =>
        a.service.localeCompare(b.service) ||
        a.region.localeCompare(b.region) ||
        a.operation.localeCompare(b.operation) ||
        Number(b.required) - Number(a.required),
    );
  }
}

function toMs(value: number | Date | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}
