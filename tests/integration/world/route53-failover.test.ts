import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListHealthChecksCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { failoverSetIdentifier, gateAlarmName } from '../../../plan/names.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;
let route53: Route53Client;

beforeAll(async () => {
  world = await startWorld({ plan, scale: 100, schedule: false, alarmTrigger: false });
  route53 = worldClient(world, Route53Client, 'us-east-1');
});
afterAll(async () => {
  await world?.close();
});

/** Returns the error a call rejects with (fails the test when it resolves). */
async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const change = (changes: Change[]) =>
  route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: plan.dns.hostedZoneId,
      ChangeBatch: { Changes: changes },
    }),
  );

const gateCheckId = () => world.models.healthChecks.alarmChecks[0]?.id ?? '';
const cname = (name: string, value: string) => ({
  Name: name,
  Type: 'CNAME' as const,
  TTL: 60,
  ResourceRecords: [{ Value: value }],
});

describe('the public record as the CDK app deploys it for dns.strategy gate', () => {
  it('is two failover records, PRIMARY gated by the gate health check, listed with their fields', async () => {
    // Act
    const { ResourceRecordSets } = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
    );

    // Assess
    const records = ResourceRecordSets?.filter((r) => r.Name === 'www.shop.example.com.');
    expect(records).toEqual([
      {
        ...cname('www.shop.example.com.', plan.application.dr.target),
        SetIdentifier: failoverSetIdentifier(plan, 'dr'),
        Failover: 'SECONDARY',
      },
      {
        ...cname('www.shop.example.com.', plan.application.primary.target),
        SetIdentifier: failoverSetIdentifier(plan, 'primary'),
        Failover: 'PRIMARY',
        HealthCheckId: gateCheckId(),
      },
    ]);
  });

  it('shows the gate health check as Route 53 does: CLOUDWATCH_METRIC on the DR alarm, LastKnownStatus', async () => {
    // Act
    const { HealthChecks } = await route53.send(new ListHealthChecksCommand({}));
    const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: gateCheckId() }));
    const status = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: gateCheckId() }));

    // Assess
    // The two endpoint checks, the traffic gate's and the drill gate's CLOUDWATCH_METRIC checks.
    expect(HealthChecks?.map((c) => c.HealthCheckConfig?.Type)).toEqual([
      'HTTP',
      'HTTP',
      'CLOUDWATCH_METRIC',
      'CLOUDWATCH_METRIC',
    ]);
    expect(HealthCheck?.HealthCheckConfig).toMatchObject({
      Type: 'CLOUDWATCH_METRIC',
      AlarmIdentifier: { Region: plan.regions.dr, Name: gateAlarmName(plan) },
      InsufficientDataHealthStatus: 'LastKnownStatus',
    });
    expect(HealthCheck?.CloudWatchAlarmConfiguration).toMatchObject({
      Namespace: 'drctl',
      MetricName: 'PrimaryTrafficGate',
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Dimensions: [{ Name: 'Plan', Value: plan.name }],
    });
    expect(status.HealthCheckObservations?.[0]?.Region).toBe(plan.regions.dr);
  });
});

describe('failover records are validated as Route 53 validates them (nothing changes on a refusal)', () => {
  it('refuses Failover without SetIdentifier, and SetIdentifier without a routing policy, with InvalidInput', async () => {
    // Act
    const noIdentifier = await failure(
      change([
        {
          Action: 'CREATE',
          ResourceRecordSet: { ...cname('a.shop.example.com', 'x.example.com'), Failover: 'SECONDARY' },
        },
      ]),
    );
    const noPolicy = await failure(
      change([
        {
          Action: 'CREATE',
          ResourceRecordSet: { ...cname('a.shop.example.com', 'x.example.com'), SetIdentifier: 'a' },
        },
      ]),
    );
    const both = await failure(
      change([
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            ...cname('a.shop.example.com', 'x.example.com'),
            SetIdentifier: 'a',
            Weight: 1,
            Failover: 'SECONDARY',
          },
        },
      ]),
    );

    // Assess
    expect(noIdentifier.name).toBe('InvalidInput');
    expect(noIdentifier.message).toContain("Missing field 'SetIdentifier'");
    expect(noPolicy.name).toBe('InvalidInput');
    expect(noPolicy.message).toContain('but found none');
    expect(both.name).toBe('InvalidInput');
  });

  it('refuses a non-alias PRIMARY without a health check, a second PRIMARY, a weighted record beside failover ones and an unknown health check', async () => {
    // Act
    const unchecked = await failure(
      change([
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            ...cname('b.shop.example.com', 'x.example.com'),
            SetIdentifier: 'p',
            Failover: 'PRIMARY',
          },
        },
      ]),
    );
    const second = await failure(
      change([
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            ...cname('www.shop.example.com', 'x.example.com'),
            SetIdentifier: 'another',
            Failover: 'PRIMARY',
            HealthCheckId: gateCheckId(),
          },
        },
      ]),
    );
    const mixed = await failure(
      change([
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            ...cname('www.shop.example.com', 'x.example.com'),
            SetIdentifier: 'w',
            Weight: 10,
          },
        },
      ]),
    );
    const unknown = await failure(
      change([
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            ...cname('c.shop.example.com', 'x.example.com'),
            SetIdentifier: 'p',
            Failover: 'PRIMARY',
            HealthCheckId: '00000000-0000-0000-0000-000000000000',
          },
        },
      ]),
    );
    const { ResourceRecordSets } = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
    );

    // Assess
    expect(unchecked.name).toBe('InvalidChangeBatch');
    expect(unchecked.message).toContain('must have an associated health check');
    expect(second.name).toBe('InvalidChangeBatch');
    expect(second.message).toContain('same name, type and failover type already exists');
    expect(mixed.name).toBe('InvalidChangeBatch');
    expect(mixed.message).toContain('different routing policy');
    expect(unknown.name).toBe('NoSuchHealthCheck');
    // NS, SOA, the public record's two failover records and the drill name's two: nothing was added.
    expect(ResourceRecordSets).toHaveLength(6);
  });
});

describe('DNS answers follow health (authoritative answers through the loopback DNS server)', () => {
  it('answers PRIMARY while its check is healthy, and PRIMARY again when both records have unhealthy checks', async () => {
    // Prepare: api.shop.example.com fails over between the endpoint checks of the two regions.
    const [primaryCheck, drCheck] = world.models.healthChecks.checks;
    await change([
      {
        Action: 'CREATE',
        ResourceRecordSet: {
          ...cname('api.shop.example.com', 'api-primary.example.com'),
          SetIdentifier: 'p',
          Failover: 'PRIMARY',
          HealthCheckId: primaryCheck?.id,
        },
      },
      {
        Action: 'CREATE',
        ResourceRecordSet: {
          ...cname('api.shop.example.com', 'api-dr.example.com'),
          SetIdentifier: 's',
          Failover: 'SECONDARY',
          HealthCheckId: drCheck?.id,
        },
      },
    ]);
    await world.runFor(70);
    const answer = () => {
      const record = world.models.route53.servedRecord('api.shop.example.com', 'CNAME');
      return record?.values[0];
    };
    const { Resolver } = await import('node:dns/promises');
    const resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([world.dnsResolver]);

    // Act: the DR endpoint serves nothing yet (pilot light: unhealthy); then the primary fails too.
    const drUnhealthy = drCheck?.healthy;
    const whileHealthy = await resolver.resolveCname('api.shop.example.com');
    world.faults.applicationOutage();
    await world.runFor(60);
    const bothDown = await resolver.resolveCname('api.shop.example.com');

    // Assess
    expect(drUnhealthy).toBe(false);
    expect(whileHealthy).toEqual(['api-primary.example.com']);
    expect(primaryCheck?.healthy).toBe(false);
    expect(bothDown).toEqual(['api-primary.example.com']);
    expect(answer()).toBe('api-primary.example.com');
    world.faults.applicationRecovers();
  });

  it('answers a query outside the zone REFUSED, an unknown name NXDOMAIN, and the zone apex NS and SOA', async () => {
    // Prepare
    const { Resolver } = await import('node:dns/promises');
    const resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([world.dnsResolver]);

    // Act
    const outside = await failure(resolver.resolveCname('www.example.org'));
    const unknown = await failure(resolver.resolveCname('nope.shop.example.com'));
    const nodata = await failure(resolver.resolveCname('shop.example.com'));
    const ns = await resolver.resolveNs('shop.example.com');
    const soa = await resolver.resolveSoa('shop.example.com');

    // Assess
    expect((outside as Error & { code?: string }).code).toBe('EREFUSED');
    expect((unknown as Error & { code?: string }).code).toBe('ENOTFOUND');
    expect((nodata as Error & { code?: string }).code).toBe('ENODATA');
    expect(ns.sort()).toEqual(['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk']);
    expect(soa).toMatchObject({
      nsname: 'ns-1.awsdns-01.org',
      hostmaster: 'awsdns-hostmaster.amazon.com',
      minttl: 86_400,
    });
  });
});
