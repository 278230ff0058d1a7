import * as z from '../functions/shared/validator.ts';

/**
 * The JSON report every run leaves behind (drill in the local world, or an execution on AWS).
 * It is the evidence: the terminal summary and the HTML page are views of this document.
 * Times are ISO-8601 strings; in the local world they are simulated time.
 *
 * Written with `zod/mini` through the functions' validator (same zod core, checks and English
 * messages as the full API): the evidence function bundles this module, and the full API would
 * add ~420 KB to its bundle (bench figure 4).
 */
const isoTime = z.iso.datetime({ offset: true });
const seconds = z.number().check(z.nonnegative());
const count = z.number().check(z.int(), z.nonnegative());

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
  resource: z.optional(z.string()),
  startedAt: z.nullable(isoTime),
  endedAt: z.nullable(isoTime),
  outcome: z.enum(['succeeded', 'failed', 'skipped', 'running', 'unknown']),
  /**
   * Attempts that were retried (throttling, transient errors). A step still `running` with an
   * `error` is between two attempts: that attempt failed and Step Functions will try again.
   */
  retries: z._default(count, 0),
  detail: z.optional(z.string()),
  /** What the step found or decided, in words: the decision, the confirmation, how far fencing got, how traffic moved. */
  result: z.optional(z.string()),
  error: z.optional(z.object({ name: z.string(), message: z.string() })),
});
export type ReportStep = z.infer<typeof reportStepSchema>;

/** Why a run ended without changing anything (its execution SUCCEEDED: no change is not a failure of drctl). */
export const NO_CHANGE_REASONS = [
  'skipped',
  'stood-down',
  'denied',
  'decision-timed-out',
  'refused',
  'already-failed-over',
] as const;
export type NoChangeReason = (typeof NO_CHANGE_REASONS)[number];

/** One thing the recovery path called: a service's operation in a region, and whether the recovery needs it. */
export const dependencySchema = z.object({
  service: z.string(),
  /** The region that served the call; `global` for a data plane served everywhere (DNS answers). */
  region: z.string(),
  operation: z.string(),
  /** Calls counted in the run's window; null when nobody counted them (declared, not measured). */
  calls: z.nullable(count),
  failed: z.nullable(count),
  /** The recovery cannot succeed without it; false: best effort (its failure reads "unknown"). */
  required: z.boolean(),
  /** The recovery step that makes the call, when the source says (declared dependencies). */
  step: z.optional(z.string()),
  what: z.optional(z.string()),
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
  sourceIdentifier: z.nullable(z.string()),
  /** When this drill asked RDS for it (CreateDBInstanceReadReplica). */
  createdAt: z.nullable(isoTime),
  /** When every copy was first seen available. */
  availableAt: z.nullable(isoTime),
  /** When PromoteReadReplica was called on it: the instant of its data-loss window. */
  promotedAt: z.nullable(isoTime),
  promotionCompletedAt: z.nullable(isoTime),
  /** When the cleanup saw it gone. */
  deletedAt: z.nullable(isoTime),
  /** Its ReplicaLag read right before the promotion; null when unknown (never zero). */
  lagAtPromotionSeconds: z.nullable(seconds),
  /** Its RDS status as last read. */
  status: z.nullable(z.string()),
});
export type DrillCopy = z.infer<typeof drillCopySchema>;

/**
 * What a drill did beside a failover's steps (mode `drill`): the copies, the declared outage and
 * the moment the DR application served through the drill name (RTO), the data loss (RPO), the
 * sweep, the cleanup per resource, and, in the local world, the mutating calls on production.
 */
export const drillFactsSchema = z.object({
  /** The DNS name the drill switched and verified through (never the public record). */
  recordName: z.nullable(z.string()),
  /** DeclareOutage: the drill's simulated loss of the primary; the RTO runs from here. */
  outageAt: z.nullable(isoTime),
  /** Verified through the drill name: the DR application served; the RTO ends here. */
  servedAt: z.nullable(isoTime),
  /** What DNS answered for the drill name when the run verified it. */
  answer: z.nullable(z.string()),
  copies: z.array(drillCopySchema),
  dataLoss: z.nullable(
    z.object({
      basis: z.enum(DATA_LOSS_BASES),
      databases: z.array(
        z.object({
          databaseId: z.string(),
          copyIdentifier: z.nullable(z.string()),
          writesLost: z.nullable(count),
          secondsLost: z.nullable(seconds),
          basis: z.enum(DATA_LOSS_BASES),
          detail: z.string(),
        }),
      ),
    }),
  ),
  /** What the sweep removed of earlier drills before this one made anything. */
  sweep: z.nullable(z.object({ at: z.nullable(isoTime), resources: z.array(drillResourceSchema) })),
  /** The cleanup as last seen: each resource cleaned, skipped, pending or failed; what was left behind. */
  cleanup: z.nullable(
    z.object({
      at: z.nullable(isoTime),
      /** Everything cleaned or skipped; null when the cleanup was not seen to end. */
      complete: z.nullable(z.boolean()),
      resources: z.array(drillResourceSchema),
      leftBehind: z.array(z.string()),
    }),
  ),
  /** The drill's own verdict (its last task), when it got there. */
  verdict: z.nullable(
    z.object({
      outcome: z.enum(['succeeded', 'failed', 'objective-missed', 'cleanup-incomplete']),
      error: z.nullable(z.string()),
      cause: z.string(),
    }),
  ),
  /**
   * Mutating calls on production resources (the plan's primaries and DR replicas, their parameter
   * groups, the public record and its traffic gate) during the drill, as the local world's ledger
   * counted them; null on AWS, where IAM denies them and nobody counts here (CloudTrail does).
   */
  production: z.nullable(
    z.object({
      mutatingCalls: count,
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
    }),
  ),
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
    stoppedAt: z.nullable(isoTime),
    /** Link to the execution in the AWS console (runs on AWS only). */
    consoleUrl: z.optional(z.string()),
  }),
  /**
   * failed-over, failed, would-fail-over (dry run), would-wait-for-decision (dry run: a failover
   * started now would stop before the point of no return for a person's decision; why:
   * `noChangeDetail`), drilled (a drill that ran, met its objectives and cleaned up), running, or
   * no-change: the run stopped before the point of no return on purpose (`noChangeReason`; a drill
   * its preflight refused: `refused`; a plan already on the DR side: `already-failed-over`), and
   * nothing was changed.
   */
  outcome: z.enum([
    'failed-over',
    'failed',
    'would-fail-over',
    'would-wait-for-decision',
    'drilled',
    'running',
    'no-change',
  ]),
  noChangeReason: z.optional(z.nullable(z.enum(NO_CHANGE_REASONS))),
  /** The run's own words for it (the lock's refusal, the primary's answer, the decision; a dry run: why a failover would wait). */
  noChangeDetail: z.optional(z.nullable(z.string())),
  /** When the primary region was lost (injected in the local world; unknown on AWS unless given). */
  outage: z.object({ startedAt: z.nullable(isoTime) }),
  detection: z.object({
    detectedAt: z.nullable(isoTime),
    seconds: z.nullable(seconds),
    /** Which path detected the outage: the Route 53 health check (fast path, us-east-1) or the DR-side probe. */
    path: z.optional(z.nullable(z.enum(['route53-health-check', 'dr-probe']))),
    /** The alarm that fired (and started the run, for alarm-started runs). */
    alarm: z.optional(z.nullable(z.string())),
  }),
  /** How traffic moved and where DNS answered afterwards (failovers that reached the switch). */
  traffic: z.optional(
    z.nullable(
      z.object({
        /** data-plane: the gate (PutMetricData in the DR region); route53-api: a Route 53 change (control plane). */
        via: z.nullable(z.enum(['data-plane', 'route53-api'])),
        /** The CNAME target DNS answered for the public record when the run verified it; null when unknown. */
        answer: z.nullable(z.string()),
        trafficTo: z.nullable(z.enum(['dr', 'primary', 'unknown'])),
        detail: z.nullable(z.string()),
      }),
    ),
  ),
  rto: z.object({
    /** Outage to the DR endpoint serving through the public record (a drill: through the drill name). */
    seconds: z.nullable(seconds),
    objectiveSeconds: seconds,
    met: z.nullable(z.boolean()),
    servingAt: z.nullable(isoTime),
    /**
     * Where the RTO runs from: the outage (the local world injects it), the drill's declared
     * outage, or the detection (failovers on AWS, where the outage start is unknown: the alarm's
     * change to ALARM is the earliest known instant, so the figure is a lower bound).
     */
    from: z.optional(z.nullable(z.enum(['outage', 'declared-outage', 'detection']))),
  }),
  rpo: z.object({
    /** Seconds of writes that had not reached the replica when the primary was lost. */
    seconds: z.nullable(seconds),
    writesLost: z.nullable(count),
    /**
     * Writes an old primary accepted after its replica stopped applying (they exist only there).
     * Null when nobody measured them; any diverged write breaks the one-writer rule and the RPO.
     */
    writesDiverged: z.optional(z.nullable(count)),
    objectiveSeconds: seconds,
    met: z.nullable(z.boolean()),
    /**
     * Where `seconds` comes from: measured (the local world's write stream), the drill's write
     * canary, or an estimate from the replica lag at promotion (runs on AWS without the canary).
     */
    basis: z.optional(z.nullable(z.enum(['measured', 'canary', 'replica-lag-estimate']))),
    /** Replica lag last observed while replication was active, per database. */
    replicaLagAtPromotion: z.array(z.object({ database: z.string(), seconds: z.nullable(seconds) })),
  }),
  steps: z.array(reportStepSchema),
  changes: z.array(
    z.object({ resource: z.string(), action: z.string(), before: z.string(), after: z.string() }),
  ),
  errors: z.array(z.object({ step: z.optional(z.string()), name: z.string(), cause: z.string() })),
  /** The decision before the point of no return, when the run waited for one (or did not need to). */
  decision: z.optional(
    z.nullable(
      z.object({
        required: z.boolean(),
        /** Why the run waited (trigger approval, an RPO verdict over budget or unknown). */
        reasons: z.array(z.string()),
        status: z.enum(['not-required', 'pending', 'approved', 'denied', 'timed-out']),
        requestedAt: z.nullable(isoTime),
        decidedAt: z.nullable(isoTime),
        /** The identity that wrote the decision (Parameter Store's LastModifiedUser), when known. */
        author: z.nullable(z.string()),
        /** Who the decider said they are. */
        decidedBy: z.nullable(z.string()),
        reason: z.nullable(z.string()),
        /** Seconds of data loss accepted for this run only, beyond the plan's RPO. */
        acceptedLossSeconds: z.nullable(seconds),
        /** The decision accepted a loss nobody could measure ("accept unknown data loss"). */
        acceptedUnknownLoss: z.boolean(),
        /** Times the run looked for a decision. */
        checks: z.nullable(count),
      }),
    ),
  ),
  /** The last look before the point of no return: the primary re-checked from the DR region, the RPO verdict. */
  confirmation: z.optional(
    z.nullable(
      z.object({
        at: z.nullable(isoTime),
        primaryChecked: z.boolean(),
        /** What the primary answered: down, unknown (the probe could not be made), answered (healthy: the run stood down). */
        primary: z.nullable(z.enum(['down', 'unknown', 'answered'])),
        detail: z.string(),
        rpoVerdict: z.nullable(z.enum(['within', 'over', 'unknown'])),
        /** Who accepted an RPO over budget or unknown, when someone did. */
        acceptedBy: z.nullable(z.string()),
      }),
    ),
  ),
  /** Fencing of the old primary after the promotions, per resource, as last seen by the run. */
  fencing: z.optional(
    z.nullable(
      z.object({
        checkedAt: z.nullable(isoTime),
        attempts: z.nullable(count),
        /** The fencing loop itself failed (the failover went on; the schedule fences later). */
        gaveUp: z.boolean(),
        resources: z.array(fencedResourceSchema),
      }),
    ),
  ),
  /** A drill's copies, outage, data loss, sweep, cleanup and production calls (mode `drill` only). */
  drill: z.optional(z.nullable(drillFactsSchema)),
  /** What the recovery path depended on (auditors ask), with where the list comes from. */
  dependencies: z.optional(z.nullable(z.array(dependencySchema))),
  dependencySource: z.optional(
    z.nullable(
      z.object({
        /** measured: the local world counted every drctl call; declared: the recovery path's model (statemachines/recovery-path.ts). */
        kind: z.enum(['measured', 'declared']),
        description: z.string(),
        from: z.nullable(isoTime),
        to: z.nullable(isoTime),
      }),
    ),
  ),
  /**
   * Set when the operator stopped drctl (Ctrl-C, SIGTERM) before the run ended: the report is
   * partial, what drctl had not seen yet is null, and the execution may go on (on AWS it does).
   */
  interrupted: z.optional(
    z.object({
      signal: z.enum(['SIGINT', 'SIGTERM']),
      /** What drctl was doing: waiting for detection, following the execution, ... */
      during: z.string(),
      /** What the recovery had changed by then, in a few words per resource. */
      changedSoFar: z.array(z.string()),
    }),
  ),
});
export type RunReport = z.infer<typeof runReportSchema>;
