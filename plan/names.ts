import type { Plan } from './schema.ts';

/**
 * Names of the AWS resources drctl derives from a plan and that more than one part must agree
 * on without a cross-region reference: the functions read and write them, the CDK app creates
 * them, the local world models them. Changing one here changes all three.
 */

/** CloudWatch namespace of every metric drctl publishes. */
export const DRCTL_NAMESPACE = 'drctl';

/** Route 53 health-check metrics, and alarms over them, exist only in us-east-1. */
export const ROUTE53_METRICS_REGION = 'us-east-1';

/** The Route 53 API (control plane) is served from us-east-1 only. */
export const ROUTE53_CONTROL_PLANE_REGION = 'us-east-1';

export interface MetricIdentity {
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
}

// ---- The traffic gate (dns.strategy: gate) ----------------------------------------------------

/**
 * The gate metric, in the DR region: 1 = the primary may serve the public record, 0 = the gate
 * is closed and Route 53 answers with the DR target. Only the switch (failover) writes 0 and only
 * a failback writes 1.
 */
export function gateMetric(plan: Plan): MetricIdentity {
  return {
    namespace: DRCTL_NAMESPACE,
    metricName: 'PrimaryTrafficGate',
    dimensions: [{ Name: 'Plan', Value: plan.name }],
  };
}

export const GATE_OPEN = 1;
export const GATE_CLOSED = 0;
/** The gate alarm judges one standard-resolution minute (Route 53 accepts no high-resolution alarm). */
export const GATE_ALARM_PERIOD_SECONDS = 60;

/**
 * The alarm over the gate metric, in the DR region: ALARM = gate closed. It treats missing data
 * as "ignore" (keep the current state), so a closed gate stays closed when nothing writes.
 */
export function gateAlarmName(plan: Plan): string {
  return `${plan.name}-traffic-gate-closed`;
}

/** Set identifiers of the two failover records of the public record. */
export function failoverSetIdentifier(plan: Plan, role: 'primary' | 'dr'): string {
  return `${plan.name}-${role}`;
}

// ---- Detection ------------------------------------------------------------------------------

/** The fast path: Route 53 health check of the primary endpoint, alarm in us-east-1. */
export function detectionAlarmName(plan: Plan): string {
  return `${plan.name}-primary-endpoint-unhealthy`;
}

/**
 * The DR-side path: what the primary-probe function saw from the DR region, one datapoint per
 * probe: 1 = the primary's health URL answered 2xx in time, 0 = it did not.
 */
export function probeMetric(plan: Plan): MetricIdentity {
  return {
    namespace: DRCTL_NAMESPACE,
    metricName: 'PrimaryReachableFromDr',
    dimensions: [{ Name: 'Plan', Value: plan.name }],
  };
}

/** The alarm over the probe metric, in the DR region: ALARM after `probe.failedMinutes` failed minutes. */
export function drDetectionAlarmName(plan: Plan): string {
  return `${plan.name}-primary-unreachable-from-dr`;
}

/** Every alarm whose ALARM state starts a failover (or asks for approval), with its region. */
export function detectionAlarms(plan: Plan): { name: string; region: string; path: DetectionPath }[] {
  return [
    { name: detectionAlarmName(plan), region: ROUTE53_METRICS_REGION, path: 'route53-health-check' },
    { name: drDetectionAlarmName(plan), region: plan.regions.dr, path: 'dr-probe' },
  ];
}

export type DetectionPath = 'route53-health-check' | 'dr-probe';

// ---- The orchestrator -----------------------------------------------------------------------

export function failoverStateMachineName(plan: Plan): string {
  return `${plan.name}-failover`;
}

// ---- Execution names (the correlation id) ----------------------------------------------------

/**
 * The execution names drctl can use. Step Functions accepts more (punctuation such as + ( ) ' and
 * non-ASCII letters, up to 80 characters), but the name becomes a level of the decision
 * parameter's name (SSM allows a-z A-Z 0-9 _ . - /) and a drill's drctl:drill tag value (RDS
 * allows letters, digits, spaces and _ . : / = + - @): what both allow, without the separator, is
 * ASCII letters, digits, - _ and '.'. Both preflights refuse another name before anything runs.
 * (Step Functions API reference, StartExecution, `name`:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html)
 */
export const EXECUTION_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,80}$/;
export const EXECUTION_NAME_ALLOWED = 'letters, digits, - _ . (1 to 80 characters)';

export function isUsableExecutionName(name: string): boolean {
  return EXECUTION_NAME_PATTERN.test(name);
}

// ---- Decisions (approval inside the run) -----------------------------------------------------

/**
 * The SSM parameter in the DR region where a person's decision on one waiting execution is
 * written (by `drctl approve` / `drctl deny`, or by hand in the console). Parameter Store records
 * who wrote it (LastModifiedUser), which is the decision's authenticated author.
 */
export function decisionParameterName(plan: Plan, executionName: string): string {
  return `/drctl/${plan.name}/decisions/${executionName}`;
}

/** The words a decision must contain to accept a data loss nobody can measure. */
export const ACCEPT_UNKNOWN_DATA_LOSS = 'accept unknown data loss';

// ---- Drills (a second state machine that fails over copies, never production) ----------------

export function drillStateMachineName(plan: Plan): string {
  return `${plan.name}-drill`;
}

/** The DNS name a drill switches and verifies through: drills.recordName, or drill.<zone>. */
export function drillRecordName(plan: Plan): string {
  const zone = plan.dns.zoneName.endsWith('.') ? plan.dns.zoneName.slice(0, -1) : plan.dns.zoneName;
  return plan.drills.recordName ?? `drill.${zone}`;
}

const RDS_IDENTIFIER_MAX = 63;
const DRILL_SUFFIX = '-drill';

/**
 * The drill copy of one plan database: a cascading read replica of its DR replica, named after
 * it. Shortened to fit RDS's 63 characters, never ending in a hyphen or holding two in a row.
 */
export function drillCopyIdentifier(replicaIdentifier: string): string {
  const stem = replicaIdentifier
    .slice(0, RDS_IDENTIFIER_MAX - DRILL_SUFFIX.length)
    .replace(/-+$/, '')
    .toLowerCase();
  return `${stem}${DRILL_SUFFIX}`;
}

/** True for an identifier drctl's drill copies use (what the drill roles may create and delete). */
export function isDrillCopyIdentifier(identifier: string): boolean {
  return identifier.toLowerCase().endsWith(DRILL_SUFFIX);
}

/** Tags on every drill resource, so that a later sweep finds what a crashed drill left. */
export const DRILL_PLAN_TAG = 'drctl:plan';
export const DRILL_EXECUTION_TAG = 'drctl:drill';

export function drillTags(plan: Plan, executionName: string): { Key: string; Value: string }[] {
  return [
    { Key: DRILL_PLAN_TAG, Value: plan.name },
    { Key: DRILL_EXECUTION_TAG, Value: executionName },
  ];
}

/**
 * The namespace of the drill gate's metric. It is not drctl's: CloudWatch's only IAM condition on
 * PutMetricData is cloudwatch:namespace, so a namespace of its own is what lets the drill role
 * write the drill gate and never the public one.
 */
export const DRILL_NAMESPACE = 'drctl/drill';

/** The drill name's gate: the same data-plane mechanism as the public record's, on its own metric. */
export function drillGateMetric(plan: Plan): MetricIdentity {
  return {
    namespace: DRILL_NAMESPACE,
    metricName: 'DrillTrafficGate',
    dimensions: [{ Name: 'Plan', Value: plan.name }],
  };
}

export function drillGateAlarmName(plan: Plan): string {
  return `${plan.name}-drill-gate-closed`;
}

export function drillSetIdentifier(plan: Plan, role: 'primary' | 'dr'): string {
  return `${plan.name}-drill-${role}`;
}

/** The evidence bucket in the DR region (S3 names: 3-63 lowercase letters, digits, hyphens). */
export function evidenceBucketName(plan: Plan, account: string): string {
  return `drctl-${plan.name}-evidence-${account}-${plan.regions.dr}`.slice(0, 63).replace(/-+$/, '');
}

/** Where one run's report lives in the evidence bucket. */
export function evidenceKey(
  stateMachineName: string,
  executionName: string,
  startedAt: Date,
  extension: 'json' | 'html',
): string {
  const year = startedAt.getUTCFullYear();
  const month = String(startedAt.getUTCMonth() + 1).padStart(2, '0');
  return `runs/${stateMachineName}/${year}/${month}/${executionName}.${extension}`;
}

/** The canary's table in each primary database, and its database user. */
export const CANARY_SCHEMA = 'drctl_canary';
export const CANARY_TABLE = 'heartbeat';
export const CANARY_USER = 'drctl_canary';

/**
 * The canary's credentials for one plan database (Secrets Manager, RDS secret JSON: username,
 * password), created in the primary region and replicated to the DR region under the same name:
 * a drill copy is a replica of the primary and has the same users.
 */
export function canarySecretName(plan: Plan, databaseId: string): string {
  return `drctl/${plan.name}/${databaseId}/canary`;
}

/** The canary functions: the writer in the primary region's VPC, the reader in the DR region's. */
export function canaryFunctionName(plan: Plan, role: 'writer' | 'reader'): string {
  return role === 'writer' ? `${plan.name}-canary` : `${plan.name}-canary-reader`;
}
