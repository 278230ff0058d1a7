import { type App, type Stack, Tags } from 'aws-cdk-lib';
import {
  DATABASES_PER_STACK,
  databaseStackName,
  groupsOf,
  SERVICES_PER_STACK,
  serviceStackName,
} from '../plan/rules/stack-size.ts';
import type { Plan } from '../plan/schema.ts';
import { assertDeployable } from './config/deploy-settings.ts';
import type { RegionRole } from './config/plan-environment.ts';
import { addSecurityChecks } from './nag.ts';
import { ApplicationStack } from './stacks/application-stack.ts';
import { DatabaseStack } from './stacks/database-stack.ts';
import { FoundationStack } from './stacks/foundation-stack.ts';
import { GlobalStack } from './stacks/global-stack.ts';
import { OrchestratorStack } from './stacks/orchestrator-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';

export interface ReferenceStacks {
  drFoundation: FoundationStack;
  primaryFoundation: FoundationStack;
  primary: ApplicationStack;
  dr: ApplicationStack;
  orchestrator: OrchestratorStack;
  global: GlobalStack;
}

/**
 * The stacks a large plan adds (plan/rules/stack-size.ts): per region, one stack per further
 * group of databases and of services. Empty for a plan whose items fit the application stacks.
 */
export interface GroupStacks {
  databases: Record<RegionRole, DatabaseStack[]>;
  services: Record<RegionRole, ServiceStack[]>;
}

export interface ReferenceLayout {
  stacks: ReferenceStacks;
  groups: GroupStacks;
  /** Every stack of the app, in deploy order. */
  all: Stack[];
}

export interface ReferenceAppOptions {
  /** Where functions/ lives (tests); defaults to this repository's. */
  functionsRoot?: string;
  /** Run the cdk-nag packs at synth (default true). */
  securityChecks?: boolean;
}

/** Stack names: `<plan name>-<part>`, in deploy order (the groups' stacks: plan/rules/stack-size.ts). */
export function stackNames(plan: Plan) {
  return {
    drFoundation: `${plan.name}-dr-foundation`,
    primaryFoundation: `${plan.name}-primary-foundation`,
    primary: `${plan.name}-primary`,
    dr: `${plan.name}-dr`,
    orchestrator: `${plan.name}-orchestrator`,
    global: `${plan.name}-global`,
  };
}

/** The reference app's six stacks (see buildReferenceLayout for the groups' stacks of a large plan). */
export function buildReferenceApp(app: App, plan: Plan, options: ReferenceAppOptions = {}): ReferenceStacks {
  return buildReferenceLayout(app, plan, options).stacks;
}

/**
 * The reference two-region application plus the orchestrator, from a plan. Dependencies encode
 * the deploy order: the DR assets bucket before the primary's replication to it, a region's
 * stacks of databases before its application stack (which lets the tasks in) and that before its
 * stacks of services, the primary databases before their cross-region replicas, the orchestrator
 * before the alarm that triggers it.
 */
export function buildReferenceLayout(
  app: App,
  plan: Plan,
  options: ReferenceAppOptions = {},
): ReferenceLayout {
  prepareApp(app, plan, options);
  const names = stackNames(plan);
  const drFoundation = new FoundationStack(app, names.drFoundation, { plan, role: 'dr' });
  const primaryFoundation = new FoundationStack(app, names.primaryFoundation, { plan, role: 'primary' });
  primaryFoundation.addStackDependency(drFoundation, 'the assets bucket replicates to the DR bucket');
  const { primary, dr, groups } = applicationStacks(app, plan, options, {
    primary: primaryFoundation,
    dr: drFoundation,
  });
  const orchestrator = new OrchestratorStack(app, names.orchestrator, {
    plan,
    ...(options.functionsRoot ? { functionsRoot: options.functionsRoot } : {}),
    evidenceAccessLogsBucketName: drFoundation.foundation.logs.bucket.bucketName,
  });
  orchestrator.addStackDependency(dr, 'the orchestrator acts on the DR resources');
  for (const stack of [...groups.databases.dr, ...groups.services.dr])
    orchestrator.addStackDependency(stack, 'the orchestrator acts on the DR resources');
  const global = new GlobalStack(app, names.global, { plan });
  global.addStackDependency(orchestrator, 'the detection alarm must find its rule in the DR region');
  global.addStackDependency(primary, 'the public record points at the primary regional name');
  const stacks = { drFoundation, primaryFoundation, primary, dr, orchestrator, global };
  const all: Stack[] = [
    drFoundation,
    primaryFoundation,
    ...groups.databases.primary,
    primary,
    ...groups.services.primary,
    ...groups.databases.dr,
    dr,
    ...groups.services.dr,
    orchestrator,
    global,
  ];
  return { stacks, groups, all };
}

/** What the whole app gets before any stack exists. */
function prepareApp(app: App, plan: Plan, options: ReferenceAppOptions): void {
  // Everything the app needs of the plan, checked before any construct exists (plan errors, not stack traces).
  assertDeployable(plan);
  // Strong references keep a foundation (VPC, log bucket) from being deleted while an application uses it.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  if (options.securityChecks ?? true) addSecurityChecks(app);
  // Cost allocation and ownership: every resource says which recovery plan it belongs to.
  Tags.of(app).add('drctl:plan', plan.name);
}

/**
 * Each region's application stack with the stacks of its further groups (a large plan): the
 * primary region's first, then the DR region's, each replica stack after its primary databases'.
 */
function applicationStacks(
  app: App,
  plan: Plan,
  options: ReferenceAppOptions,
  foundations: Record<RegionRole, FoundationStack>,
): { primary: ApplicationStack; dr: ApplicationStack; groups: GroupStacks } {
  const [primaryDatabases = [], ...databaseGroups] = groupsOf(plan.databases, DATABASES_PER_STACK);
  const [primaryServices = [], ...serviceGroups] = groupsOf(plan.services, SERVICES_PER_STACK);
  const groups: GroupStacks = { databases: { primary: [], dr: [] }, services: { primary: [], dr: [] } };
  const databaseStacks = (role: RegionRole) =>
    databaseGroups.map(
      (databases, i) =>
        new DatabaseStack(app, databaseStackName(plan, role, i + 1), {
          plan,
          role,
          foundation: foundations[role].foundation,
          databases,
        }),
    );
  const application = (role: RegionRole) =>
    new ApplicationStack(app, stackNames(plan)[role], {
      plan,
      role,
      foundation: foundations[role].foundation,
      ...(role === 'primary' && foundations.primary.deadLetters
        ? { deadLetterQueue: foundations.primary.deadLetters.queue }
        : {}),
      ...(options.functionsRoot ? { functionsRoot: options.functionsRoot } : {}),
      ...(databaseGroups.length > 0
        ? { databases: primaryDatabases, databaseGroups: groups.databases[role].map((s) => s.databases) }
        : {}),
      ...(serviceGroups.length > 0 ? { services: primaryServices } : {}),
    });
  const serviceStacks = (role: RegionRole, stack: ApplicationStack) =>
    serviceGroups.map(
      (services, i) =>
        new ServiceStack(app, serviceStackName(plan, role, i + 1), {
          plan,
          role,
          foundation: foundations[role].foundation,
          application: stack.application,
          services,
        }),
    );
  groups.databases.primary = databaseStacks('primary');
  const primary = application('primary');
  groups.services.primary = serviceStacks('primary', primary);
  groups.databases.dr = databaseStacks('dr');
  groups.databases.dr.forEach((replicas, i) => {
    const source = groups.databases.primary[i];
    if (source)
      replicas.addStackDependency(
        source,
        'the read replicas need their primary databases and replicated secrets',
      );
  });
  const dr = application('dr');
  dr.addStackDependency(primary, 'the read replicas need their primary databases and replicated secrets');
  groups.services.dr = serviceStacks('dr', dr);
  return { primary, dr, groups };
}
