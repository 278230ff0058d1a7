import type { DetectionPath } from '../plan/names.ts';
import type { DetectionAlarm } from './detection.ts';
import type { EventLog, WorldEvent } from './events.ts';
import type { RdsModel } from './rds/model.ts';
import type { WriteWatch } from './write-divergence.ts';

/**
 * Detection time, RTO and RPO as the world itself measures them from its event log:
 * - the incident starts at the primary-region outage, or the primary application's own outage
 *   (or, without either, when the failover execution starts);
 * - detection ends when the first detection alarm, of either path, goes to ALARM;
 * - recovery ends when the public record's traffic, as clients resolve it (the modelled DNS
 *   answers, TTL included), reaches the DR region and the DR application serves;
 * - RPO is what the replicas had not received when the primary was lost (or promotion began).
 */
export interface Measurements {
  incidentStartedAt: string | null;
  /** Seconds from the incident to the first detection alarm's ALARM state. */
  detectionSeconds: number | null;
  /** Which path detected it first (null when none did). */
  detectionPath: DetectionPath | null;
  /** The alarm that went to ALARM first. */
  detectionAlarm: string | null;
  /** Seconds from the incident to the failover execution's start. */
  failoverStartSeconds: number | null;
  /** Seconds from the incident to traffic served by the DR region. */
  rtoSeconds: number | null;
  rpo: {
    /** Largest lag (seconds of writes) lost over all databases. */
    seconds: number | null;
    /** Writes lost over all databases. */
    writes: number | null;
    /**
     * Writes an old primary accepted after its replica stopped applying (reachable and writable
     * while not fenced): they exist only there. 0 when the world saw none; null with no watch.
     */
    writesDiverged: number | null;
    databases: { databaseId: string; writesLost: number; secondsLost: number; cause: string }[];
  };
  executionArn: string | null;
}

export function measure(
  events: EventLog,
  rds: RdsModel,
  alarms: readonly DetectionAlarm[],
  primaryRegion: string,
  writes?: Pick<WriteWatch, 'divergedWrites'>,
): Measurements {
  const all = events.list();
  const outage = all.find(
    (e) =>
      (e.type === 'region.outage' || e.type === 'application.outage') && e.detail.region === primaryRegion,
  );
  const after = (e: WorldEvent) => outage === undefined || e.at >= outage.at;
  const execution = all.find(
    (e) => (e.type === 'failover.triggered' || e.type === 'execution.started') && after(e) && !isDryRun(e),
  );
  const start = outage ?? execution;
  const alarm = all.find(
    (e) =>
      e.type === 'alarm.state' &&
      e.detail.state === 'ALARM' &&
      alarms.some((a) => a.name === e.detail.alarm && a.region === e.region) &&
      after(e),
  );
  const detectedBy = alarms.find((a) => alarm !== undefined && a.name === alarm.detail.alarm);
  const served = all.find(
    (e) =>
      e.type === 'traffic.served' &&
      e.detail.role === 'dr' &&
      e.detail.serving === true &&
      start !== undefined &&
      e.at >= start.at,
  );
  const seconds = (end: WorldEvent | undefined) =>
    end === undefined || start === undefined ? null : Math.round((end.at - start.at) / 100) / 10;
  const losses = rds.losses();
  return {
    incidentStartedAt: start?.time ?? null,
    detectionSeconds: outage ? seconds(alarm) : null,
    detectionPath: outage && detectedBy ? detectedBy.path : null,
    detectionAlarm: outage && detectedBy ? detectedBy.name : null,
    failoverStartSeconds: seconds(execution),
    rtoSeconds: seconds(served),
    rpo: {
      seconds: losses.length === 0 ? null : Math.max(...losses.map((l) => l.secondsLost)),
      writes: losses.length === 0 ? null : losses.reduce((sum, l) => sum + l.writesLost, 0),
      writesDiverged: writes ? writes.divergedWrites().reduce((sum, d) => sum + d.writes, 0) : null,
      databases: losses.map(({ databaseId, writesLost, secondsLost, cause }) => ({
        databaseId,
        writesLost,
        secondsLost,
        cause,
      })),
    },
    executionArn: (execution?.detail.executionArn as string | undefined) ?? null,
  };
}

function isDryRun(event: WorldEvent): boolean {
  const input = event.detail.input;
  return typeof input === 'string' && input.includes('"dry-run"');
}
