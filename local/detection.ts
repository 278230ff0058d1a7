import { randomUUID } from 'node:crypto';
import { type DetectionPath, detectionAlarmName, detectionAlarms } from '../plan/names.ts';
import type { Alarm, CloudWatchModel } from './cloudwatch/model.ts';
import type { WorldContext } from './context.ts';
import type { Execution, StepFunctionsModel } from './stepfunctions/executions.ts';

/**
 * The unattended path, as the CDK app wires it in AWS and as EventBridge delivers. CloudWatch
 * sends every alarm state change to the default event bus of the alarm's region (CloudWatch UG,
 * "Alarm events and EventBridge"); a rule there matches the ALARM state of a detection alarm:
 * - the DR-path alarm lives in the DR region: the DR rule starts the state machine;
 * - the fast-path alarm lives in us-east-1: a rule there forwards the event to the DR region's
 *   default bus, whose rule starts the state machine (one more hop, and us-east-1's EventBridge
 *   must be up to forward it).
 * The target starts an unnamed execution (Step Functions picks a random name) with the input
 * the CDK rule builds, `{ mode: "failover", reason, incidentId: <event id>, requestedBy:
 * "alarm:<alarm name>" }`. EventBridge delivers at least once and never deduplicates: every
 * delivered event starts an execution. One failover at a time and the cooldown are drctl's own
 * guards (preflight), not the world's. A region whose EventBridge is down takes nothing while it
 * is down; the sender retries, so the event may arrive late (which is why an alarm-started run
 * confirms the primary is still down).
 * With `failover.trigger: approval` the rule starts the run all the same: the run itself stops
 * before the point of no return and waits for a person's decision.
 */
export interface AlarmEvent {
  /** EventBridge event id. */
  id: string;
  alarmName: string;
  /** The alarm's region (default: where the plan's detection alarm of that name lives). */
  alarmRegion?: string;
  state: string;
  previousState: string;
  reason: string;
  /** Simulated ms of the alarm's state change. */
  changedAt: number;
}

export interface DetectionAlarm {
  name: string;
  region: string;
  path: DetectionPath;
}

export interface Detection {
  /** The fast path's alarm (Route 53 health check of the primary, in us-east-1). */
  alarmName: string;
  /** Every alarm whose ALARM state starts a failover, with its region and path. */
  alarms: readonly DetectionAlarm[];
  /**
   * Delivers an alarm event to the DR rule's target now, as EventBridge would (tests deliver one
   * twice: delivery is at least once). Returns the execution it started, if any.
   */
  deliver(event: AlarmEvent): Execution | undefined;
  /** The last detection-alarm event seen. */
  lastAlarmEvent(): AlarmEvent | undefined;
  stop(): void;
}

/** How long a sender keeps retrying an event a bus does not take, and how often. */
const EVENT_RETRY_LIMIT_MS = 24 * 3_600_000;
const EVENT_RETRY_INTERVAL_MS = 60_000;

export function startDetection(
  context: WorldContext,
  deps: {
    cloudWatch: CloudWatchModel;
    stepFunctions: StepFunctionsModel;
    stateMachineArn: string;
    alarmTrigger: boolean;
    isEventBridgeUp: (region: string) => boolean;
    /** True when the next event is to be delivered twice (an injected fault). */
    nextEventDuplicated: () => boolean;
  },
): Detection {
  const { plan, events, scheduler, clock, timings } = context;
  const alarms = detectionAlarms(plan);
  const stops: (() => void)[] = [];
  let lastEvent: AlarmEvent | undefined;

  const deliver = (event: AlarmEvent): Execution | undefined => {
    const now = clock.now();
    if (event.state !== 'ALARM') return undefined;
    if (plan.failover.trigger === 'approval') {
      events.record(
        'failover.approval-requested',
        now,
        `alarm ${event.alarmName}: the failover run will wait for a person's decision`,
        { alarm: event.alarmName, eventId: event.id },
      );
    }
    const alarm = alarms.find((a) => a.name === event.alarmName);
    const input = {
      mode: 'failover',
      reason: reasonFor(event.alarmName, alarm?.path),
      incidentId: event.id,
      requestedBy: `alarm:${event.alarmName}`,
    };
    const { execution } = deps.stepFunctions.start(deps.stateMachineArn, undefined, JSON.stringify(input));
    events.record('failover.triggered', now, `alarm ${event.alarmName} starts failover ${execution.name}`, {
      executionArn: execution.arn,
      eventId: event.id,
      alarm: event.alarmName,
      path: alarm?.path ?? null,
    });
    return execution;
  };

  /**
   * Carries the event bus to bus, then to the target. A bus whose region is down takes nothing:
   * the sender retries (CloudWatch's delivery to EventBridge is durable; EventBridge retries a
   * target for up to 24 hours), so the event arrives late once the region is back, or never.
   * A forwarded event arrives on the next bus as a new event, with a new id.
   */
  const route = (event: AlarmEvent, hops: string[], at: number, firstTryAt = at) => {
    const [region, ...rest] = hops;
    if (region === undefined) {
      deliver(event);
      return;
    }
    stops.push(
      scheduler.at(at + timings.eventDeliverySeconds * 1000, (due) => {
        if (!deps.isEventBridgeUp(region)) {
          const expired = due - firstTryAt >= EVENT_RETRY_LIMIT_MS;
          events.record(
            'eventbridge.undelivered',
            due,
            `alarm ${event.alarmName}'s event is not delivered: EventBridge in ${region} is down${expired ? ' (24 h of retries: dropped)' : ' (retried)'}`,
            { alarm: event.alarmName, eventId: event.id, region, dropped: expired },
            region,
          );
          if (!expired)
            route(
              event,
              hops,
              due + EVENT_RETRY_INTERVAL_MS - timings.eventDeliverySeconds * 1000,
              firstTryAt,
            );
          return;
        }
        const late = due - firstTryAt > timings.eventDeliverySeconds * 1000;
        if (rest.length > 0 || late) {
          events.record(
            'eventbridge.delivered',
            due,
            `EventBridge ${region} ${rest.length > 0 ? `forwards alarm ${event.alarmName}'s event to ${rest.join(' → ')}` : `delivers alarm ${event.alarmName}'s event`}${late ? `, ${Math.round((due - firstTryAt) / 1000)} s late` : ''}`,
            { alarm: event.alarmName, eventId: event.id, region, to: rest[0] ?? null, late },
            region,
          );
        }
        route(rest.length > 0 ? { ...event, id: randomUUID() } : event, rest, due);
      }),
    );
  };

  if (deps.alarmTrigger) {
    deps.cloudWatch.onAlarmStateChange = (changed: Alarm, previous, at) => {
      const alarm = alarms.find((a) => a.name === changed.name && a.region === changed.region);
      if (!alarm || changed.state !== 'ALARM') return;
      const event: AlarmEvent = {
        id: randomUUID(),
        alarmName: changed.name,
        alarmRegion: changed.region,
        state: changed.state,
        previousState: previous,
        reason: changed.stateReason,
        changedAt: at,
      };
      lastEvent = event;
      // The alarm's own bus, then (for an alarm outside the DR region) the DR bus, then the target.
      const hops = alarm.region === plan.regions.dr ? [plan.regions.dr] : [alarm.region, plan.regions.dr];
      const copies = deps.nextEventDuplicated() ? 2 : 1;
      for (let copy = 0; copy < copies; copy++) route(event, hops, at);
    };
  }

  return {
    alarmName: detectionAlarmName(plan),
    alarms,
    deliver,
    lastAlarmEvent: () => lastEvent,
    stop: () => {
      for (const stop of stops.splice(0)) stop();
      deps.cloudWatch.onAlarmStateChange = () => {};
    },
  };
}

/** The fixed reason text of the CDK rule per path (an alarm's own reason may exceed 500 characters). */
function reasonFor(alarmName: string, path: DetectionPath | undefined): string {
  const why =
    path === 'dr-probe'
      ? 'the primary health URL is unreachable from the DR region'
      : 'the primary region endpoint fails its Route 53 health check';
  return `CloudWatch alarm ${alarmName} entered ALARM: ${why}`;
}
