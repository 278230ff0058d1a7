import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricDataCommand,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import { ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import {
  drillGateAlarmName,
  drillGateMetric,
  drillRecordName,
  GATE_CLOSED,
  type GATE_OPEN,
  gateAlarmName,
  gateMetric,
  type MetricIdentity,
} from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * A traffic gate, read and written in the DR region only: a metric, an alarm over it, and a
 * Route 53 CLOUDWATCH_METRIC health check on the alarm that the PRIMARY failover record of a
 * name carries. Its state is the alarm's: ALARM means closed (the health check is unhealthy, so
 * the failover records answer with the DR target); OK and INSUFFICIENT_DATA mean open (the
 * health check uses its last known status, healthy for a check that never saw the alarm fire).
 * Writing it is a PutMetricData: CloudWatch's data plane in the DR region, no Route 53 API call.
 *
 * Two gates exist: the public record's (`dns.strategy: gate`; only a failover closes it, only a
 * failback opens it) and the drill name's (a drill closes it, its cleanup opens it). Each caller
 * names the one it means, so that code for one can never write the other.
 */
export interface GateIdentity {
  /** How messages name it: "traffic gate" or "drill gate". */
  label: string;
  region: string;
  alarmName: string;
  metric: MetricIdentity;
  /** The DNS name whose failover records the gate moves. */
  record: string;
  /** What Route 53 answers while the gate is open, and while it is closed. */
  openTarget: string;
  closedTarget: string;
}

export function publicGate(plan: Plan): GateIdentity {
  return {
    label: 'traffic gate',
    region: plan.regions.dr,
    alarmName: gateAlarmName(plan),
    metric: gateMetric(plan),
    record: plan.dns.record,
    openTarget: plan.application.primary.target,
    closedTarget: plan.application.dr.target,
  };
}

export function drillGate(plan: Plan): GateIdentity {
  return {
    label: 'drill gate',
    region: plan.regions.dr,
    alarmName: drillGateAlarmName(plan),
    metric: drillGateMetric(plan),
    record: drillRecordName(plan),
    openTarget: plan.application.primary.target,
    closedTarget: plan.application.dr.target,
  };
}

export interface GateReading {
  state: 'open' | 'closed';
  alarmState: StateValue | 'UNKNOWN';
  /** The alarm's last state change, when CloudWatch reports it. */
  changedAt: string | null;
  reason: string | null;
}

export const gateResource = (gate: GateIdentity): string =>
  `cloudwatch:${gate.region}:alarm/${gate.alarmName}`;

/** Reads a gate. A missing alarm is ResourceNotFoundError (the orchestrator stack is not deployed). */
export async function readGate(cloudWatch: CloudWatchClient, gate: GateIdentity): Promise<GateReading> {
  let alarm:
    | {
        StateValue?: StateValue;
        StateUpdatedTimestamp?: Date;
        StateTransitionedTimestamp?: Date;
        StateReason?: string;
      }
    | undefined;
  try {
    const output = await cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [gate.alarmName], AlarmTypes: ['MetricAlarm'] }),
    );
    alarm = output.MetricAlarms?.find((a) => a.AlarmName === gate.alarmName);
  } catch (error) {
    throw toDrError(error, `DescribeAlarms ${gateResource(gate)}`);
  }
  if (alarm === undefined) {
    throw new ResourceNotFoundError(
      `${gateResource(gate)} not found: the ${gate.label} alarm is created by the orchestrator stack in ${gate.region}; deploy it first`,
    );
  }
  const changed = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
  return {
    state: alarm.StateValue === 'ALARM' ? 'closed' : 'open',
    alarmState: alarm.StateValue ?? 'UNKNOWN',
    changedAt: changed ? changed.toISOString() : null,
    reason: alarm.StateReason ?? null,
  };
}

/** Writes the gate's metric: GATE_CLOSED moves the name's traffic to the DR target, GATE_OPEN back. */
export async function writeGate(
  cloudWatch: CloudWatchClient,
  gate: GateIdentity,
  value: typeof GATE_OPEN | typeof GATE_CLOSED,
  at: Date,
): Promise<void> {
  const { metric } = gate;
  try {
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: metric.namespace,
        MetricData: [
          {
            MetricName: metric.metricName,
            Dimensions: metric.dimensions,
            Value: value,
            Unit: 'None',
            Timestamp: at,
          },
        ],
      }),
    );
  } catch (error) {
    const action = value === GATE_CLOSED ? 'close' : 'open';
    throw toDrError(
      error,
      `PutMetricData ${metric.namespace}/${metric.metricName} (${action} the ${gate.label})`,
    );
  }
}

/** The gate in words, for reports and notices. */
export function describeGate(gate: GateIdentity, reading: Pick<GateReading, 'state' | 'alarmState'>): string {
  const target = reading.state === 'closed' ? gate.closedTarget : gate.openTarget;
  return `gate ${reading.state} (alarm ${reading.alarmState}): Route 53 answers ${target}`;
}
