import { readFileSync } from 'node:fs';
import { partition } from '@aws-sdk/core/client';
import { describe, expect, it } from 'vitest';
import { pollTiming } from '../../../functions/health-monitor/poll-timing.ts';
import { loadPlanFile, parsePlan } from '../../../plan/load.ts';
import { AWS_PARTITION_REGIONS } from '../../../plan/rules/aws-regions.ts';
import {
  COUNTED_CHILD_WAIT_STATES,
  COUNTED_WAIT_STATES,
  executionHistoryProblems,
  failoverHistory,
  HISTORY_EVENTS,
  maxPolls,
  POLL_BUDGET_SECONDS,
  worstCaseHistoryEvents,
} from '../../../plan/rules/execution-history.ts';
import { checkPlanRules } from '../../../plan/rules/index.ts';
import { subnetSpace } from '../../../plan/rules/vpc-cidrs.ts';
import { planSchema } from '../../../plan/schema.ts';
import { type AslState, allStateMaps, loopOf } from './asl-loops.ts';
import { grownTo, issueOn, planErrorOf, REFERENCE_PLAN_PATH, referenceWith } from './support.ts';

const CERTIFICATE_ID = '00000000-0000-4000-8000-00000000000a';

describe('plan rules: what AWS would refuse, refused before anything runs', () => {
  it('passes the reference plan without a problem', () => {
    // Act
    const plan = loadPlanFile(REFERENCE_PLAN_PATH);

    // Assess
    expect(checkPlanRules(plan)).toEqual([]);
  });

  it('reports every problem at once, each naming its field', () => {
    // Prepare
    const document = referenceWith((p) => {
      p.dns.record = 'shop.example.com';
      p.notifications.emails = ['oncall@example.com', 'OnCall@example.com'];
      (p.deployment as { dbInstanceClass: string }).dbInstanceClass = 'm5.large';
    });

    // Act
    const error = planErrorOf(document);

    // Assess
    expect(error.issues.map((issue) => issue.split(':')[0])).toEqual([
      'dns.record',
      'deployment.dbInstanceClass',
      'notifications.emails[1]',
    ]);
    expect(error.field).toBe('dns.record');
  });

  it('refuses a CNAME at the zone apex, with or without the trailing dot', () => {
    // Prepare
    const document = referenceWith((p) => {
      p.dns.record = 'shop.example.com.';
    });

    // Act
    const issue = issueOn(planErrorOf(document), 'dns.record');

    // Assess
    expect(issue).toContain('found "shop.example.com.", the apex of zone shop.example.com');
    expect(issue).toContain('allowed: a name inside the zone, such as www.shop.example.com');
  });

  it('refuses targets outside the hosted zone, equal to the public record or to each other', () => {
    // Prepare
    const outside = referenceWith((p) => {
      p.application.primary.target = 'primary.other-shop.example.org';
      p.application.dr.target = 'WWW.shop.example.com';
    });
    const sameButCase = referenceWith((p) => {
      p.application.dr.target = 'Primary.Shop.Example.com';
    });

    // Act
    const outsideError = planErrorOf(outside);
    const caseError = planErrorOf(sameButCase);

    // Assess
    expect(issueOn(outsideError, 'application.primary.target')).toContain(
      'found "primary.other-shop.example.org", outside the hosted zone shop.example.com',
    );
    expect(issueOn(outsideError, 'application.dr.target')).toContain('the public record dns.record itself');
    expect(issueOn(caseError, 'application.dr.target')).toContain('DNS names ignore case');
  });

  it('refuses two databases with one replica identifier, also when they differ only in case', () => {
    // Prepare
    const document = referenceWith((p) => {
      const [, catalog] = p.databases;
      if (catalog) {
        catalog.replica.identifier = 'Shop-Orders-Replica';
        catalog.primary.identifier = 'shop-orders';
      }
    });

    // Act
    const error = planErrorOf(document);

    // Assess
    expect(issueOn(error, 'databases[1].replica.identifier')).toContain(
      'found "Shop-Orders-Replica", already the replica of databases[0] ("shop-orders-replica"); RDS identifiers are case-insensitive',
    );
    expect(issueOn(error, 'databases[1].primary.identifier')).toContain(
      'already the primary of databases[0]',
    );
  });

  it('refuses duplicate cluster/service pairs in either region', () => {
    // Prepare
    const document = referenceWith((p) => {
      const [, api, worker] = p.services;
      if (api && worker) {
        api.service = 'shop-web';
        worker.primary.service = 'shop-api';
      }
    });

    // Act
    const error = planErrorOf(document);

    // Assess
    expect(issueOn(error, 'services[1].service')).toContain(
      'found cluster/service "shop-dr/shop-web" in us-west-2, already services[0]',
    );
    expect(issueOn(error, 'services[2].primary.service')).toContain(
      '"shop/shop-api" in us-east-1, already services[1]',
    );
  });

  it('refuses made-up regions and regions of another partition, and zones of another region', () => {
    // Prepare
    const madeUp = referenceWith((p) => {
      p.regions.dr = 'us-north-9';
      for (const db of p.databases) db.replica.region = 'us-north-9';
    });
    const govCloud = referenceWith((p) => {
      p.regions.primary = 'us-gov-west-1';
      for (const db of p.databases) db.primary.region = 'us-gov-west-1';
    });
    const zones = referenceWith((p) => {
      (p.deployment as Record<string, unknown>).availabilityZones = {
        primary: ['us-east-1a', 'us-east-1a'],
        dr: ['us-west-2a', 'eu-west-1b'],
      };
    });

    // Act
    const madeUpIssue = issueOn(planErrorOf(madeUp), 'regions.dr');
    const govIssue = issueOn(planErrorOf(govCloud), 'regions.primary');
    const zoneError = planErrorOf(zones);

    // Assess
    expect(madeUpIssue).toContain('found us-north-9, which is not a Region of the aws partition');
    expect(madeUpIssue).toContain('us-west-2');
    expect(govIssue).toContain('found us-gov-west-1, a Region of the aws-us-gov partition');
    expect(issueOn(zoneError, 'deployment.availabilityZones.primary[1]')).toContain('twice');
    expect(issueOn(zoneError, 'deployment.availabilityZones.dr[1]')).toContain(
      'not a zone of regions.dr (us-west-2)',
    );
  });

  it('keeps its list of aws Regions equal to the installed AWS SDK partition data', () => {
    // Prepare: every name of the aws partition's shape that the SDK describes as a Region
    const prefixes = ['us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx'];
    const directions = [
      'east',
      'west',
      'north',
      'south',
      'central',
      'northeast',
      'northwest',
      'southeast',
      'southwest',
    ];
    const candidates = prefixes.flatMap((prefix) =>
      directions.flatMap((direction) =>
        Array.from({ length: 9 }, (_, i) => `${prefix}-${direction}-${i + 1}`),
      ),
    );

    // Act
    const described = candidates.filter((region) => {
      const info = partition(region) as { name: string; description?: string };
      return info.name === 'aws' && info.description !== undefined;
    });

    // Assess
    expect([...AWS_PARTITION_REGIONS].sort()).toEqual(described.sort());
  });

  it('refuses an https:// health URL without a certificate of its region, and certificate ARNs of the wrong form, region or account', () => {
    // Prepare
    const missing = referenceWith((p) => {
      delete (p.deployment as Record<string, unknown>).certificateArns;
      p.application.dr.healthUrl = 'http://dr.shop.example.com/health';
    });
    const wrong = referenceWith((p) => {
      (p.deployment as Record<string, unknown>).certificateArns = {
        primary: 'arn:aws:acm:us-east-1:111111111111:certificate/not-a-uuid',
        dr: `arn:aws:acm:eu-west-1:222222222222:certificate/${CERTIFICATE_ID}`,
      };
    });

    // Act
    const missingError = planErrorOf(missing);
    const wrongError = planErrorOf(wrong);

    // Assess
    expect(missingError.issues).toHaveLength(1);
    expect(issueOn(missingError, 'deployment.certificateArns.primary')).toContain(
      'is required: application.primary.healthUrl is https://',
    );
    expect(issueOn(wrongError, 'deployment.certificateArns.primary')).toContain('not an ACM certificate ARN');
    const dr = wrongError.issues.filter((issue) => issue.startsWith('deployment.certificateArns.dr: '));
    expect(dr).toEqual([
      expect.stringContaining('found a certificate in eu-west-1'),
      expect.stringContaining('found a certificate of account 222222222222'),
    ]);
  });

  it('refuses credentials in a health URL (without echoing the password) and a path over 255 characters', () => {
    // Prepare
    const document = referenceWith((p) => {
      p.application.primary.healthUrl = 'https://ops:s3cret@primary.shop.example.com/health';
      p.application.dr.healthUrl = `https://dr.shop.example.com/${'h'.repeat(250)}?full=1`;
    });

    // Act
    const error = planErrorOf(document);

    // Assess
    const credentials = issueOn(error, 'application.primary.healthUrl');
    expect(credentials).toContain('contains credentials');
    expect(error.message).not.toContain('s3cret');
    expect(issueOn(error, 'application.dr.healthUrl')).toContain(
      "has a path and query of 258 characters; a Route 53 health check's ResourcePath holds at most 255",
    );
  });

  it('refuses instance classes and engine versions of the wrong form, per engine', () => {
    // Prepare
    const cases: [Partial<{ dbInstanceClass: string; engineVersion: string }>, string, string][] = [
      [{ dbInstanceClass: 'db.serverless' }, 'deployment.dbInstanceClass', 'Aurora Serverless v2 only'],
      [{ dbInstanceClass: 't4g.medium' }, 'deployment.dbInstanceClass', 'not an RDS instance class'],
      [{ engineVersion: '8' }, 'deployment.engineVersion', 'not a mysql engine version'],
      [{ engineVersion: 'latest' }, 'deployment.engineVersion', 'allowed: for example 8.0, 8.4 or 8.0.39'],
    ];
    const accepted = ['db.r6gd.2xlarge', 'db.x2iedn.metal', 'db.m7g.large'];

    // Act
    const issues = cases.map(([settings, field]) =>
      issueOn(planErrorOf(referenceWith((p) => Object.assign(p.deployment as object, settings))), field),
    );
    const postgres = planErrorOf(
      referenceWith((p) => {
        for (const db of p.databases) db.engine = 'postgres';
        (p.deployment as Record<string, unknown>).engineVersion = '16.4.1';
      }),
    );
    const mixed = planErrorOf(
      referenceWith((p) => {
        (p.databases[1] as { engine: string }).engine = 'postgres';
      }),
    );

    // Assess
    for (const [i, issue] of issues.entries()) expect(issue).toContain(cases[i]?.[2]);
    expect(issueOn(postgres, 'deployment.engineVersion')).toContain('allowed: for example 16, 17 or 16.4');
    expect(issueOn(mixed, 'deployment.engineVersion')).toContain(
      'databases of several engines (mysql, postgres)',
    );
    for (const dbInstanceClass of accepted) {
      expect(() =>
        parsePlan(referenceWith((p) => Object.assign(p.deployment as object, { dbInstanceClass }))),
      ).not.toThrow();
    }
  });

  it('refuses alarm windows CloudWatch refuses and high-resolution periods on a one-minute metric', () => {
    // Prepare
    const tooLong = referenceWith((p) => {
      p.detection = {
        ...p.detection,
        alarm: { periodSeconds: 1800, evaluationPeriods: 50, datapointsToAlarm: 2 },
      };
    });
    const hourly = referenceWith((p) => {
      p.detection = {
        ...p.detection,
        alarm: { periodSeconds: 7200, evaluationPeriods: 90, datapointsToAlarm: 2 },
      };
    });
    const fast = referenceWith((p) => {
      p.detection = {
        ...p.detection,
        alarm: { periodSeconds: 30, evaluationPeriods: 3, datapointsToAlarm: 2 },
      };
    });

    // Act
    const tooLongIssue = issueOn(planErrorOf(tooLong), 'detection.alarm.evaluationPeriods');
    const hourlyIssue = issueOn(planErrorOf(hourly), 'detection.alarm.evaluationPeriods');
    const fastIssue = issueOn(planErrorOf(fast), 'detection.alarm.periodSeconds');

    // Assess
    expect(tooLongIssue).toContain('(90000 s): CloudWatch allows at most 86400 s');
    expect(tooLongIssue).toContain('allowed: at most 48 periods of 1800 s');
    expect(hourlyIssue).toContain('at most 604800 s');
    expect(fastIssue).toContain('one-minute metric');
    expect(() =>
      parsePlan(
        referenceWith((p) => {
          p.detection = {
            ...p.detection,
            alarm: { periodSeconds: 3600, evaluationPeriods: 168, datapointsToAlarm: 2 },
          };
        }),
      ),
    ).toThrow(/evaluationPeriods: must be at most 100/);
  });

  it('refuses duplicate notification emails, whatever their case', () => {
    // Prepare
    const document = referenceWith((p) => {
      p.notifications.emails = ['oncall@example.com', 'dba@example.com', 'ONCALL@EXAMPLE.COM'];
    });

    // Act
    const issue = issueOn(planErrorOf(document), 'notifications.emails[2]');

    // Assess
    expect(issue).toBe(
      'notifications.emails[2]: found "ONCALL@EXAMPLE.COM", already notifications.emails[0]; allowed: each address once',
    );
  });

  it('refuses VPC CIDRs of the wrong form, size or range, too small for the subnets, or overlapping', () => {
    // Prepare
    const cidrs = (primary: string, dr: string) =>
      planErrorOf(referenceWith((p) => Object.assign(p.deployment as object, { vpcCidrs: { primary, dr } })));

    // Act
    const form = cidrs('10.10.0.0/33', '10.20.0.0/16');
    const hostBits = cidrs('10.10.0.1/16', '10.0.0.0/8');
    const unusable = cidrs('127.0.0.0/16', '169.254.0.0/16');
    const small = cidrs('10.10.0.0/21', '10.20.0.0/28');
    const overlap = cidrs('10.0.0.0/16', '10.0.128.0/17');

    // Assess
    expect(issueOn(form, 'deployment.vpcCidrs.primary')).toContain('not an IPv4 CIDR block');
    expect(issueOn(hostBits, 'deployment.vpcCidrs.primary')).toContain('allowed: 10.10.0.0/16');
    expect(issueOn(hostBits, 'deployment.vpcCidrs.dr')).toContain(
      "found a /8 block; a VPC's block is between /16 and /28",
    );
    expect(issueOn(unusable, 'deployment.vpcCidrs.primary')).toContain('loopback');
    expect(issueOn(unusable, 'deployment.vpcCidrs.dr')).toContain('link-local');
    expect(issueOn(small, 'deployment.vpcCidrs.primary')).toContain(
      "the app's subnets in 2 availability zones need 3584; allowed: a /20 block or larger",
    );
    expect(issueOn(overlap, 'deployment.vpcCidrs.dr')).toContain('overlaps deployment.vpcCidrs.primary');
    expect([2, 3, 4].map(subnetSpace)).toEqual([3584, 4864, 6144]);
  });

  it('refuses a plan whose stacks would exceed 500 resources, naming the stack and the count', () => {
    // Prepare: databases and services past the first groups get stacks of their own; clusters do not
    const document = referenceWith((p) => grownTo(p, 10, 300, 300));
    document.failover = { ...document.failover, pollSeconds: { promotion: 60, service: 600, dns: 30 } };

    // Act
    const error = planErrorOf(document);

    // Assess
    expect(error.issues).toEqual([
      // The reference plan runs the write canary: 11 + 6 per database in shop-primary, 7 in shop-dr.
      expect.stringMatching(
        /^services: the stack shop-primary would hold about 638 resources .*at most 500; allowed: fewer clusters/,
      ),
      expect.stringMatching(
        /^services: the stack shop-primary would export about 331 values .*at most 200 outputs/,
      ),
      expect.stringMatching(/^services: the stack shop-dr would export about 331 values/),
    ]);
  });

  it('passes a plan with 50 databases and 200 services at the reference poll intervals', () => {
    // Prepare: the schema alone (the stack-size rule has its own test), then the history rule
    const plan = planSchema.parse(referenceWith((p) => grownTo(p, 50, 200)));

    // Act
    const problems = executionHistoryProblems(plan);
    const history = failoverHistory(plan);

    // Assess: 100 + 50 × (9 + 12) + 200 × 12 + 9 × (60 + 180 + 60) in the failover execution,
    // 10 + 9 × 360 in each promotion child, 15 + 9 × 80 in each scaling child
    expect(problems).toEqual([]);
    expect(history).toEqual({ parent: 6250, promotion: 3250, scaling: 735 });
    expect(plan.failover.pollSeconds).toEqual(loadPlanFile(REFERENCE_PLAN_PATH).failover.pollSeconds);
  });

  it('refuses a promotion poll that would overflow its child execution, naming the field and an interval that fits', () => {
    // Prepare
    const document = referenceWith((p) => {
      p.failover = { ...p.failover, pollSeconds: { promotion: 1, service: 15, dns: 10, fence: 5 } };
    });

    // Act
    const issue = issueOn(planErrorOf(document), 'failover.pollSeconds.promotion');
    const suggested = Number(/for example promotion: (\d+)/.exec(issue)?.[1]);
    const fixed = referenceWith((p) => {
      p.failover = { ...p.failover, pollSeconds: { promotion: suggested, service: 15, dns: 10, fence: 5 } };
    });

    // Assess: 3600 polls × 9 + 15 (the drill copy's child) is over 22,500
    expect(issue).toContain(
      "one database's promotion child execution would write about 32415 history events",
    );
    expect(issue).toContain('Step Functions allows 25000 per execution');
    expect(suggested).toBeGreaterThan(1);
    expect(() => parsePlan(fixed)).not.toThrow();
  });

  it('refuses a plan whose failover execution itself would overflow, naming the field', () => {
    // Prepare: 1,000 services cost 12 events each in the parent, whatever the intervals
    const plan = planSchema.parse(referenceWith((p) => grownTo(p, 2, 2000)));

    // Act
    const problems = executionHistoryProblems(plan);

    // Assess
    expect(problems.map((p) => p.field)).toEqual(['failover.pollSeconds', 'drills.copyPollSeconds']);
    expect(problems[0]?.message).toMatch(
      /^the failover execution itself would write about 26\d{3} history events/,
    );
    expect(problems[0]?.message).toContain('split the plan');
  });

  it('counts history with the poll budgets the health monitor gives the state machine', () => {
    // Prepare
    const plan = loadPlanFile(REFERENCE_PLAN_PATH);

    // Act
    const timing = pollTiming(plan);
    const polls = maxPolls(plan.failover.pollSeconds);

    // Assess
    expect([
      timing.promotionMaxPolls,
      timing.serviceMaxPolls,
      timing.dnsMaxPolls,
      timing.fenceMaxPolls,
    ]).toEqual([polls.promotion, polls.service, polls.dns, polls.fence]);
    expect(POLL_BUDGET_SECONDS.promotion / plan.failover.pollSeconds.promotion).toBe(polls.promotion);
    // parent: 100 + 2 × (9 + 12) + 3 × 12 + 9 × (60 DNS + 180 fence + 60 decision polls);
    // a promotion child 10 + 9 × 360; a scaling child 15 + 9 × 80.
    expect(failoverHistory(plan)).toEqual({ parent: 2878, promotion: 3250, scaling: 735 });
    expect(worstCaseHistoryEvents(plan)).toBe(3250);
  });

  it("derives 9 events per poll from every state machine's loops, each counted in the execution it runs in", () => {
    // Prepare
    const read = (file: string) =>
      JSON.parse(readFileSync(new URL(`../../../statemachines/${file}`, import.meta.url), 'utf8')) as {
        States: Record<string, AslState>;
      };
    const eventsOf: Record<string, number> = { Task: 5, Choice: 2, Wait: 2, Pass: 2 };
    const files = ['failover.asl.json', ...Object.keys(COUNTED_CHILD_WAIT_STATES)];
    const counted: Record<string, readonly string[]> = {
      'failover.asl.json': COUNTED_WAIT_STATES,
      ...COUNTED_CHILD_WAIT_STATES,
    };

    // Act: walk each loop from its Wait state back to the Choice that leads to it
    const waits = files.map((file) => ({
      file,
      waits: allStateMaps(read(file).States).flatMap((states) =>
        Object.entries(states)
          .filter(([, state]) => state.Type === 'Wait')
          .map(([name]) => ({ name, loop: loopOf(states, name) })),
      ),
    }));

    // Assess: every polling loop of every state machine is one the history rule counts
    for (const { file, waits: found } of waits) {
      expect(found.map((wait) => wait.name).sort(), file).toEqual([...(counted[file] ?? [])].sort());
      for (const { loop } of found) {
        expect(loop.map((state) => state.Type).sort()).toEqual(['Choice', 'Task', 'Wait']);
        expect(loop.reduce((sum, state) => sum + (eventsOf[state.Type] ?? 0), 0)).toBe(
          HISTORY_EVENTS.perPoll,
        );
      }
    }
  });
});
