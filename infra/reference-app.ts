import { type App, Tags } from 'aws-cdk-lib';
import type { Plan } from '../plan/schema.ts';
import { assertDeployable } from './config/deploy-settings.ts';
import { addSecurityChecks } from './nag.ts';
import { ApplicationStack } from './stacks/application-stack.ts';
import { FoundationStack } from './stacks/foundation-stack.ts';
import { GlobalStack } from './stacks/global-stack.ts';
import { OrchestratorStack } from './stacks/orchestrator-stack.ts';

export interface ReferenceStacks {
  drFoundation: FoundationStack;
  primaryFoundation: FoundationStack;
  primary: ApplicationStack;
  dr: ApplicationStack;
  orchestrator: OrchestratorStack;
  global: GlobalStack;
}

export interface ReferenceAppOptions {
  /** Where functions/ lives (tests); defaults to this repository's. */
  functionsRoot?: string;
  /** Run the cdk-nag packs at synth (default true). */
  securityChecks?: boolean;
}

/** Stack names: `<plan name>-<part>`, in deploy order. */
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

/**
 * The reference two-region application plus the orchestrator, from a plan. Dependencies encode
 * the deploy order: the DR assets bucket before the primary's replication to it, the primary
 * databases before their cross-region replicas, the orchestrator before the alarm that triggers it.
 */
export function buildReferenceApp(app: App, plan: Plan, options: ReferenceAppOptions = {}): ReferenceStacks {
  // Everything the app needs of the plan, checked before any construct exists (plan errors, not stack traces).
  assertDeployable(plan);
  // Strong references keep a foundation (VPC, log bucket) from being deleted while an application uses it.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  if (options.securityChecks ?? true) addSecurityChecks(app);
  // Cost allocation and ownership: every resource says which recovery plan it belongs to.
  Tags.of(app).add('drctl:plan', plan.name);
  const names = stackNames(plan);
  const drFoundation = new FoundationStack(app, names.drFoundation, { plan, role: 'dr' });
  const primaryFoundation = new FoundationStack(app, names.primaryFoundation, { plan, role: 'primary' });
  primaryFoundation.addStackDependency(drFoundation, 'the assets bucket replicates to the DR bucket');
  const functionsRoot = options.functionsRoot ? { functionsRoot: options.functionsRoot } : {};
  const primary = new ApplicationStack(app, names.primary, {
    plan,
    role: 'primary',
    foundation: primaryFoundation.foundation,
    ...(primaryFoundation.deadLetters ? { deadLetterQueue: primaryFoundation.deadLetters.queue } : {}),
    ...functionsRoot,
  });
  const dr = new ApplicationStack(app, names.dr, {
    plan,
    role: 'dr',
    foundation: drFoundation.foundation,
    ...functionsRoot,
  });
  dr.addStackDependency(primary, 'the read replicas need their primary databases and replicated secrets');
  const orchestrator = new OrchestratorStack(app, names.orchestrator, {
    plan,
    ...functionsRoot,
    evidenceAccessLogsBucketName: drFoundation.foundation.logs.bucket.bucketName,
  });
  orchestrator.addStackDependency(dr, 'the orchestrator acts on the DR resources');
  const global = new GlobalStack(app, names.global, { plan });
  global.addStackDependency(orchestrator, 'the detection alarm must find its rule in the DR region');
  global.addStackDependency(primary, 'the public record points at the primary regional name');
  return { drFoundation, primaryFoundation, primary, dr, orchestrator, global };
}
