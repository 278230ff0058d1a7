import { type Measurements, WallDate } from '../../local/index.ts';
import { type RunReport, runReportSchema } from '../report/schema.ts';

/**
 * Completes the report built from the execution history with what only the local world knows:
 * when the primary region was lost, when the alarm fired, when the DR region served the
 * record's traffic, and the writes that never reached a replica. Unknown stays null.
 */
export function withWorldMeasurements(
  report: RunReport,
  measurements: Measurements,
  mode: 'failover' | 'dry-run',
): RunReport {
  const { consoleUrl: _noConsoleLocally, ...execution } = report.execution;
  const completed: RunReport = {
    ...report,
    target: 'local',
    execution,
    generatedAt: new WallDate().toISOString(),
  };
  if (mode === 'dry-run' || measurements.incidentStartedAt === null) return runReportSchema.parse(completed);

  const outageAt = Date.parse(measurements.incidentStartedAt);
  const at = (seconds: number | null) =>
    seconds === null ? null : new Date(outageAt + seconds * 1000).toISOString();
  const failedOver = report.outcome === 'failed-over';
  const rtoSeconds = failedOver ? measurements.rtoSeconds : null;
  const rpoSeconds = measurements.rpo.seconds;
  completed.outage = { startedAt: measurements.incidentStartedAt };
  completed.detection = {
    detectedAt: at(measurements.detectionSeconds),
    seconds: measurements.detectionSeconds,
  };
  completed.rto = {
    seconds: rtoSeconds,
    objectiveSeconds: report.rto.objectiveSeconds,
    // A failover that did not serve from the DR region missed its objective, whatever the clock says.
    met:
      rtoSeconds === null
        ? report.outcome === 'failed'
          ? false
          : null
        : rtoSeconds <= report.rto.objectiveSeconds,
    servingAt: at(rtoSeconds),
  };
  completed.rpo = {
    ...report.rpo,
    seconds: rpoSeconds,
    writesLost: measurements.rpo.writes,
    met: rpoSeconds === null ? null : rpoSeconds <= report.rpo.objectiveSeconds,
  };
  return runReportSchema.parse(completed);
}
