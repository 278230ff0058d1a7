import { type Dependency, type Measurements, WallDate } from '../../local/index.ts';
import { measuredDependencies } from '../../report/dependencies.ts';
import { rpoMet } from '../../report/rpo.ts';
import { type DrillFacts, type RunReport, runReportSchema } from '../../report/schema.ts';

/**
 * Completes the report built from the execution history with what only the local world knows:
 * when the primary region was lost, which alarm fired first, when the DR region served the
 * record's traffic, the writes that never reached a replica or that an old primary took after
 * its replica stopped, and every call the recovery made (counted over the execution's window).
 * Unknown stays null.
 */
export interface WorldFacts {
  measurements: Measurements;
  /** The world's count of drctl's calls over the execution's window (world.dependencies). */
  dependencies?: { rows: readonly Dependency[]; from: string; to: string };
  /** A drill's mutating calls on production resources, from the world's ledger. */
  production?: DrillFacts['production'];
}

/** Diverged writes, when the world measures them (the field is newer than the measurements type). */
function writesDiverged(measurements: Measurements): number | null {
  const value = (measurements.rpo as { writesDiverged?: unknown }).writesDiverged;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

export function withWorldMeasurements(
  report: RunReport,
  facts: WorldFacts,
  mode: 'failover' | 'dry-run' | 'drill',
): RunReport {
  const { measurements } = facts;
  const { consoleUrl: _noConsoleLocally, ...execution } = report.execution;
  const completed: RunReport = {
    ...report,
    target: 'local',
    execution,
    generatedAt: new WallDate().toISOString(),
  };
  if (facts.dependencies && mode === 'failover') {
    const measured = measuredDependencies(facts.dependencies.rows, facts.dependencies);
    completed.dependencies = measured.rows;
    completed.dependencySource = measured.source;
  }
  if (mode === 'drill' && completed.drill && facts.production !== undefined) {
    completed.drill = { ...completed.drill, production: facts.production };
  }
  // A drill's outage is the one it declares, its figures those of its own steps (the history's).
  if (mode !== 'failover' || measurements.incidentStartedAt === null) return runReportSchema.parse(completed);

  const outageAt = Date.parse(measurements.incidentStartedAt);
  const at = (seconds: number | null) =>
    seconds === null ? null : new Date(outageAt + seconds * 1000).toISOString();
  const failedOver = report.outcome === 'failed-over';
  const rtoSeconds = failedOver ? measurements.rtoSeconds : null;
  // Without a promotion nothing was lost: the primary still holds every write.
  const promoted = report.outcome !== 'no-change';
  const rpoSeconds = promoted ? measurements.rpo.seconds : null;
  completed.outage = { startedAt: measurements.incidentStartedAt };
  completed.detection = {
    detectedAt: at(measurements.detectionSeconds),
    seconds: measurements.detectionSeconds,
    path: measurements.detectionPath ?? report.detection.path ?? null,
    alarm: measurements.detectionAlarm ?? report.detection.alarm ?? null,
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
  const rpo = {
    ...report.rpo,
    seconds: rpoSeconds,
    writesLost: promoted ? measurements.rpo.writes : null,
    writesDiverged: promoted ? writesDiverged(measurements) : null,
    // The world counted the writes the replica lacked: a measurement, not the AWS run's estimate
    // from the replica lag that the report built from the execution alone carries.
    ...(promoted && rpoSeconds !== null ? { basis: 'measured' as const } : {}),
  };
  completed.rpo = { ...rpo, met: rpoMet(rpo) };
  return runReportSchema.parse(completed);
}
