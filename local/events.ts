/**
 * The world's event log: facts in simulated time (outage injected, health check failing, alarm
 * state changes, executions and their steps, promotion complete, tasks healthy, DNS in sync,
 * traffic served by a region). Detection time, RTO and RPO are measured from it.
 */
export type WorldEventType =
  | 'world.started'
  | 'fault.injected'
  | 'fault.cleared'
  | 'region.outage'
  | 'region.recovered'
  | 'route53.control-plane-outage'
  | 'route53.control-plane-recovered'
  | 'application.outage'
  | 'application.recovered'
  | 'writes.lost'
  | 'healthcheck.unhealthy'
  | 'healthcheck.healthy'
  | 'dns.answer-changed'
  | 'dns.drill-answer-changed'
  | 'alarm.state'
  | 'failover.triggered'
  | 'failover.suppressed'
  | 'failover.approval-requested'
  | 'eventbridge.delivered'
  | 'eventbridge.undelivered'
  | 'schedule.invoked'
  | 'canary.beat'
  | 'lambda.async-failed'
  | 'execution.started'
  | 'execution.ended'
  | 'child-execution.started'
  | 'child-execution.ended'
  | 'state.entered'
  | 'state.exited'
  | 'state.failed'
  | 'state.retried'
  | 'state.caught'
  | 'rds.promotion-started'
  | 'rds.status'
  | 'rds.promotion-completed'
  | 'rds.replication-ended'
  | 'rds.instance-created'
  | 'rds.instance-deleted'
  | 'rds.tags-changed'
  | 'ecs.desired-count'
  | 'ecs.task-started'
  | 'ecs.task-stopped'
  | 'ecs.task-healthy'
  | 'ecs.service-steady'
  | 'ecs.rollout-failed'
  | 'route53.change-submitted'
  | 'route53.change-rejected'
  | 'route53.change-insync'
  | 'traffic.served'
  | 'ssm.parameter-put'
  | 'rds.parameters-modified'
  | 'writes.diverged'
  | 'single-writer.violated'
  | 'sns.published';

export interface WorldEvent {
  /** Position in the log. */
  seq: number;
  type: WorldEventType;
  /** Simulated instant, ms since the epoch. */
  at: number;
  /** Simulated seconds since the world started. */
  elapsedSeconds: number;
  /** ISO-8601 form of `at`. */
  time: string;
  region?: string;
  /** A one-line description for people. */
  message: string;
  detail: Record<string, unknown>;
}

export interface EventLog {
  record(
    type: WorldEventType,
    at: number,
    message: string,
    detail?: Record<string, unknown>,
    region?: string,
  ): WorldEvent;
  list(filter?: { type?: WorldEventType | WorldEventType[]; since?: number }): WorldEvent[];
  /** Calls `listener` for every new event; returns the unsubscribe function. */
  subscribe(listener: (event: WorldEvent) => void): () => void;
}

export function createEventLog(startedAt: number, onListenerError: (error: unknown) => void): EventLog {
  const events: WorldEvent[] = [];
  const listeners = new Set<(event: WorldEvent) => void>();
  return {
    record(type, at, message, detail = {}, region) {
      const event: WorldEvent = {
        seq: events.length,
        type,
        at,
        elapsedSeconds: (at - startedAt) / 1000,
        time: new globalThis.Date(at).toISOString(),
        message,
        detail,
        ...(region === undefined ? {} : { region }),
      };
      events.push(event);
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
      return event;
    },
    list(filter = {}) {
      const types = filter.type === undefined ? undefined : new Set([filter.type].flat());
      return events.filter(
        (event) =>
          (types === undefined || types.has(event.type)) &&
          (filter.since === undefined || event.at >= filter.since),
      );
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
