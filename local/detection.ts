import { randomUUID } from 'node:crypto';
import { detectionAlarmName } from '../plan/names.ts';
import type { Alarm, CloudWatchModel } from './cloudwatch/model.ts';
import type { WorldContext } from './context.ts';
import type { HealthCheck } from './route53/health-checks.ts';
import type { Execution, StepFunctionsModel } from './stepfunctions/executions.ts';
import type { Invoke } from './stepfunctions/lambda-functions.ts';

/**
 * The unattended path, as the CDK app wires it in AWS: an EventBridge schedule runs the health
 * monitor every `detection.scheduleMinutes`; a CloudWatch alarm on the primary endpoint's Route
 * 53 health check (HealthCheckStatus < 1) going to ALARM is delivered, like an EventBridge rule,
 * as StartExecution of the failover state machine. The execution name comes from the alarm's
 * state change, so a twice-delivered event starts one execution; while a failover runs, and for
 * `failover.cooldownMinutes` after one started, further alarms start nothing.
 */
export interface AlarmEvent {
  /** EventBridge event id. */
  id: string;
  alarmName: string;
  state: string;
  previousState: string;
  reason: string;
  /** Simulated ms of the alarm's state change. */
  changedAt: number;
}

export interface Detection {
  alarmName: string;
  /** Delivers an alarm state-change event as EventBridge would (tests deliver one twice). */
  deliver(event: AlarmEvent): Execution | undefined;
  /** The last alarm event seen. */
  lastAlarmEvent(): AlarmEvent | undefined;
  stop(): void;
}

export function startDetection(
  context: WorldContext,
  deps: {
    cloudWatch: CloudWatchModel;
    primaryCheck: HealthCheck;
    stepFunctions: StepFunctionsModel;
    stateMachineArn: string;
    healthMonitor: () => Invoke;
    schedule: boolean;
    alarmTrigger: boolean;
  },
): Detection {
  const { plan, events, scheduler, clock, timings, account } = context;
  const alarmName = detectionAlarmName(plan);
  const stops: (() => void)[] = [];
  let lastEvent: AlarmEvent | undefined;
  let lastFailoverAt: number | undefined;

  deps.cloudWatch.putAlarm({
    name: alarmName,
    region: 'us-east-1',
    description: `Route 53 health check of ${plan.application.primary.healthUrl} is failing: fail over to ${plan.regions.dr}`,
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensions: [{ Name: 'HealthCheckId', Value: deps.primaryCheck.id }],
    statistic: 'Minimum',
    period: plan.detection.alarm.periodSeconds,
    evaluationPeriods: plan.detection.alarm.evaluationPeriods,
    datapointsToAlarm: plan.detection.alarm.datapointsToAlarm,
    threshold: 1,
    comparison: 'LessThanThreshold',
    treatMissingData: 'missing',
    actionsEnabled: true,
    alarmActions: [`arn:aws:events:${plan.regions.dr}:${account}:rule/${plan.name}-failover-on-alarm`],
    okActions: [],
  });

  const deliver = (event: AlarmEvent): Execution | undefined => {
    const now = clock.now();
    if (event.state !== 'ALARM') return undefined;
    if (plan.failover.trigger === 'approval') {
      events.record(
        'failover.approval-requested',
        now,
        `alarm ${event.alarmName}: failover waits for a person's approval`,
        { alarm: event.alarmName },
      );
      return undefined;
    }
    const name = `alarm-${event.alarmName}-${Math.floor(event.changedAt / 1000)}`.slice(0, 80);
    const arn = `${deps.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const same = deps.stepFunctions.executions.get(arn);
    if (same) {
      events.record(
        'failover.suppressed',
        now,
        `alarm event delivered again: execution ${name} already started`,
        { reason: 'duplicate', executionArn: arn, eventId: event.id },
      );
      return same;
    }
    const running = [...deps.stepFunctions.executions.values()].find(
      (e) => e.stateMachineArn === deps.stateMachineArn && e.status === 'RUNNING',
    );
    if (running) {
      events.record('failover.suppressed', now, `a failover is already running (${running.name})`, {
        reason: 'running',
        executionArn: running.arn,
      });
      return undefined;
    }
    const cooldownMs = plan.failover.cooldownMinutes * 60_000;
    if (lastFailoverAt !== undefined && now - lastFailoverAt < cooldownMs) {
      events.record(
        'failover.suppressed',
        now,
        `alarm within the ${plan.failover.cooldownMinutes}-minute cooldown of the last failover`,
        { reason: 'cooldown', lastFailoverAt: new Date(lastFailoverAt).toISOString() },
      );
      return undefined;
    }
    const input = {
      mode: 'failover',
      reason: `CloudWatch alarm ${event.alarmName} is ALARM: ${event.reason}`.slice(0, 500),
      incidentId: `alarm-${Math.floor(event.changedAt / 1000)}`,
      requestedBy: `alarm:${event.alarmName}`,
    };
    events.record('failover.triggered', now, `alarm ${event.alarmName} starts failover ${name}`, {
      executionArn: arn,
      eventId: event.id,
      alarm: event.alarmName,
    });
    const { execution } = deps.stepFunctions.start(deps.stateMachineArn, name, JSON.stringify(input));
    lastFailoverAt = now;
    return execution;
  };

  if (deps.alarmTrigger) {
    deps.cloudWatch.onAlarmStateChange = (alarm: Alarm, previous, at) => {
      if (alarm.name !== alarmName || alarm.state !== 'ALARM') return;
      const event: AlarmEvent = {
        id: randomUUID(),
        alarmName: alarm.name,
        state: alarm.state,
        previousState: previous,
        reason: alarm.stateReason,
        changedAt: at,
      };
      lastEvent = event;
      stops.push(scheduler.at(at + timings.eventDeliverySeconds * 1000, () => deliver(event)));
    };
  }

  if (deps.schedule) {
    stops.push(
      scheduler.every(plan.detection.scheduleMinutes * 60_000, (at) => {
        const id = randomUUID();
        events.record('schedule.invoked', at, 'scheduled health monitor run', { id });
        const scheduled = {
          version: '0',
          id,
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account,
          time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: plan.regions.dr,
          resources: [
            `arn:aws:events:${plan.regions.dr}:${account}:rule/${plan.name}-health-monitor-schedule`,
          ],
          detail: {},
        };
        deps
          .healthMonitor()(scheduled)
          .catch((error: unknown) => {
            events.record(
              'schedule.invoked',
              clock.now(),
              `health monitor failed: ${(error as Error).message}`,
              { id, error: (error as Error).name },
            );
          });
      }),
    );
  }

  return {
    alarmName,
    deliver,
    lastAlarmEvent: () => lastEvent,
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}
