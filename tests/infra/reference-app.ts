import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, type AppProps, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { vi } from 'vitest';
import { buildReferenceApp, type ReferenceStacks } from '../../infra/reference-app.ts';
import { ApplicationStack } from '../../infra/stacks/application-stack.ts';
import { FoundationStack } from '../../infra/stacks/foundation-stack.ts';
import { GlobalStack } from '../../infra/stacks/global-stack.ts';
import { OrchestratorStack } from '../../infra/stacks/orchestrator-stack.ts';
import { loadPlanFile, parsePlan } from '../../plan/load.ts';
import type { Plan, PlanInput } from '../../plan/schema.ts';

/**
 * Test helpers: synthesize the reference app once per test file, with bundling skipped (template
 * tests need no Lambda bundles; one test bundles for real).
 */

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Timeouts of the infra test files, for a loaded 2-core machine (several agents and CI). The
 * first synth of a file loads CDK and takes ~25-30 s there, later ones a few seconds; files
 * share their synths in beforeAll, so a hook may hold two or three of them. A test that
 * synthesizes one more variant stack is warm by then.
 */
export const INFRA_HOOK_TIMEOUT_MS = 240_000;
export const INFRA_TEST_TIMEOUT_MS = 120_000;

/** Call at the top of an infra test file. */
export function useInfraTimeouts(): void {
  vi.setConfig({ hookTimeout: INFRA_HOOK_TIMEOUT_MS, testTimeout: INFRA_TEST_TIMEOUT_MS });
}

export function referencePlan(): Plan {
  return loadPlanFile(resolve(REPO_ROOT, 'drctl.plan.yaml'));
}

/** The reference plan with some fields replaced (re-validated, so defaults apply). */
export function planWith(change: (input: PlanInput) => void): Plan {
  const input = structuredClone(referencePlan()) as PlanInput;
  change(input);
  return parsePlan(input, 'test plan');
}

/**
 * A CDK app for template tests: bundling skipped, and without aws-cdk-lib's built-in
 * CloudFormation validator. Starting that validator (a WASM engine) costs ~9 s of CPU in each
 * test process and each template ~0.3 s more; it cannot fail these synths (without
 * `@aws-cdk/core:validateAgainstDefaultRules` its errors become warnings), and no template test
 * reads its findings. The checked synths keep it, as `npm run synth` does: their zero-findings
 * assertions cover its report (`synthesizeCheckedReferenceApp`, and the tests that add the
 * security checks themselves).
 */
export function templateApp(props: AppProps = {}): App {
  return new App({
    ...props,
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:bundling-stacks': [], ...props.context },
  });
}

export type StackKey = keyof ReferenceStacks;

export interface SynthesizedApp {
  plan: Plan;
  stacks: ReferenceStacks;
  templates: Record<StackKey, Template>;
}

export function synthesizeReferenceApp(
  plan: Plan = referencePlan(),
  options: { securityChecks?: boolean } = {},
) {
  const securityChecks = options.securityChecks ?? false;
  const app = securityChecks ? new App({ context: { 'aws:cdk:bundling-stacks': [] } }) : templateApp();
  const stacks = buildReferenceApp(app, plan, { securityChecks });
  const templates = Object.fromEntries(
    Object.entries(stacks).map(([key, stack]) => [key, Template.fromStack(stack as Stack)]),
  ) as Record<StackKey, Template>;
  return { app, plan, stacks, templates };
}

export interface CheckedApp extends SynthesizedApp {
  app: App;
  /** Where the assembly and cdk-nag's validation-report.json are. */
  outdir: string;
  /** What synth threw (cdk-nag fails synth on an unacknowledged finding); undefined when clean. */
  synthError: unknown;
}

/**
 * The reference app synthesized once with the security checks (cdk-nag) on, as `npm run synth`
 * does: the nag report and the templates come from the same synth (checks do not change
 * templates). When the checks fail synth, the templates come from a second synth without them,
 * so that only the check tests fail.
 */
export function synthesizeCheckedReferenceApp(plan: Plan = referencePlan()): CheckedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'drctl-nag-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildReferenceApp(app, plan, { securityChecks: true });
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  if (synthError !== undefined) {
    const unchecked = synthesizeReferenceApp(plan);
    return { ...unchecked, app, outdir, synthError };
  }
  const templates = Object.fromEntries(
    Object.entries(stacks).map(([key, stack]) => [key, Template.fromStack(stack as Stack)]),
  ) as Record<StackKey, Template>;
  return { app, outdir, synthError, plan, stacks, templates };
}

/** Every resource of one type in a template, by logical id. */
export function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}

export type OneStack = 'orchestrator' | 'global' | 'primary' | 'primary-foundation' | 'dr' | 'dr-foundation';

/** One stack of the reference app for a plan variant, without synthesizing the other five. */
export function synthesizeOne(plan: Plan, key: OneStack): Template {
  const app = templateApp();
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  if (key === 'orchestrator') return Template.fromStack(new OrchestratorStack(app, 'variant', { plan }));
  if (key === 'global') return Template.fromStack(new GlobalStack(app, 'variant', { plan }));
  const role = key.startsWith('dr') ? 'dr' : 'primary';
  const foundation = new FoundationStack(app, 'variant-foundation', { plan, role });
  if (key.endsWith('-foundation')) return Template.fromStack(foundation);
  return Template.fromStack(
    new ApplicationStack(app, 'variant', {
      plan,
      role,
      foundation: foundation.foundation,
      ...(foundation.deadLetters ? { deadLetterQueue: foundation.deadLetters.queue } : {}),
    }),
  );
}

/** Logical ids of the resources of one type (a redeploy must keep them: a new id is a replacement). */
export function logicalIdsOf(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type)).sort();
}
