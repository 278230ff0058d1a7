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
  kind: z.enum([
    'detection',
    'preflight',
    'decision',
    'confirm',
    'notify',
    'promote',
    'scale',
    'fence',
    'dns',
    'verify',
    'assess',
    // Drill steps (statemachines/drill.asl.json): the sweep of earlier leftovers, the copies,
    // the declared outage, the data-loss measurement, the cleanup, the verdict.
    'sweep',
    'copy',
    'outage',
    'data-loss',
    'cleanup',
    'verdict',
    'other',
  ]),
  /** The plan resource the step acts on, when it acts on one. */
  resource: z.string().optional(),
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  outcome: z.enum(['succeeded', 'failed', 'skipped', 'running', 'unknown']),
  /**
   * Attempts that were retried (throttling, transient errors). A step still `running` with an
   * `error` is between two attempts: that attempt failed and Step Functions will try again.
   */
  retries: z.number().int().nonnegative().default(0),
  detail: z.string().optional(),
  /** What the step found or decided, in words: the decision, the confirmation, how far fencing got, how traffic moved. */
  result: z.string().optional(),
  error: z.object({ name: z.string(), message: z.string() }).optional(),
});
export type ReportStep = z.infer<typeof reportStepSchema>;

/** Why a run ended without changing anything (its execution SUCCEEDED: no change is not a failure of drctl). */
export const NO_CHANGE_REASONS = [
  'skipped',
  'stood-down',
  'denied',
  'decision-timed-out',
  'refused',
] as const;
export type NoChangeReason = (typeof NO_CHANGE_REASONS)[number];

/** One thing the recovery path called: a service's operation in a region, and whether the recovery needs it. */
export const dependencySchema = z.object({
  service: z.string(),
  /** The region that served the call; `global` for a data plane served everywhere (DNS answers). */
  region: z.string(),
  operation: z.string(),
  /** Calls counted in the run's window; null when nobody counted them (declared, not measured). */
  calls: z.number().int().nonnegative().nullable(),
  failed: z.number().int().nonnegative().nullable(),
  /** The recovery cannot succeed without it; false: best effort (its failure reads "unknown"). */
  required: z.boolean(),
  /** The recovery step that makes the call, when the source says (declared dependencies). */
  step: z.string().optional(),
  what: z.string().optional(),
});
export type Dependency = z.infer<typeof dependencySchema>;

/** One resource a drill made or changed, as its sweep and its cleanup last saw it. */
export const drillResourceSchema = z.object({
  /** e.g. rds:us-west-2:shop-orders-replica-drill, ecs:us-west-2:shop-dr/shop-web, cloudwatch:us-west-2:alarm/shop-drill-gate-closed */
  resource: z.string(),
  kind: z.enum(['copy', 'service', 'gate']),
  /** cleaned: gone or back to its pilot-light state; pending: on its way; failed: could not be; skipped: left alone on purpose. */
  outcome: z.enum(['cleaned', 'pending', 'failed', 'skipped']),
  action: z.string(),
  detail: z.string(),
});
export type DrillResource = z.infer<typeof drillResourceSchema>;

/** Where the drill's data-loss figure comes from: the write canary, the replica lag (an estimate), or nowhere. */
export const DATA_LOSS_BASES = ['canary', 'replica-lag-estimate', 'unknown'] as const;

/** One drill copy: a cascading read replica of a plan DR replica, promoted, then deleted. */
export const drillCopySchema = z.object({
  databaseId: z.string(),
  identifier: z.string(),
  /** The plan's DR replica it replicated from. */
  sourceIdentifier: z.string().nullable(),
  /** When this drill asked RDS for it (CreateDBInstanceReadReplica). */
  createdAt: isoTime.nullable(),
  /** When every copy was first seen available. */
  availableAt: isoTime.nullable(),
  /** When PromoteReadReplica was called on it: the instant of its data-loss window. */
  promotedAt: isoTime.nullable(),
  promotionCompletedAt: isoTime.nullable(),
  /** When the cleanup saw it gone. */
  deletedAt: isoTime.nullable(),
  /** Its ReplicaLag read right before the promotion; null when unknown (never zero). */
  lagAtPromotionSeconds: seconds.nullable(),
  /** Its RDS status as last read. */
  status: z.string().nullable(),
});
export type DrillCopy = z.infer<typeof drillCopySchema>;

/**
 * What a drill did beside a failover's steps (mode `drill`): the copies, the declared outage and
 * the moment the DR application served through the drill name (RTO), the data loss (RPO), the
 * sweep, the cleanup per resource, and, in the local world, the mutating calls on production.
 */
export const drillFactsSchema = z.object({
  /** The DNS name the drill switched and verified through (never the public record). */
  recordName: z.string().nullable(),
  /** DeclareOutage: the drill's simulated loss of the primary; the RTO runs from here. */
  outageAt: isoTime.nullable(),
  /** Verified through the drill name: the DR application served; the RTO ends here. */
  servedAt: isoTime.nullable(),
  /** What DNS answered for the drill name when the run verified it. */
  answer: z.string().nullable(),
  copies: z.array(drillCopySchema),
  dataLoss: z
    .object({
      basis: z.enum(DATA_LOSS_BASES),
      databases: z.array(
        z.object({
          databaseId: z.string(),
          copyIdentifier: z.string().nullable(),
          writesLost: z.number().int().nonnegative().nullable(),
          secondsLost: seconds.nullable(),
          basis: z.enum(DATA_LOSS_BASES),
          detail: z.string(),
        }),
      ),
    })
    .nullable(),
  /** What the sweep removed of earlier drills before this one made anything. */
  sweep: z.object({ at: isoTime.nullable(), resources: z.array(drillResourceSchema) }).nullable(),
  /** The cleanup as last seen: each resource cleaned, skipped, pending or failed; what was left behind. */
  cleanup: z
    .object({
      at: isoTime.nullable(),
      /** Everything cleaned or skipped; null when the cleanup was not seen to end. */
      complete: z.boolean().nullable(),
      resources: z.array(drillResourceSchema),
      leftBehind: z.array(z.string()),
    })
    .nullable(),
  /** The drill's own verdict (its last task), when it got there. */
  verdict: z
    .object({
      outcome: z.enum(['succeeded', 'failed', 'objective-missed', 'cleanup-incomplete']),
      error: z.string().nullable(),
      cause: z.string(),
    })
    .nullable(),
  /**
   * Mutating calls on production resources (the plan's primaries and DR replicas, their parameter
   * groups, the public record and its traffic gate) during the drill, as the local world's ledger
   * counted them; null on AWS, where IAM denies them and nobody counts here (CloudTrail does).
   */
  production: z
    .object({
      mutatingCalls: z.number().int().nonnegative(),
      calls: z.array(
        z.object({
          at: isoTime,
          service: z.string(),
          region: z.string(),
          operation: z.string(),
          resources: z.array(z.string()),
          outcome: z.string(),
        }),
      ),
    })
    .nullable(),
});
export type DrillFacts = z.infer<typeof drillFactsSchema>;

export const fencedResourceSchema = z.object({
  resource: z.string(),
  kind: z.enum(['service', 'database', 'traffic']),
  /** fenced: takes neither writes nor traffic; pending: its region does not answer yet; failed: cannot be fenced as is. */
  outcome: z.enum(['fenced', 'pending', 'failed']),
  action: z.string(),
  detail: z.string(),
});

/**
 * Fields added after the first reports were written are optional (or nullable): `drctl report`
 * and `--history` keep reading older JSON, where they are absent and mean "not recorded".
 */
export const runReportSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: isoTime,
  target: z.enum(['local', 'aws']),
  plan: z.object({
    name: z.string(),
    regions: z.object({ primary: z.string(), dr: z.string() }),
    objectives: z.object({ rtoSeconds: seconds, rpoSeconds: seconds }),
  }),
  /** drill: the drill state machine, on copies (never production); fields below in `drill`. */
  mode: z.enum(['failover', 'dry-run', 'drill']),
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
  /**
   * failed-over, failed, would-fail-over (dry run), drilled (a drill that ran, met its objectives
   * and cleaned up), running, or no-change: the run stopped before the point of no return on
   * purpose (`noChangeReason`; a drill its preflight refused: `refused`), and nothing was changed.
   */
  outcome: z.enum(['failed-over', 'failed', 'would-fail-over', 'drilled', 'running', 'no-change']),
  noChangeReason: z.enum(NO_CHANGE_REASONS).nullable().optional(),
  /** The run's own words for it (the lock's refusal, the primary's answer, the decision). */
  noChangeDetail: z.string().nullable().optional(),
  /** When the primary region was lost (injected in the local world; unknown on AWS unless given). */
  outage: z.object({ startedAt: isoTime.nullable() }),
  detection: z.object({
    detectedAt: isoTime.nullable(),
    seconds: seconds.nullable(),
    /** Which path detected the outage: the Route 53 health check (fast path, us-east-1) or the DR-side probe. */
    path: z.enum(['route53-health-check', 'dr-probe']).nullable().optional(),
    /** The alarm that fired (and started the run, for alarm-started runs). */
    alarm: z.string().nullable().optional(),
  }),
  /** How traffic moved and where DNS answered afterwards (failovers that reached the switch). */
  traffic: z
    .object({
      /** data-plane: the gate (PutMetricData in the DR region); route53-api: a Route 53 change (control plane). */
      via: z.enum(['data-plane', 'route53-api']).nullable(),
      /** The CNAME target DNS answered for the public record when the run verified it; null when unknown. */
      answer: z.string().nullable(),
      trafficTo: z.enum(['dr', 'primary', 'unknown']).nullable(),
      detail: z.string().nullable(),
    })
    .nullable()
    .optional(),
  rto: z.object({
    /** Outage to the DR endpoint serving through the public record (a drill: through the drill name). */
    seconds: seconds.nullable(),
    objectiveSeconds: seconds,
    met: z.boolean().nullable(),
    servingAt: isoTime.nullable(),
    /**
     * Where the RTO runs from: the outage (the local world injects it), the drill's declared
     * outage, or the detection (failovers on AWS, where the outage start is unknown: the alarm's
     * change to ALARM is the earliest known instant, so the figure is a lower bound).
     */
    from: z.enum(['outage', 'declared-outage', 'detection']).nullable().optional(),
  }),
  rpo: z.object({
    /** Seconds of writes that had not reached the replica when the primary was lost. */
    seconds: seconds.nullable(),
    writesLost: z.number().int().nonnegative().nullable(),
    /**
     * Writes an old primary accepted after its replica stopped applying (they exist only there).
     * Null when nobody measured them; any diverged write breaks the one-writer rule and the RPO.
     */
    writesDiverged: z.number().int().nonnegative().nullable().optional(),
    objectiveSeconds: seconds,
    met: z.boolean().nullable(),
    /**
     * Where `seconds` comes from: measured (the local world's write stream), the drill's write
     * canary, or an estimate from the replica lag at promotion (runs on AWS without the canary).
     */
    basis: z.enum(['measured', 'canary', 'replica-lag-estimate']).nullable().optional(),
    /** Replica lag last observed while replication was active, per database. */
    replicaLagAtPromotion: z.array(z.object({ database: z.string(), seconds: seconds.nullable() })),
  }),
  steps: z.array(reportStepSchema),
  changes: z.array(
    z.object({ resource: z.string(), action: z.string(), before: z.string(), after: z.string() }),
  ),
  errors: z.array(z.object({ step: z.string().optional(), name: z.string(), cause: z.string() })),
  /** The decision before the point of no return, when the run waited for one (or did not need to). */
  decision: z
    .object({
      required: z.boolean(),
      /** Why the run waited (trigger approval, an RPO verdict over budget or unknown). */
      reasons: z.array(z.string()),
      status: z.enum(['not-required', 'pending', 'approved', 'denied', 'timed-out']),
      requestedAt: isoTime.nullable(),
      decidedAt: isoTime.nullable(),
      /** The identity that wrote the decision (Parameter Store's LastModifiedUser), when known. */
      author: z.string().nullable(),
      /** Who the decider said they are. */
      decidedBy: z.string().nullable(),
      reason: z.string().nullable(),
      /** Seconds of data loss accepted for this run only, beyond the plan's RPO. */
      acceptedLossSeconds: seconds.nullable(),
      /** The decision accepted a loss nobody could measure ("accept unknown data loss"). */
      acceptedUnknownLoss: z.boolean(),
      /** Times the run looked for a decision. */
      checks: z.number().int().nonnegative().nullable(),
    })
    .nullable()
    .optional(),
  /** The last look before the point of no return: the primary re-checked from the DR region, the RPO verdict. */
  confirmation: z
    .object({
      at: isoTime.nullable(),
      primaryChecked: z.boolean(),
      /** What the primary answered: down, unknown (the probe could not be made), answered (healthy: the run stood down). */
      primary: z.enum(['down', 'unknown', 'answered']).nullable(),
      detail: z.string(),
      rpoVerdict: z.enum(['within', 'over', 'unknown']).nullable(),
      /** Who accepted an RPO over budget or unknown, when someone did. */
      acceptedBy: z.string().nullable(),
    })
    .nullable()
    .optional(),
  /** Fencing of the old primary after the promotions, per resource, as last seen by the run. */
  fencing: z
    .object({
      checkedAt: isoTime.nullable(),
      attempts: z.number().int().nonnegative().nullable(),
      /** The fencing loop itself failed (the failover went on; the schedule fences later). */
      gaveUp: z.boolean(),
      resources: z.array(fencedResourceSchema),
    })
    .nullable()
    .optional(),
  /** A drill's copies, outage, data loss, sweep, cleanup and production calls (mode `drill` only). */
  drill: drillFactsSchema.nullable().optional(),
  /** What the recovery path depended on (auditors ask), with where the list comes from. */
  dependencies: z.array(dependencySchema).nullable().optional(),
  dependencySource: z
    .object({
      /** measured: the local world counted every drctl call; declared: the recovery path's model (statemachines/recovery-path.ts). */
      kind: z.enum(['measured', 'declared']),
      description: z.string(),
      from: isoTime.nullable(),
      to: isoTime.nullable(),
    })
    .nullable()
    .optional(),
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
