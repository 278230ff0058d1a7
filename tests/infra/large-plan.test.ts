import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { buildReferenceLayout, type ReferenceLayout } from '../../infra/reference-app.ts';
import { parsePlan } from '../../plan/load.ts';
import {
  DATABASES_PER_STACK,
  estimateStackResources,
  SERVICES_PER_STACK,
  STACK_OUTPUT_LIMIT,
  STACK_RESOURCE_LIMIT,
  stackSizeProblems,
  TEMPLATE_BODY_LIMIT_BYTES,
} from '../../plan/rules/stack-size.ts';
import { type Plan, type PlanInput, planSchema } from '../../plan/schema.ts';
import { grownTo, referenceDocument } from '../unit/plan/support.ts';
import { REPO_ROOT, templateApp } from './reference-app.ts';

/**
 * Issue 14's large plan, 50 databases and 200 services (in 4 clusters), with the reference
 * plan's other settings (write canary, certificates, gate, drill schedule) and poll intervals the
 * history rule accepts at that size. Synthesized once, as the CDK CLI does (CDKMetadata included,
 * bundling skipped: it adds no resource); every assertion reads that one assembly: 62 stacks,
 * about a minute on a loaded 2-core machine.
 */
const DATABASES = 50;
const SERVICES = 200;

function largePlanDocument(): PlanInput {
  const document = referenceDocument();
  grownTo(document, DATABASES, SERVICES, 4);
  // Execution history (plan/rules/execution-history.ts): 200 services polled every 15 s would
  // pass 25,000 events; these intervals keep the longest failover and drill within it.
  document.failover = {
    ...document.failover,
    pollSeconds: { promotion: 300, service: 300, dns: 10, fence: 5 },
  };
  document.drills = { ...document.drills, timeoutMinutes: 60, copyPollSeconds: 300 };
  return document;
}

interface TemplateFacts {
  resources: number;
  /** Hosted rotations: each becomes one more resource (a nested stack) when CloudFormation processes the transform. */
  rotations: number;
  parameters: number;
  outputs: number;
  bytes: number;
  types: Record<string, number>;
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
}

function factsOf(outdir: string, stack: Stack): TemplateFacts {
  const file = join(outdir, stack.templateFile);
  const template = JSON.parse(readFileSync(file, 'utf8'));
  const resources = Object.values(template.Resources ?? {}) as { Type: string }[];
  const types: Record<string, number> = {};
  for (const resource of resources) types[resource.Type] = (types[resource.Type] ?? 0) + 1;
  return {
    resources: resources.length,
    rotations: types['AWS::SecretsManager::RotationSchedule'] ?? 0,
    parameters: Object.keys(template.Parameters ?? {}).length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    bytes: statSync(file).size,
    types,
    template,
  };
}

function identifiersIn(facts: TemplateFacts, type: string, property: string): string[] {
  return Object.values(facts.template.Resources)
    .filter((resource) => resource.Type === type)
    .map((resource) => String(resource.Properties?.[property]));
}

vi.setConfig({ hookTimeout: 900_000, testTimeout: 120_000 });

describe(`a plan of ${DATABASES} databases and ${SERVICES} services`, () => {
  let plan: Plan;
  let layout: ReferenceLayout;
  const facts = new Map<string, TemplateFacts>();
  let synthSeconds = 0;

  beforeAll(() => {
    plan = parsePlan(largePlanDocument(), 'large plan');
    const outdir = mkdtempSync(join(tmpdir(), 'drctl-large-'));
    const started = performance.now();
    // Without CDK's built-in CloudFormation validator (templateApp), which takes four fifths of
    // this synth (about 60 s become 280 on a loaded machine); `npm run synth` keeps it on.
    const app = templateApp({ outdir, analyticsReporting: true });
    layout = buildReferenceLayout(app, plan, { securityChecks: false });
    app.synth();
    synthSeconds = (performance.now() - started) / 1000;
    for (const stack of layout.all) facts.set(stack.stackName, factsOf(outdir, stack));
  });

  it('splits its databases and services into stacks of their own, by position, and replicates the 200 repositories in two ECR rules', () => {
    // Prepare
    const databaseStacks = Math.ceil(DATABASES / DATABASES_PER_STACK) - 1;
    const serviceStacks = Math.ceil(SERVICES / SERVICES_PER_STACK) - 1;

    // Act
    const names = layout.all.map((stack) => stack.stackName);
    const dbIds = identifiersIn(
      facts.get('shop-primary-databases-1') as TemplateFacts,
      'AWS::RDS::DBInstance',
      'DBInstanceIdentifier',
    );
    const replicaIds = identifiersIn(
      facts.get('shop-dr-databases-4') as TemplateFacts,
      'AWS::RDS::DBInstance',
      'DBInstanceIdentifier',
    );
    const serviceNames = identifiersIn(
      facts.get('shop-dr-services-1') as TemplateFacts,
      'AWS::ECS::Service',
      'ServiceName',
    );
    const firstServices = identifiersIn(
      facts.get('shop-primary') as TemplateFacts,
      'AWS::ECS::Service',
      'ServiceName',
    );
    const replication = Object.values(
      (facts.get('shop-primary-foundation') as TemplateFacts).template.Resources,
    ).find((resource) => resource.Type === 'AWS::ECR::ReplicationConfiguration');
    const configuration = replication?.Properties?.ReplicationConfiguration as
      | { Rules: { RepositoryFilters: unknown[] }[] }
      | undefined;
    const replicationRules = (configuration?.Rules ?? []).map((rule) => rule.RepositoryFilters.length);

    // Assess
    expect(names).toHaveLength(6 + 2 * (databaseStacks + serviceStacks));
    expect(layout.groups.databases.primary).toHaveLength(databaseStacks);
    expect(layout.groups.services.dr).toHaveLength(serviceStacks);
    expect(dbIds.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `shop-db${10 + i}`).sort());
    expect(replicaIds.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `shop-db${40 + i}-replica`).sort(),
    );
    expect(serviceNames).toEqual(
      Array.from({ length: SERVICES_PER_STACK }, (_, i) => `shop-svc${SERVICES_PER_STACK + i}`),
    );
    expect(firstServices).toEqual(Array.from({ length: SERVICES_PER_STACK }, (_, i) => `shop-svc${i}`));
    expect(replicationRules).toEqual([100, 100]);
    expect(synthSeconds).toBeGreaterThan(0);
    console.info(`large plan: ${names.length} stacks synthesized in ${synthSeconds.toFixed(1)} s`);
  });

  it('keeps every stack within CloudFormation quotas: 500 resources (processed), 200 parameters and outputs, 1 MB', () => {
    for (const [name, stack] of facts) {
      // Assess
      expect(stack.resources + stack.rotations, `${name} resources`).toBeLessThanOrEqual(
        STACK_RESOURCE_LIMIT,
      );
      expect(stack.parameters, `${name} parameters`).toBeLessThanOrEqual(200);
      expect(stack.outputs, `${name} outputs`).toBeLessThanOrEqual(STACK_OUTPUT_LIMIT);
      expect(stack.bytes, `${name} template bytes`).toBeLessThanOrEqual(TEMPLATE_BODY_LIMIT_BYTES);
    }
  });

  it('estimates every stack without undercounting, and the stack rule accepts the plan', () => {
    // Act
    const estimates = estimateStackResources(plan);

    // Assess
    expect(estimates.map((e) => e.stack).sort()).toEqual([...facts.keys()].sort());
    for (const estimate of estimates) {
      const actual = facts.get(estimate.stack) as TemplateFacts;
      const processed = actual.resources + actual.rotations;
      const context = `${estimate.stack}: estimated ${estimate.resources}, processed ${processed} (${JSON.stringify(actual.types)})`;
      expect(estimate.resources, context).toBeGreaterThanOrEqual(processed);
      // Per-item costs are exact; only the policies CDK splits off literal ARN lists are bounded.
      expect(estimate.resources - processed, context).toBeLessThanOrEqual(8);
      if (estimate.outputs > 0)
        expect(estimate.outputs, `${estimate.stack} outputs`).toBeGreaterThanOrEqual(actual.outputs);
      if (estimate.bytes > 0)
        expect(estimate.bytes, `${estimate.stack} bytes`).toBeGreaterThanOrEqual(actual.bytes);
    }
    expect(stackSizeProblems(plan)).toEqual([]);
  });

  it('deploys in order: databases, then the application stack, then its services; replicas after their primaries; the orchestrator last of the DR region', () => {
    // Prepare
    const dependsOn = (stack: Stack) => stack.dependencies.map((d) => d.stackName);
    const { stacks, groups } = layout;

    // Assess
    expect(dependsOn(stacks.primary)).toEqual(
      expect.arrayContaining(groups.databases.primary.map((s) => s.stackName)),
    );
    for (const services of groups.services.primary)
      expect(dependsOn(services)).toEqual(
        expect.arrayContaining(['shop-primary', 'shop-primary-databases-4']),
      );
    groups.databases.dr.forEach((replicas, i) => {
      expect(dependsOn(replicas)).toContain(groups.databases.primary[i]?.stackName);
    });
    expect(dependsOn(stacks.orchestrator)).toEqual(
      expect.arrayContaining([
        'shop-dr',
        ...groups.databases.dr.map((s) => s.stackName),
        ...groups.services.dr.map((s) => s.stackName),
      ]),
    );
    for (const group of groups.databases.primary)
      expect(dependsOn(group)).toEqual(['shop-primary-foundation']);
  });

  it('lets the tasks and the write canary reach the databases of every stack, from the application stack', () => {
    // Prepare
    const primary = facts.get('shop-primary') as TemplateFacts;
    const rules = Object.values(primary.template.Resources).filter(
      (r) => r.Type === 'AWS::EC2::SecurityGroupIngress',
    );

    // Act
    const toGroups = rules.filter((rule) =>
      JSON.stringify(rule.Properties?.GroupId).includes('Fn::ImportValue'),
    );

    // Assess: per stack of databases, one rule from the tasks and one from the canary (one engine port)
    expect(toGroups).toHaveLength(2 * layout.groups.databases.primary.length);
    expect(new Set(toGroups.map((rule) => rule.Properties?.Description))).toEqual(
      new Set(['from the application tasks', 'drctl write canary (writer)']),
    );
  });

  it('passes drctl validate (exit 0)', async () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'drctl-large-plan-')), 'large.plan.yaml');
    writeFileSync(path, stringify(largePlanDocument()));

    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'cli/bin.ts', 'validate', '--plan', path],
      {
        cwd: REPO_ROOT,
      },
    );

    // Assess (execFile rejects on a non-zero exit)
    expect(stdout).toContain(
      `is a valid recovery plan: shop, us-east-1 → us-west-2, ${DATABASES} database(s), ${SERVICES} service(s)`,
    );
  });
});

describe('the stack rule on plans past the large one (no synth)', () => {
  it('refuses a plan whose services would carry too many database connections for a 1 MB template, naming databases', () => {
    // Prepare
    const document = largePlanDocument();
    grownTo(document, 120, 200, 4);

    // Act
    const problems = stackSizeProblems(parsePlanUnchecked(document));

    // Assess
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.field))).toEqual(new Set(['databases']));
    expect(problems[0]?.message).toContain('1 MB');
  });

  it('refuses more services than ECR replicates, naming services', () => {
    // Prepare
    const document = largePlanDocument();
    grownTo(document, 2, 1001, 4);

    // Act
    const problems = stackSizeProblems(parsePlanUnchecked(document));

    // Assess
    expect(problems.map((p) => p.field)).toContain('services');
    expect(problems.map((p) => p.message).join('\n')).toContain('at most 1000');
  });
});

/** The plan as the schema reads it: the other rules refuse these sizes for their own reasons. */
function parsePlanUnchecked(document: PlanInput): Plan {
  return planSchema.parse(document) as Plan;
}
