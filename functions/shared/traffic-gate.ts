import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricDataCommand,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import { ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import { GATE_CLOSED, gateAlarmName, gateMetric } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The traffic gate of `dns.strategy: gate`, read and written in the DR region only. Its state
 * is the gate alarm's: ALARM means closed (Route 53's health check on that alarm is unhealthy, so
 * the failover records answer with the DR target); OK and INSUFFICIENT_DATA mean open (the
 * health check uses its last known status, healthy for a check that never saw the alarm fire).
 * Closing it is a PutMetricData: CloudWatch's data plane in the DR region, no Route 53 API call.
 */
export interface GateReading {
  state: 'open' | 'closed';
  alarmState: StateValue | 'UNKNOWN';
  /** The alarm's last state change, when CloudWatch reports it. */
  changedAt: string | null;
  reason: string | null;
}

export const gateResource = (plan: Plan): string =>
  `cloudwatch:${plan.regions.dr}:alarm/${gateAlarmName(plan)}`;

/** Reads the gate. A missing alarm is ResourceNotFoundError (the orchestrator stack is not deployed). */
export async function readGate(cloudWatch: CloudWatchClient, plan: Plan): Promise<GateReading> {
  const name = gateAlarmName(plan);
  let alarm: { StateValue?: StateValue; StateUpdatedTimestamp?: Date; StateReason?: string } | undefined;
  try {
    const output = await cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] }),
    );
    alarm = output.MetricAlarms?.find((a) => a.AlarmName === name);
  } catch (error) {
    throw toDrError(error, `DescribeAlarms ${gateResource(plan)}`);
  }
  if (alarm === undefined) {
    throw new ResourceNotFoundError(
      `${gateResource(plan)} not found: the traffic gate alarm is created by the orchestrator stack in ${plan.regions.dr}; deploy it before a failover`,
    );
  }
  return {
    state: alarm.StateValue === 'ALARM' ? 'closed' : 'open',
    alarmState: alarm.StateValue ?? 'UNKNOWN',
    changedAt: alarm.StateUpdatedTimestamp ? alarm.StateUpdatedTimestamp.toISOString() : null,
    reason: alarm.StateReason ?? null,
  };
}

/** Writes the closed value. Idempotent: writing it again changes nothing once the alarm is in ALARM. */
export async function closeGate(cloudWatch: CloudWatchClient, plan: Plan, at: Date): Promise<void> {
  const metric = gateMetric(plan);
  try {
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: metric.namespace,
        MetricData: [
          {
            MetricName: metric.metricName,
            Dimensions: metric.dimensions,
            Value: GATE_CLOSED,
            Unit: 'None',
            Timestamp: at,
          },
        ],
      }),
    );
  } catch (error) {
    throw toDrError(error, `PutMetricData ${metric.namespace}/${metric.metricName} (close the traffic gate)`);
  }
}

/** The gate in words, for reports and notices. */
export function describeGate(plan: Plan, reading: Pick<GateReading, 'state' | 'alarmState'>): string {
  const target = reading.state === 'closed' ? plan.application.dr.target : plan.application.primary.target;
  return `gate ${reading.state} (alarm ${reading.alarmState}): Route 53 answers ${target}`;
}
