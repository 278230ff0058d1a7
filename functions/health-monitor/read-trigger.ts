import { type CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { toDrError } from '../../plan/errors.ts';
import { detectionAlarms } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { ExecutionInput, PreflightTrigger } from '../shared/contracts.ts';
import type { HealthMonitorPorts } from './ports.ts';

type Ports = Pick<HealthMonitorPorts, 'plan' | 'cloudWatch' | 'detectionCloudWatch' | 'logger'>;
type Alarm = ReturnType<typeof detectionAlarms>[number];

/**
 * When the outage was detected, for the run's evidence: on AWS the outage's start is unknown, and
 * the detection alarm's change to ALARM is the earliest instant anyone knows of, so the run's RTO
 * is measured from it (labelled "from detection": a lower bound of the real RTO). An alarm-started
 * run reads the alarm named in `requestedBy` (and, when that one cannot date it, the plan's other
 * detection alarm); a run started by hand or by a schedule reads the plan's two detection alarms
 * and takes the earlier one in ALARM, if any.
 *
 * The change is the alarm's StateTransitionedTimestamp ("the date and time that the alarm's
 * StateValue most recently changed", CloudWatch API Reference, MetricAlarm), only while the
 * alarm is in ALARM and not after the run started. Best effort: the fast-path alarm lives in
 * us-east-1 (Route 53's health-check metrics are only there), the region whose outage a run may
 * be in; a failed read is recorded as unknown, never fails the preflight, and never sends more
 * than one DescribeAlarms per alarm.
 */
export async function readTrigger(
  ports: Ports,
  request: ExecutionInput,
  startedAt: Date,
): Promise<PreflightTrigger> {
  const alarms = detectionAlarms(ports.plan);
  const named = request.requestedBy.startsWith('alarm:') ? request.requestedBy.slice('alarm:'.length) : null;
  if (named !== null) {
    const known = alarms.find((alarm) => alarm.name === named);
    // An alarm drctl did not deploy: read where the run reads its own alarms, the DR region.
    const alarm = known ?? { name: named, region: ports.plan.regions.dr, path: null };
    const own = await readOne(ports, alarm, startedAt, 'started by');
    if (own.changedAt !== null) return own;
    // In an outage of us-east-1 the fast-path alarm cannot be read there: the other detection
    // alarm, in ALARM before the run, still dates the detection.
    const others = alarms.filter((candidate) => candidate.name !== named);
    const earliest = earliestInAlarm(
      await Promise.all(others.map((other) => readOne(ports, other, startedAt, 'read'))),
    );
    return earliest ? { ...earliest, detail: `${own.detail}; ${earliest.detail}` } : own;
  }
  const readings = await Promise.all(alarms.map((alarm) => readOne(ports, alarm, startedAt, 'read')));
  const earliest = earliestInAlarm(readings);
  if (earliest)
    return { ...earliest, detail: `started by hand (${request.requestedBy}); ${earliest.detail}` };
  return {
    alarm: null,
    region: null,
    path: null,
    state: null,
    changedAt: null,
    detail: `started by hand (${request.requestedBy}); no detection alarm was in ALARM (${readings.map((r) => r.detail).join('; ')}): the detection time is unknown`,
  };
}

function earliestInAlarm(readings: readonly PreflightTrigger[]): PreflightTrigger | undefined {
  return readings
    .filter((reading) => reading.changedAt !== null)
    .sort((a, b) => Date.parse(a.changedAt ?? '') - Date.parse(b.changedAt ?? ''))[0];
}

async function readOne(
  ports: Ports,
  alarm: Alarm | { name: string; region: string; path: null },
  startedAt: Date,
  how: 'started by' | 'read',
): Promise<PreflightTrigger> {
  const base = { alarm: alarm.name, region: alarm.region, path: alarm.path };
  const client = clientFor(ports, alarm.region);
  if (client === null) {
    return {
      ...base,
      state: null,
      changedAt: null,
      detail: `alarm ${alarm.name} (${alarm.region}) not read: no CloudWatch client in ${alarm.region}; the detection time is unknown`,
    };
  }
  let found: MetricAlarm | undefined;
  try {
    const output = await client.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.name] }));
    found = output.MetricAlarms?.[0];
  } catch (error) {
    const mapped = toDrError(error, `DescribeAlarms cloudwatch:${alarm.region}:alarm/${alarm.name}`);
    ports.logger?.warn('detection alarm not read', { alarm: alarm.name, error: mapped.message });
    return {
      ...base,
      state: null,
      changedAt: null,
      detail: `alarm ${alarm.name} (${alarm.region}) could not be read (${mapped.message}); the detection time is unknown`,
    };
  }
  if (!found) {
    return {
      ...base,
      state: null,
      changedAt: null,
      detail: `alarm ${alarm.name} does not exist in ${alarm.region}; the detection time is unknown`,
    };
  }
  return judged(base, found, startedAt, how);
}

function judged(
  base: Pick<PreflightTrigger, 'alarm' | 'region' | 'path'>,
  found: MetricAlarm,
  startedAt: Date,
  how: 'started by' | 'read',
): PreflightTrigger {
  const state = stateOf(found.StateValue);
  const changed = found.StateTransitionedTimestamp ?? found.StateUpdatedTimestamp;
  const at = changed instanceof Date && !Number.isNaN(changed.getTime()) ? changed : null;
  const what = `${how === 'started by' ? 'started by alarm' : 'alarm'} ${base.alarm} (${base.region})`;
  if (state !== 'ALARM') {
    return {
      ...base,
      state,
      changedAt: null,
      detail: `${what} is ${state ?? 'in an unknown state'}${at ? ` since ${at.toISOString()}` : ''}: the time it went to ALARM is not in its state; the detection time is unknown`,
    };
  }
  if (at === null || at.getTime() > startedAt.getTime()) {
    return {
      ...base,
      state,
      changedAt: null,
      detail: `${what} is in ALARM ${at ? `since ${at.toISOString()}, after the run started (it changed state again)` : 'with no transition time'}; the detection time is unknown`,
    };
  }
  return {
    ...base,
    state,
    changedAt: at.toISOString(),
    detail: `${what} in ALARM since ${at.toISOString()}`,
  };
}

function clientFor(ports: Ports, region: string): CloudWatchClient | null {
  if (region === ports.plan.regions.dr) return ports.cloudWatch;
  return ports.detectionCloudWatch ?? null;
}

function stateOf(value: string | undefined): PreflightTrigger['state'] {
  return value === 'ALARM' || value === 'OK' || value === 'INSUFFICIENT_DATA' ? value : null;
}

/** The region the fast-path alarm is read in, when it is not the DR region (us-east-1). */
export function detectionRegionOutsideDr(plan: Plan): string | null {
  const outside = detectionAlarms(plan).find((alarm) => alarm.region !== plan.regions.dr);
  return outside?.region ?? null;
}
