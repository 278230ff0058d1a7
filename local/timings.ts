/**
 * Default durations of the simulated AWS, in simulated seconds. Sources and reasoning:
 * docs/local-world-timings.md. Every value can be overridden per world (`startWorld({ timings })`).
 */
export interface Timings {
  /** PromoteReadReplica: total time until the instance is available as a standalone instance. */
  promotionSeconds: number;
  /** Share of the promotion spent in `modifying` before the reboot. */
  promotionModifyingShare: number;
  /** How often RDS publishes ReplicaLag to CloudWatch (per replica). */
  replicaLagMetricPeriodSeconds: number;
  /** Normal cross-region replication lag of a healthy replica. */
  replicaLagSeconds: number;
  /**
   * CreateDBInstanceReadReplica: creating → available (a snapshot of the source restored as a new
   * instance, then replication starts). Modelled: RDS documents no figure ("a few minutes").
   */
  replicaCreationSeconds: number;
  /** DeleteDBInstance without a final snapshot: deleting → gone. Modelled: RDS documents no figure. */
  instanceDeletionSeconds: number;
  /** A same-region (cascading) read replica's own lag behind its source. Modelled. */
  cascadingReplicaLagSeconds: number;
  /** Writes per second on each primary database (the simulated application's write stream). */
  writesPerSecond: number;
  /** Fargate task: PROVISIONING → PENDING (ENI attached). */
  taskProvisioningSeconds: number;
  /** Fargate task: PENDING → RUNNING (image pull and container start), min and max. */
  taskPendingSeconds: [number, number];
  /** Container health check: RUNNING → HEALTHY. */
  containerHealthySeconds: number;
  /** ALB: registration → first passing target health check. */
  targetHealthySeconds: number;
  /** A task being stopped stays DEACTIVATING for its target group's deregistration delay. */
  targetDeregistrationSeconds: number;
  /** STOPPING: the container's stop timeout (SIGTERM, then SIGKILL). */
  taskStoppingSeconds: number;
  /** DEPROVISIONING: the task's ENI is detached before it is STOPPED. */
  taskDeprovisioningSeconds: number;
  /** A task that cannot start: PENDING → STOPPED. */
  taskFailSeconds: number;
  /** ECS service scheduler: how often it compares desired with running tasks. */
  serviceSchedulerSeconds: number;
  /** Route 53 change PENDING → INSYNC, min and max (AWS: within 60 s). */
  dnsInsyncSeconds: [number, number];
  /** EventBridge delivery of an alarm state change to its target (and per cross-region hop). */
  eventDeliverySeconds: number;
  /**
   * How often Route 53 health checkers read the CloudWatch alarm of a CLOUDWATCH_METRIC health
   * check (AWS documents no figure: a modelled, conservative value).
   */
  alarmHealthCheckSeconds: number;
  /** A health-check status change reaches the authoritative DNS answers (modelled). */
  healthToDnsSeconds: number;
  /** How often the world samples which region serves the record's traffic. */
  trafficProbeSeconds: number;
  /**
   * Simulated time of one Lambda invocation's overhead, on top of the handler's own run time
   * (which counts at real speed, whatever the scale); concurrent invocations overlap.
   */
  lambdaInvocationMs: number;
  /** Simulated latency of one AWS API call. */
  apiCallMs: number;
  /**
   * After a region outage, until its load balancers serve again: the targets must pass the
   * healthy threshold (2) of health checks at the interval (10 s) the CDK app sets.
   */
  targetRecoverySeconds: number;
  /** How long targets fail health checks before the load balancer marks them unhealthy (3 × 10 s). */
  targetUnhealthySeconds: number;
}

export const DEFAULT_TIMINGS: Timings = {
  promotionSeconds: 300,
  promotionModifyingShare: 0.7,
  replicaLagMetricPeriodSeconds: 60,
  replicaLagSeconds: 2,
  replicaCreationSeconds: 600,
  instanceDeletionSeconds: 240,
  cascadingReplicaLagSeconds: 1,
  writesPerSecond: 20,
  taskProvisioningSeconds: 15,
  taskPendingSeconds: [20, 40],
  containerHealthySeconds: 10,
  targetHealthySeconds: 10,
  targetDeregistrationSeconds: 30,
  taskStoppingSeconds: 30,
  taskDeprovisioningSeconds: 10,
  taskFailSeconds: 25,
  serviceSchedulerSeconds: 5,
  dnsInsyncSeconds: [20, 60],
  eventDeliverySeconds: 1,
  alarmHealthCheckSeconds: 30,
  healthToDnsSeconds: 10,
  trafficProbeSeconds: 1,
  lambdaInvocationMs: 100,
  apiCallMs: 150,
  targetRecoverySeconds: 20,
  targetUnhealthySeconds: 30,
};
