import { z } from 'zod';

/**
 * The JSON report every run leaves behind (drill in the local world, or an execution on AWS).
 * It is the evidence: the terminal summary and the HTML page are views of this document.
 * Times are ISO-8601 strings; in the local world they are simulated time.
 */
const isoTime = z.iso.datetime({ offset: true });
const seconds = z.number().nonnegative();

export const reportStepSchema = z.object({
  /** Stable step name, e.g. "Preflight", "Promote orders", "Scale web", "Switch DNS". */
  step: z.string(),
  /** What kind of step, for grouping in views. */
  kind: z.enum(['detection', 'preflight', 'notify', 'promote', 'scale', 'dns', 'verify', 'assess', 'other']),
  /** The plan resource the step acts on, when it acts on one. */
  resource: z.string().optional(),
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  outcome: z.enum(['succeeded', 'failed', 'skipped', 'running', 'unknown']),
  /** Attempts that were retried (throttling, transient errors). */
  retries: z.number().int().nonnegative().default(0),
  detail: z.string().optional(),
  error: z.object({ name: z.string(), message: z.string() }).optional(),
});
export type ReportStep = z.infer<typeof reportStepSchema>;

export const runReportSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: isoTime,
  target: z.enum(['local', 'aws']),
  plan: z.object({
    name: z.string(),
    regions: z.object({ primary: z.string(), dr: z.string() }),
    objectives: z.object({ rtoSeconds: seconds, rpoSeconds: seconds }),
  }),
  mode: z.enum(['failover', 'dry-run']),
  trigger: z.object({
    kind: z.enum(['alarm', 'schedule', 'manual']),
    requestedBy: z.string(),
    reason: z.string(),
    incidentId: z.string(),
  }),
  execution: z.object({
    arn: z.string(),
    name: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
    startedAt: isoTime,
    stoppedAt: isoTime.nullable(),
    /** Link to the execution in the AWS console (runs on AWS only). */
    consoleUrl: z.string().optional(),
  }),
  outcome: z.enum(['failed-over', 'failed', 'would-fail-over', 'running']),
  /** When the primary region was lost (injected in the local world; unknown on AWS unless given). */
  outage: z.object({ startedAt: isoTime.nullable() }),
  detection: z.object({ detectedAt: isoTime.nullable(), seconds: seconds.nullable() }),
  rto: z.object({
    /** Outage to the DR endpoint serving through the public record. */
    seconds: seconds.nullable(),
    objectiveSeconds: seconds,
    met: z.boolean().nullable(),
    servingAt: isoTime.nullable(),
  }),
  rpo: z.object({
    /** Seconds of writes that had not reached the replica when the primary was lost. */
    seconds: seconds.nullable(),
    writesLost: z.number().int().nonnegative().nullable(),
    objectiveSeconds: seconds,
    met: z.boolean().nullable(),
    /** Replica lag last observed while replication was active, per database. */
    replicaLagAtPromotion: z.array(z.object({ database: z.string(), seconds: seconds.nullable() })),
  }),
  steps: z.array(reportStepSchema),
  changes: z.array(
    z.object({ resource: z.string(), action: z.string(), before: z.string(), after: z.string() }),
  ),
  errors: z.array(z.object({ step: z.string().optional(), name: z.string(), cause: z.string() })),
  /**
   * Set when the operator stopped drctl (Ctrl-C, SIGTERM) before the run ended: the report is
   * partial, what drctl had not seen yet is null, and the execution may go on (on AWS it does).
   */
  interrupted: z
    .object({
      signal: z.enum(['SIGINT', 'SIGTERM']),
      /** What drctl was doing: waiting for detection, following the execution, ... */
      during: z.string(),
      /** What the recovery had changed by then, in a few words per resource. */
      changedSoFar: z.array(z.string()),
    })
    .optional(),
});
export type RunReport = z.infer<typeof runReportSchema>;
