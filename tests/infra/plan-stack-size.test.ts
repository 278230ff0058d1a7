import { App, type Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildReferenceApp } from '../../infra/reference-app.ts';
import { parsePlan } from '../../plan/load.ts';
import { checkPlanRules } from '../../plan/rules/index.ts';
import { estimateStackResources } from '../../plan/rules/stack-size.ts';
import { subnetSpace } from '../../plan/rules/vpc-cidrs.ts';
import type { Plan, PlanInput } from '../../plan/schema.ts';
import { referencePlan } from './reference-app.ts';

/**
 * The plan's stack-size rule estimates each stack's resources from per-item costs measured on
 * `npm run synth` templates (plan/rules/stack-size.ts). Synthesized here as the CDK CLI does
 * (CDKMetadata included, bundling skipped: it adds no resource): the estimate must never
 * undercount, or a plan the rule accepts would fail at deploy. When the stacks change and this
 * fails, re-measure the costs.
 */
function synthesizedCounts(plan: Plan): Record<string, number> {
  const app = new App({ analyticsReporting: true, context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildReferenceApp(app, plan, { securityChecks: false });
  const assembly = app.synth();
  return Object.fromEntries(
    Object.values(stacks).map((stack: Stack) => [
      stack.stackName,
      Object.keys(assembly.getStackByName(stack.stackName).template.Resources ?? {}).length,
    ]),
  );
}

function variant(change: (plan: PlanInput) => void): Plan {
  const input = structuredClone(referencePlan()) as PlanInput;
  change(input);
  return parsePlan(input, 'stack-size variant');
}

function grow(plan: PlanInput, databases: number, services: number, clusters: number): void {
  const [database] = plan.databases;
  const [service] = plan.services;
  if (!database || !service) throw new Error('the reference plan has databases and services');
  plan.databases = Array.from({ length: databases }, (_, i) => ({
    ...database,
    id: `db${i}`,
    primary: { ...database.primary, identifier: `shop-db${i}` },
    replica: { ...database.replica, identifier: `shop-db${i}-replica` },
  }));
  plan.services = Array.from({ length: services }, (_, i) => ({
    ...service,
    id: `svc${i}`,
    cluster: `shop-dr-${i % clusters}`,
    service: `shop-svc${i}`,
    primary: { ...service.primary, cluster: `shop-${i % clusters}`, service: `shop-svc${i}` },
  }));
}

const PLANS: [string, () => Plan][] = [
  ['the reference plan', () => referencePlan()],
  [
    'one database, one service, no email, approval, plain HTTP',
    () =>
      variant((p) => {
        grow(p, 1, 1, 1);
        p.notifications.emails = [];
        p.failover = { ...p.failover, trigger: 'approval' };
        p.application.primary.healthUrl = 'http://primary.shop.example.com/health';
        p.application.dr.healthUrl = 'http://dr.shop.example.com/health';
        delete p.deployment?.certificateArns;
      }),
  ],
  [
    '6 databases, 40 services in 3 clusters, 3 zones, weighted, 4 emails',
    () =>
      variant((p) => {
        grow(p, 6, 40, 3);
        p.dns.strategy = 'weighted';
        p.notifications.emails = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
        p.failover = { ...p.failover, pollSeconds: { promotion: 30, service: 60, dns: 10 } };
        Object.assign(p.deployment as object, {
          availabilityZones: {
            primary: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
            dr: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
          },
        });
      }),
  ],
];

describe('plan rule: resources per CloudFormation stack', () => {
  it.each(PLANS)('never undercounts a stack of %s', (_name, make) => {
    // Prepare
    const plan = make();

    // Act
    const actual = synthesizedCounts(plan);
    const estimates = estimateStackResources(plan);

    // Assess
    expect(Object.keys(actual).sort()).toEqual(estimates.map((e) => e.stack).sort());
    for (const estimate of estimates) {
      expect(
        estimate.resources,
        `${estimate.stack}: estimated ${estimate.resources}, synthesized ${actual[estimate.stack]}`,
      ).toBeGreaterThanOrEqual(actual[estimate.stack] ?? Number.POSITIVE_INFINITY);
    }
  });

  it('accepts the smallest VPC whose subnets the app can cut, and that VPC synthesizes', () => {
    // Prepare: the VPC rule's subnet layout (two zones need 3,584 addresses: a /20)
    const prefix = 32 - Math.ceil(Math.log2(subnetSpace(2)));
    const plan = variant((p) => {
      Object.assign(p.deployment as object, {
        vpcCidrs: { primary: `10.10.0.0/${prefix}`, dr: `10.20.0.0/${prefix}` },
      });
    });
    const tooSmall = structuredClone(plan);
    if (tooSmall.deployment)
      tooSmall.deployment.vpcCidrs = { primary: `10.10.0.0/${prefix + 1}`, dr: '10.20.0.0/16' };

    // Act
    const counts = synthesizedCounts(plan);

    // Assess
    expect(prefix).toBe(20);
    expect(counts['shop-primary-foundation']).toBeGreaterThan(0);
    expect(checkPlanRules(tooSmall).map((p) => p.field)).toEqual(['deployment.vpcCidrs.primary']);
  });
});
