import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/** AWS CloudFormation User Guide, "CloudFormation quotas": 500 resources per stack. */
export const STACK_RESOURCE_LIMIT = 500;

/**
 * What each of the CDK app's six stacks holds, per item of the plan. Measured from
 * `npm run synth` templates (cdk.out/*.template.json, CDKMetadata included) for plans of 1-10
 * databases, 1-70 services, 1-4 clusters, 0-4 emails, 2-4 availability zones, with and without
 * certificates, each strategy and trigger, one or both database engine ports, with and without
 * the write canary and the drill schedule; the model was exact for every one of them.
 * tests/infra/plan-stack-size.test.ts synthesizes plans and fails if it ever undercounts:
 * re-measure these when the stacks change.
 */
export const STACK_RESOURCE_COSTS = {
  /** VPC, subnets, NAT, flow logs, VPC endpoints, log and assets buckets. */
  drFoundation: { base: 23, perZone: 11 },
  primaryFoundation: { base: 27, perZone: 11, perService: 1 },
  /**
   * Load balancer, database (instance, key, secrets, master and application-user rotations,
   * parameter and subnet groups, the user-setup custom resource), services. A second engine port
   * (MySQL/MariaDB and PostgreSQL in one plan) adds security group rules. The write canary adds
   * its function, schedule, alarm and security group, and per database its secret, attachment,
   * rotation and security group rules.
   */
  primaryApplication: {
    base: 18,
    perDatabase: 17,
    perService: 6,
    perCluster: 1,
    withCertificate: 1,
    perExtraEnginePort: 3,
    canary: 11,
    canaryPerDatabase: 6,
    canaryPerExtraEnginePort: 2,
  },
  /** The write canary's reader: its function and security group. */
  drApplication: {
    base: 15,
    perDatabase: 6,
    perService: 6,
    perCluster: 1,
    withCertificate: 1,
    perExtraEnginePort: 1,
    canary: 7,
    canaryPerDatabase: 0,
    canaryPerExtraEnginePort: 2,
  },
  /**
   * Functions, failover and drill state machines, topic, alarms, schedules, dashboard, the drill
   * gate alarm, the evidence bucket, the evidence function and its rule, and the drill sweep rule;
   * the gate strategy adds its alarm, drills.schedule its rule and role.
   */
  orchestrator: { base: 89, gateStrategy: 1, perDatabase: 1, perEmail: 1, drillSchedule: 3 },
  /**
   * Health checks, the fast-path alarm and its forwarder, the record(s), the drill name's two
   * records and its gate check; the gate adds its check and a second record.
   */
  global: { base: 14, weightedStrategy: 1, gateStrategy: 2 },
} as const;

const DEFAULT_ZONE_COUNT = 2;

export interface StackEstimate {
  stack: string;
  resources: number;
  /** The plan field that grows it most, and how. */
  field: string;
  breakdown: string;
}

export function estimateStackResources(plan: Plan): StackEstimate[] {
  const c = STACK_RESOURCE_COSTS;
  const d = plan.databases.length;
  const s = plan.services.length;
  const e = plan.notifications.emails.length;
  const zones = (role: 'primary' | 'dr') =>
    plan.deployment?.availabilityZones?.[role].length ?? DEFAULT_ZONE_COUNT;
  const clusters = (pick: (service: Plan['services'][number]) => string) =>
    new Set(plan.services.map(pick)).size;
  const certificate = (role: 'primary' | 'dr') => (plan.deployment?.certificateArns?.[role] ? 1 : 0);
  // MySQL and MariaDB listen on 3306, PostgreSQL on 5432: a plan with both has one more port.
  const extraPorts = new Set(plan.databases.map((db) => (db.engine === 'postgres' ? 5432 : 3306))).size - 1;
  const canary = plan.drills.canary.enabled ? 1 : 0;
  const appField =
    c.primaryApplication.perService * s >= c.primaryApplication.perDatabase * d ? 'services' : 'databases';
  const application = (
    role: 'primary' | 'dr',
    cost: typeof c.primaryApplication | typeof c.drApplication,
    clusterCount: number,
  ): StackEstimate => ({
    stack: `${plan.name}-${role}`,
    resources:
      cost.base +
      cost.perDatabase * d +
      cost.perService * s +
      cost.perCluster * clusterCount +
      cost.withCertificate * certificate(role) +
      cost.perExtraEnginePort * extraPorts +
      canary * (cost.canary + cost.canaryPerDatabase * d + cost.canaryPerExtraEnginePort * extraPorts),
    field: appField,
    breakdown: `${cost.base} + ${cost.perDatabase} per database × ${d} + ${cost.perService} per service × ${s} + ${cost.perCluster} per cluster × ${clusterCount}${canary ? ` + the write canary (${cost.canary} + ${cost.canaryPerDatabase} per database)` : ''}`,
  });
  return [
    {
      stack: `${plan.name}-dr-foundation`,
      resources: c.drFoundation.base + c.drFoundation.perZone * zones('dr'),
      field: 'deployment.availabilityZones.dr',
      breakdown: `${c.drFoundation.base} + ${c.drFoundation.perZone} per zone × ${zones('dr')}`,
    },
    {
      stack: `${plan.name}-primary-foundation`,
      resources:
        c.primaryFoundation.base +
        c.primaryFoundation.perZone * zones('primary') +
        c.primaryFoundation.perService * s,
      field: 'services',
      breakdown: `${c.primaryFoundation.base} + ${c.primaryFoundation.perZone} per zone × ${zones('primary')} + ${c.primaryFoundation.perService} per service × ${s}`,
    },
    application(
      'primary',
      c.primaryApplication,
      clusters((service) => service.primary.cluster),
    ),
    application(
      'dr',
      c.drApplication,
      clusters((service) => service.cluster),
    ),
    {
      stack: `${plan.name}-orchestrator`,
      resources:
        c.orchestrator.base +
        (plan.dns.strategy === 'gate' ? c.orchestrator.gateStrategy : 0) +
        c.orchestrator.perDatabase * d +
        c.orchestrator.perEmail * e +
        (plan.drills.schedule ? c.orchestrator.drillSchedule : 0),
      field: e > d ? 'notifications.emails' : 'databases',
      breakdown: `${c.orchestrator.base} + ${c.orchestrator.perDatabase} per database × ${d} + ${c.orchestrator.perEmail} per email × ${e}`,
    },
    {
      stack: `${plan.name}-global`,
      resources:
        c.global.base +
        (plan.dns.strategy === 'weighted' ? c.global.weightedStrategy : 0) +
        (plan.dns.strategy === 'gate' ? c.global.gateStrategy : 0),
      field: 'dns.strategy',
      breakdown: `${c.global.base}`,
    },
  ];
}

export function stackSizeProblems(plan: Plan): PlanProblem[] {
  return estimateStackResources(plan)
    .filter((estimate) => estimate.resources > STACK_RESOURCE_LIMIT)
    .map((estimate) =>
      problem(
        estimate.field,
        `the stack ${estimate.stack} would hold about ${estimate.resources} resources (${estimate.breakdown}); a CloudFormation stack holds at most ${STACK_RESOURCE_LIMIT}; allowed: fewer items, or split the application into two plans`,
      ),
    );
}
