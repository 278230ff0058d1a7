import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/** AWS CloudFormation User Guide, "CloudFormation quotas": 500 resources per stack. */
export const STACK_RESOURCE_LIMIT = 500;

/**
 * How many of the plan's databases, and of its services, one application stack holds. Each
 * region's application stack (`<plan>-<region role>`) holds the first ones; every further group
 * goes to a stack of its own, `<plan>-<role>-databases-<n>` or `<plan>-<role>-services-<n>`
 * (docs/architecture.md, "Stack layout"). The groups are fixed by position, so appending items
 * never moves one that is deployed. Eight services: each carries every database's connection in
 * its task definition, so a stack of services grows by the databases too (template body size).
 */
export const DATABASES_PER_STACK = 10;
export const SERVICES_PER_STACK = 8;

export type RegionRole = 'primary' | 'dr';

/** The items in groups of `size`, by position; always at least one group (the application stack's). */
export function groupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups.length > 0 ? groups : [[]];
}

/** The stack holding databases group `n` (1-based; group 0 is in the application stack). */
export function databaseStackName(plan: Plan, role: RegionRole, n: number): string {
  return `${plan.name}-${role}-databases-${n}`;
}

/** The stack holding services group `n` (1-based; group 0 is in the application stack). */
export function serviceStackName(plan: Plan, role: RegionRole, n: number): string {
  return `${plan.name}-${role}-services-${n}`;
}

/** The same page: 200 outputs per stack (the stacks of databases export their connections). */
export const STACK_OUTPUT_LIMIT = 200;
/** The same page: a template body in an Amazon S3 object (how CDK deploys) is at most 1 MB. */
export const TEMPLATE_BODY_LIMIT_BYTES = 1_000_000;

/**
 * What each stack holds, per item of the plan. Measured from `npm run synth` templates
 * (cdk.out/*.template.json, CDKMetadata included) for plans of 1-50 databases, 1-200 services,
 * 1-4 clusters, 0-4 emails, 2-4 availability zones, with and without certificates, each strategy
 * and trigger, one or both database engine ports, with and without the write canary and the
 * drill schedule. Counts are of the template CloudFormation processes: each hosted rotation adds
 * the nested stack the AWS::SecretsManager transform puts its function in (CloudFormation User
 * Guide, "AWS::SecretsManager transform"). tests/infra/plan-stack-size.test.ts and
 * tests/infra/large-plan.test.ts synthesize plans and fail if the model ever undercounts:
 * re-measure these when the stacks change.
 */
export const STACK_RESOURCE_COSTS = {
  /** VPC, subnets, NAT, flow logs, VPC endpoints, log and assets buckets. */
  drFoundation: { base: 23, perZone: 11 },
  primaryFoundation: { base: 27, perZone: 11, perService: 1 },
  /**
   * Load balancer, databases (instance, key, secrets, master and application-user rotations,
   * parameter and subnet groups, the user-setup custom resource), services. A second engine port
   * (MySQL/MariaDB and PostgreSQL in one plan) adds security group rules. The write canary adds
   * its function, schedule, alarm and security group, and per database its secret, attachment,
   * rotation and security group rules. Per stack of databases: the rules that let the tasks (and
   * the canary) reach its databases.
   */
  primaryApplication: {
    base: 18,
    perDatabase: 17,
    perRotation: 1,
    perService: 6,
    perCluster: 1,
    withCertificate: 1,
    perExtraEnginePort: 3,
    usersPerExtraEnginePort: 2,
    canary: 11,
    canaryPerDatabase: 6,
    canaryPerExtraEnginePort: 2,
    perDatabaseStackPerPort: 1,
    canaryPerDatabaseStackPerPort: 2,
  },
  /** The write canary's reader: its function and security group. */
  drApplication: {
    base: 15,
    perDatabase: 6,
    perRotation: 0,
    perService: 6,
    perCluster: 1,
    withCertificate: 1,
    perExtraEnginePort: 1,
    usersPerExtraEnginePort: 0,
    canary: 7,
    canaryPerDatabase: 0,
    canaryPerExtraEnginePort: 2,
    perDatabaseStackPerPort: 1,
    canaryPerDatabaseStackPerPort: 2,
  },
  /**
   * A stack of databases: their security group and, in the primary region, the user setup (its
   * function, role, log group, security group and rules per port); in the DR region the
   * secret lookup's function, role and log group.
   */
  primaryDatabases: { base: 7, perPort: 2, perDatabase: 17, perRotation: 1, canaryPerDatabase: 6 },
  drDatabases: { base: 6, perPort: 0, perDatabase: 6, perRotation: 0, canaryPerDatabase: 0 },
  /** A stack of services: per service its task definition, roles, log group and Fargate service. */
  services: { base: 1, perService: 6 },
  /**
   * Functions, failover and drill state machines and their four child state machines (each with
   * its role, policy and log group), topic, alarms, schedules, dashboard, the drill gate alarm,
   * the evidence bucket, the evidence function and its rule, and the drill sweep rule; the gate
   * strategy adds its alarm, drills.schedule its rule and role.
   */
  orchestrator: { base: 105, gateStrategy: 1, perDatabase: 1, perEmail: 1, drillSchedule: 3 },
  /**
   * Health checks, the fast-path alarm and its forwarder, the record(s), the drill name's two
   * records and its gate check; the gate adds its check and a second record.
   */
  global: { base: 14, weightedStrategy: 1, gateStrategy: 2 },
} as const;

/**
 * CDK moves what does not fit a role's inline policy (10,000 characters by its own estimate, a
 * token ARN counted as 150) into managed policies of at most 6,000, one more resource each
 * (aws-iam Role, splitLargePolicy). A service's task execution role has one statement per
 * database secret; measured: none up to 36 databases (37 with `deployment.containerImage`,
 * which drops the ECR statements), then one more per 22.
 */
export function executionRoleOverflow(plan: Plan): number {
  const inline = plan.deployment?.containerImage ? 37 : 36;
  return Math.max(0, Math.ceil((plan.databases.length - inline) / 22));
}

/**
 * The roles whose statements list plan items by literal ARN (the write canary's and the
 * orchestrator's functions) overflow by the length of those ARNs. An upper bound, not a count:
 * statements are estimated as CDK does and packed at the worst fill first-fit can leave.
 */
function literalOverflow(characters: number, inlineFree: number, largestStatement: number): number {
  if (characters <= inlineFree) return 0;
  return Math.ceil((characters - inlineFree + largestStatement) / (6_000 - largestStatement));
}

/** Estimated size of one ARN in a statement (CDK: its length plus 3, a token 150 plus 3; accounts have 12 digits). */
const TOKEN_ARN = 153;

function dbArnLength(region: string, identifier: string): number {
  return `arn:aws:rds:${region}:${'1'.repeat(12)}:db:${identifier}`.length + 3;
}

function ecsServiceArnLength(region: string, cluster: string, service: string): number {
  return `arn:aws:ecs:${region}:${'1'.repeat(12)}:service/${cluster}/${service}`.length + 3;
}

/** The write canary's role: a token ARN per canary secret and the primaries' literal ARNs. */
function canaryWriterOverflow(plan: Plan): number {
  const secrets = plan.databases.length * (TOKEN_ARN + 105);
  const primaries = plan.databases.reduce(
    (sum, db) => sum + dbArnLength(db.primary.region, db.primary.identifier),
    0,
  );
  return literalOverflow(secrets + primaries, 7_000, Math.max(primaries, TOKEN_ARN + 105));
}

/**
 * The orchestrator's roles list databases (primaries, replicas, drill copies) and services by
 * literal ARN, several times over (health monitor, fence, promote, scale, drill).
 */
function orchestratorOverflow(plan: Plan): number {
  const databases = plan.databases.reduce(
    (sum, db) =>
      sum +
      dbArnLength(db.primary.region, db.primary.identifier) +
      dbArnLength(db.replica.region, db.replica.identifier),
    0,
  );
  const services = plan.services.reduce(
    (sum, service) =>
      sum +
      ecsServiceArnLength(plan.regions.dr, service.cluster, service.service) +
      ecsServiceArnLength(plan.regions.primary, service.primary.cluster, service.primary.service),
    0,
  );
  return Math.max(0, Math.ceil((4.5 * (databases + services) - 30_000) / 5_000));
}

/**
 * Template bytes of the stacks that hold services: each service's task definition and execution
 * role carry every database's host, port and secret (the references grow with the names).
 * Measured on synthesized templates with a margin; the services dominate.
 */
export function serviceTemplateBytes(plan: Plan): number {
  const names = plan.name.length;
  return plan.databases.reduce((sum, db) => sum + 1_400 + 12 * (names + db.id.length), 4_000 + 6 * names);
}

/** The rest of an application stack's template: per database it holds, and its own parts. */
const APPLICATION_BYTES = { base: 60_000, perPrimaryDatabase: 24_000, perReplica: 9_000 };

const DEFAULT_ZONE_COUNT = 2;

export interface StackEstimate {
  stack: string;
  resources: number;
  /** Exports that grow with the plan (the stacks of databases and services import them); 0: a few, fixed. */
  outputs: number;
  /** Template body size, for the stacks whose size grows with the plan (0: not estimated, small). */
  bytes: number;
  /** The plan field that grows it most, and how. */
  field: string;
  breakdown: string;
  /** What would make it fit. */
  allowed: string;
}

const FEWER_ITEMS = 'fewer items, or split the application into two plans';

interface Group {
  databases: Plan['databases'];
  services: Plan['services'];
}

const portOf = (db: Plan['databases'][number]) => (db.engine === 'postgres' ? 5432 : 3306);
const portsOf = (databases: Plan['databases']) => new Set(databases.map(portOf)).size;

export function estimateStackResources(plan: Plan): StackEstimate[] {
  const c = STACK_RESOURCE_COSTS;
  const d = plan.databases.length;
  const s = plan.services.length;
  const e = plan.notifications.emails.length;
  const zones = (role: RegionRole) => plan.deployment?.availabilityZones?.[role].length ?? DEFAULT_ZONE_COUNT;
  const certificate = (role: RegionRole) => (plan.deployment?.certificateArns?.[role] ? 1 : 0);
  const canary = plan.drills.canary.enabled ? 1 : 0;
  // The databases' rotations: master and application user, and the canary's with the canary on.
  const fenced = plan.deployment?.activeRegion === 'dr';
  const rotations = fenced ? 0 : 2 + canary;
  const databaseGroups = groupsOf(plan.databases, DATABASES_PER_STACK);
  const serviceGroups = groupsOf(plan.services, SERVICES_PER_STACK);
  const [first = []] = databaseGroups;
  const [firstServices = []] = serviceGroups;
  const overflow = executionRoleOverflow(plan);
  const perServiceBytes = serviceTemplateBytes(plan);
  const planPorts = portsOf(plan.databases);

  const application = (role: RegionRole): StackEstimate => {
    const cost = role === 'primary' ? c.primaryApplication : c.drApplication;
    const group: Group = { databases: first, services: firstServices };
    const clusters = new Set(
      plan.services.map((service) => (role === 'primary' ? service.primary.cluster : service.cluster)),
    ).size;
    // The rules letting the tasks (and the canary) into each stack of databases, per engine port of its databases.
    const groupPorts = databaseGroups.slice(1).reduce((sum, databases) => sum + portsOf(databases), 0);
    const dg = group.databases.length;
    const sg = group.services.length;
    const resources =
      cost.base +
      (cost.perDatabase + cost.perRotation * rotations) * dg +
      (cost.perService + overflow) * sg +
      cost.perCluster * clusters +
      cost.withCertificate * certificate(role) +
      cost.perExtraEnginePort * (planPorts - 1) -
      cost.usersPerExtraEnginePort * (planPorts - portsOf(group.databases)) +
      cost.perDatabaseStackPerPort * groupPorts +
      canary *
        (cost.canary +
          cost.canaryPerDatabase * dg +
          cost.canaryPerExtraEnginePort * (planPorts - 1) +
          cost.canaryPerDatabaseStackPerPort * groupPorts +
          (role === 'primary' ? canaryWriterOverflow(plan) : 0));
    const bytes =
      APPLICATION_BYTES.base +
      (role === 'primary' ? APPLICATION_BYTES.perPrimaryDatabase : APPLICATION_BYTES.perReplica) * dg +
      perServiceBytes * sg;
    return {
      stack: `${plan.name}-${role}`,
      resources,
      outputs: serviceGroups.length > 1 ? 3 * dg + 1 + clusters : 0,
      bytes,
      // Its databases and services are bounded by the layout: what grows it is the clusters (services).
      field: bytes > TEMPLATE_BODY_LIMIT_BYTES ? 'databases' : 'services',
      allowed:
        clusters > sg
          ? 'fewer clusters (services[].cluster, services[].primary.cluster): each is a resource of the application stack'
          : FEWER_ITEMS,
      breakdown: `${cost.base} + ${cost.perDatabase} per database × ${dg} + ${cost.perService} per service × ${sg} + ${cost.perCluster} per cluster × ${clusters}${canary ? ` + the write canary (${cost.canary} + ${cost.canaryPerDatabase} per database)` : ''}${rotations && cost.perRotation ? ` + ${rotations} rotations per database` : ''}${overflow ? ` + ${overflow} overflow policies per service` : ''}`,
    };
  };

  const databaseStack = (role: RegionRole, databases: Plan['databases'], n: number): StackEstimate => {
    const cost = role === 'primary' ? c.primaryDatabases : c.drDatabases;
    const k = databases.length;
    return {
      stack: databaseStackName(plan, role, n),
      resources:
        cost.base +
        cost.perPort * portsOf(databases) +
        (cost.perDatabase + cost.perRotation * rotations + canary * cost.canaryPerDatabase) * k,
      outputs: (role === 'primary' ? 3 + canary : 3) * k + 1,
      bytes: 0,
      field: 'databases',
      allowed: FEWER_ITEMS,
      breakdown: `${cost.base} + ${cost.perDatabase} per database × ${k}`,
    };
  };

  const serviceStack = (role: RegionRole, services: Plan['services'], n: number): StackEstimate => {
    const k = services.length;
    const bytes = c.services.base * 1_000 + perServiceBytes * k;
    return {
      stack: serviceStackName(plan, role, n),
      resources: c.services.base + (c.services.perService + overflow) * k,
      outputs: 0,
      bytes,
      field: bytes > TEMPLATE_BODY_LIMIT_BYTES ? 'databases' : 'services',
      allowed: FEWER_ITEMS,
      breakdown: `${c.services.base} + ${c.services.perService} per service × ${k}${overflow ? ` + ${overflow} overflow policies per service` : ''}`,
    };
  };

  const region = (role: RegionRole): StackEstimate[] => [
    ...databaseGroups.slice(1).map((databases, i) => databaseStack(role, databases, i + 1)),
    application(role),
    ...serviceGroups.slice(1).map((services, i) => serviceStack(role, services, i + 1)),
  ];

  return [
    {
      stack: `${plan.name}-dr-foundation`,
      resources: c.drFoundation.base + c.drFoundation.perZone * zones('dr'),
      outputs: 0,
      bytes: 0,
      field: 'deployment.availabilityZones.dr',
      allowed: FEWER_ITEMS,
      breakdown: `${c.drFoundation.base} + ${c.drFoundation.perZone} per zone × ${zones('dr')}`,
    },
    {
      stack: `${plan.name}-primary-foundation`,
      resources:
        c.primaryFoundation.base +
        c.primaryFoundation.perZone * zones('primary') +
        c.primaryFoundation.perService * s,
      outputs: 0,
      bytes: 0,
      field: 'services',
      allowed: FEWER_ITEMS,
      breakdown: `${c.primaryFoundation.base} + ${c.primaryFoundation.perZone} per zone × ${zones('primary')} + ${c.primaryFoundation.perService} per service × ${s}`,
    },
    ...region('primary'),
    ...region('dr'),
    {
      stack: `${plan.name}-orchestrator`,
      resources:
        c.orchestrator.base +
        (plan.dns.strategy === 'gate' ? c.orchestrator.gateStrategy : 0) +
        c.orchestrator.perDatabase * d +
        c.orchestrator.perEmail * e +
        (plan.drills.schedule ? c.orchestrator.drillSchedule : 0) +
        orchestratorOverflow(plan),
      outputs: 0,
      bytes: 0,
      field: e > d ? 'notifications.emails' : 'databases',
      allowed: FEWER_ITEMS,
      breakdown: `${c.orchestrator.base} + ${c.orchestrator.perDatabase} per database × ${d} + ${c.orchestrator.perEmail} per email × ${e} + ${orchestratorOverflow(plan)} overflow policies`,
    },
    {
      stack: `${plan.name}-global`,
      resources:
        c.global.base +
        (plan.dns.strategy === 'weighted' ? c.global.weightedStrategy : 0) +
        (plan.dns.strategy === 'gate' ? c.global.gateStrategy : 0),
      outputs: 0,
      bytes: 0,
      field: 'dns.strategy',
      allowed: FEWER_ITEMS,
      breakdown: `${c.global.base}`,
    },
  ];
}

/** ECR: a registry's replication configuration holds 10 rules of 100 repository filters (one per service). */
export const ECR_REPLICATED_REPOSITORIES_LIMIT = 1_000;

export function stackSizeProblems(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const estimate of estimateStackResources(plan)) {
    if (estimate.resources > STACK_RESOURCE_LIMIT)
      problems.push(
        problem(
          estimate.field,
          `the stack ${estimate.stack} would hold about ${estimate.resources} resources (${estimate.breakdown}); a CloudFormation stack holds at most ${STACK_RESOURCE_LIMIT}; allowed: ${estimate.allowed}`,
        ),
      );
    if (estimate.outputs > STACK_OUTPUT_LIMIT)
      problems.push(
        problem(
          'services',
          `the stack ${estimate.stack} would export about ${estimate.outputs} values (its databases' connections and its clusters for the stacks of services); a CloudFormation stack has at most ${STACK_OUTPUT_LIMIT} outputs; allowed: fewer clusters`,
        ),
      );
    if (estimate.bytes > TEMPLATE_BODY_LIMIT_BYTES)
      problems.push(
        problem(
          'databases',
          `the template of ${estimate.stack} would be about ${Math.round(estimate.bytes / 1000)} KB: every service carries each of the ${plan.databases.length} databases' connection (host, port, secret), and CloudFormation takes a template of at most 1 MB; allowed: fewer databases`,
        ),
      );
  }
  if (plan.services.length > ECR_REPLICATED_REPOSITORIES_LIMIT)
    problems.push(
      problem(
        'services',
        `${plan.services.length} services need as many replicated ECR repositories; a registry's replication configuration holds at most 10 rules of 100 repository filters (Amazon ECR API Reference, ReplicationConfiguration, ReplicationRule); allowed: at most ${ECR_REPLICATED_REPOSITORIES_LIMIT}`,
      ),
    );
  return problems;
}
