import { beforeAll, describe, expect, it } from 'vitest';
import { buildReferenceApp } from '../../infra/reference-app.ts';
import { parsePlan } from '../../plan/load.ts';
import { checkPlanRules } from '../../plan/rules/index.ts';
import { estimateStackResources } from '../../plan/rules/stack-size.ts';
import { subnetSpace } from '../../plan/rules/vpc-cidrs.ts';
import type { Plan, PlanInput } from '../../plan/schema.ts';
import { grownTo } from '../unit/plan/support.ts';
import { referencePlan, templateApp, useInfraTimeouts } from './reference-app.ts';

/**
 * The plan's stack-size rule estimates each stack's resources from per-item costs measured on
 * `npm run synth` templates (plan/rules/stack-size.ts). Synthesized here as the CDK CLI does
 * (CDKMetadata included, bundling skipped: it adds no resource): the estimate must never
 * undercount, or a plan the rule accepts would fail at deploy, and for these plans it is exact
 * (tests/infra/large-plan.test.ts bounds the 50 + 200 plan). When the stacks change and this
 * fails, re-measure the costs.
 */
function synthesizedCounts(plan: Plan): Record<string, number> {
  const app = templateApp({ analyticsReporting: true });
  buildReferenceApp(app, plan, { securityChecks: false });
  // Every stack (the stacks of databases and services of a plan that has them included), as
  // CloudFormation processes it: each hosted rotation becomes one more resource, a nested stack.
  return Object.fromEntries(
    app.synth().stacks.map((stack) => {
      const resources = Object.values(stack.template.Resources ?? {}) as { Type: string }[];
      const rotations = resources.filter((r) => r.Type === 'AWS::SecretsManager::RotationSchedule').length;
      return [stack.stackName, resources.length + rotations];
    }),
  );
}

function variant(change: (plan: PlanInput) => void): Plan {
  const input = structuredClone(referencePlan()) as PlanInput;
  change(input);
  return parsePlan(input, 'stack-size variant');
}

/**
 * The smallest VPC the plan's VPC rule accepts (two zones need 3,584 addresses: a /20). The
 * reference plan is synthesized with it: its counts are the reference plan's (the CIDR changes
 * no resource), and it proves that VPC synthesizes, in one synth instead of two.
 */
const SMALLEST_PREFIX = 32 - Math.ceil(Math.log2(subnetSpace(2)));

const PLANS: [string, () => Plan][] = [
  [
    'the reference plan (in the smallest VPC the rule accepts)',
    () =>
      variant((p) => {
        Object.assign(p.deployment as object, {
          vpcCidrs: { primary: `10.10.0.0/${SMALLEST_PREFIX}`, dr: `10.20.0.0/${SMALLEST_PREFIX}` },
        });
      }),
  ],
  [
    'one database, one service, no email, approval, plain HTTP, no canary, drills by hand',
    () =>
      variant((p) => {
        grownTo(p, 1, 1, 1);
        if (p.drills) {
          p.drills.canary = { enabled: false, intervalSeconds: 5 };
          delete p.drills.schedule;
        }
        p.notifications.emails = [];
        p.failover = { ...p.failover, trigger: 'approval' };
        p.application.primary.healthUrl = 'http://primary.shop.example.com/health';
        p.application.dr.healthUrl = 'http://dr.shop.example.com/health';
        delete p.deployment?.certificateArns;
      }),
  ],
  [
    '12 databases (MySQL and PostgreSQL, 2 in a stack of databases), 40 services in 3 clusters (4 stacks of services), 3 zones, weighted, 4 emails',
    () =>
      variant((p) => {
        grownTo(p, 12, 40, 3);
        // Both engine ports: every security group rule per port, the canary's included.
        p.databases.forEach((db, i) => {
          db.engine = i % 2 === 0 ? 'mysql' : 'postgres';
        });
        if (p.deployment) delete p.deployment.engineVersion;
        p.dns.strategy = 'weighted';
        p.notifications.emails = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
        p.failover = { ...p.failover, pollSeconds: { promotion: 60, service: 60, dns: 10 } };
        Object.assign(p.deployment as object, {
          availabilityZones: {
            primary: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
            dr: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
          },
        });
      }),
  ],
];

// Three full synths, once for the file (beforeAll).
useInfraTimeouts();

describe('plan rule: resources per CloudFormation stack', () => {
  const synthesized = new Map<string, { plan: Plan; counts: Record<string, number> }>();
  beforeAll(() => {
    for (const [name, make] of PLANS) {
      const plan = make();
      synthesized.set(name, { plan, counts: synthesizedCounts(plan) });
    }
  });

  it.each(PLANS.map(([name]) => name))(
    'counts every stack of %s exactly, as CloudFormation processes it',
    (name) => {
      // Prepare
      const { plan, counts: actual } = synthesized.get(name) ?? { plan: referencePlan(), counts: {} };

      // Act
      const estimates = estimateStackResources(plan);

      // Assess
      expect(Object.keys(actual).sort()).toEqual(estimates.map((e) => e.stack).sort());
      for (const estimate of estimates) {
        // Exact: these plans list too few ARNs for the bounded overflow policies to count.
        expect(
          estimate.resources,
          `${estimate.stack}: estimated ${estimate.resources}, processed ${actual[estimate.stack]}`,
        ).toBe(actual[estimate.stack]);
      }
    },
  );

  it('accepts the smallest VPC whose subnets the app can cut, and that VPC synthesizes', () => {
    // Prepare
    const [reference] = PLANS[0] as [string, () => Plan];
    const { plan, counts } = synthesized.get(reference) ?? { plan: referencePlan(), counts: {} };
    const tooSmall = structuredClone(plan);
    if (tooSmall.deployment)
      tooSmall.deployment.vpcCidrs = { primary: `10.10.0.0/${SMALLEST_PREFIX + 1}`, dr: '10.20.0.0/16' };

    // Act
    const problems = checkPlanRules(tooSmall).map((p) => p.field);

    // Assess
    expect(SMALLEST_PREFIX).toBe(20);
    expect(plan.deployment?.vpcCidrs?.primary).toBe('10.10.0.0/20');
    expect(checkPlanRules(plan)).toEqual([]);
    expect(counts['shop-primary-foundation']).toBeGreaterThan(0);
    expect(problems).toEqual(['deployment.vpcCidrs.primary']);
  });
});
