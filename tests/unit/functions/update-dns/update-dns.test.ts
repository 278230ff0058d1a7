import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  NoSuchChange,
  NoSuchHostedZone,
  PriorRequestNotComplete,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DnsInput, updateDns } from '../../../../functions/update-dns/update-dns.ts';
import {
  DnsChangeRejectedError,
  DnsConflictError,
  NotPastPointOfNoReturnError,
  ResourceNotFoundError,
  ThrottledError,
} from '../../../../plan/errors.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import type { Plan } from '../../../../plan/schema.ts';
import { rejection, throttlingError } from '../aws-errors.ts';

const referencePlan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
const simplePlan: Plan = { ...referencePlan, dns: { ...referencePlan.dns, strategy: 'simple' } };
const weightedPlan: Plan = { ...simplePlan, dns: { ...simplePlan.dns, strategy: 'weighted' } };
const NOW = new Date('2026-03-01T10:05:00.000Z');
const RECORD = 'www.shop.example.com.';

const route53Mock = mockClient(Route53Client);

/** The run guard: a run named `refused` is not past the point of no return. */
async function pastPointOfNoReturn(correlationId: string, action: string) {
  if (correlationId === 'refused')
    throw new NotPastPointOfNoReturnError(`${action}: refused, nothing changed`);
}

function ports(plan: Plan = simplePlan) {
  return { plan, route53: new Route53Client({ region: 'us-east-1' }), pastPointOfNoReturn, now: () => NOW };
}

function input(operation: 'start' | 'status', overrides: Partial<DnsInput> = {}): DnsInput {
  return {
    operation,
    correlationId: 'exec-42',
    executionStartTime: '2026-03-01T10:00:00.000Z',
    changeId: null,
    attempt: 0,
    before: null,
    submittedAt: null,
    ...overrides,
  };
}

function cname(value: string, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet {
  return { Name: RECORD, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: value }], ...extra };
}

function weighted(setIdentifier: string, value: string, weight: number): ResourceRecordSet {
  return cname(value, { SetIdentifier: setIdentifier, Weight: weight });
}

function records(...sets: ResourceRecordSet[]) {
  route53Mock.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: sets,
    IsTruncated: false,
    MaxItems: 300,
  });
}

function changeAccepted(status: 'PENDING' | 'INSYNC' = 'PENDING') {
  route53Mock.on(ChangeResourceRecordSetsCommand).resolves({
    ChangeInfo: { Id: '/change/C0123456789ABC', Status: status, SubmittedAt: NOW },
  });
}

beforeEach(() => {
  route53Mock.reset();
});

describe('update-dns start, simple record', () => {
  it('moves nothing for a run that is not past the point of no return: not even a read', async () => {
    // Prepare
    records(cname('primary.shop.example.com'));
    changeAccepted();

    // Act
    const error = await rejection(updateDns(ports(), input('start', { correlationId: 'refused' })));

    // Assess
    expect(error).toBeInstanceOf(NotPastPointOfNoReturnError);
    expect(route53Mock.calls()).toHaveLength(0);
  });

  it('moves the record from the primary to the DR target with one UPSERT', async () => {
    // Prepare
    records(cname('primary.shop.example.com'), { ...cname('x'), Name: 'zz.shop.example.com.' });
    changeAccepted();

    // Act
    const output = await updateDns(ports(), input('start'));

    // Assess
    const calls = route53Mock.commandCalls(ChangeResourceRecordSetsCommand);
    expect(calls).toHaveLength(1);
    const request = calls[0]?.args[0].input;
    expect(request?.HostedZoneId).toBe('Z0SHOPEXAMPLE00000001');
    expect(request?.ChangeBatch?.Changes).toEqual([
      {
        Action: 'UPSERT',
        ResourceRecordSet: {
          Name: RECORD,
          Type: 'CNAME',
          TTL: 60,
          ResourceRecords: [{ Value: 'dr.shop.example.com' }],
        },
      },
    ]);
    expect(request?.ChangeBatch?.Comment).toContain('drctl');
    expect(request?.ChangeBatch?.Comment).toContain('exec-42');
    expect(output).toEqual({
      record: 'www.shop.example.com',
      before: 'primary.shop.example.com',
      after: 'dr.shop.example.com',
      changeId: 'C0123456789ABC',
      status: 'PENDING',
      done: false,
      alreadySwitched: false,
      submittedAt: NOW.toISOString(),
      insyncAt: null,
      attempt: 0,
      via: 'route53-api',
    });
  });

  it('asks Route 53 for the record by name and type', async () => {
    // Prepare
    records(cname('primary.shop.example.com'));
    changeAccepted();

    // Act
    await updateDns(ports(), input('start'));

    // Assess
    expect(route53Mock.commandCalls(ListResourceRecordSetsCommand)[0]?.args[0].input).toEqual({
      HostedZoneId: 'Z0SHOPEXAMPLE00000001',
      StartRecordName: 'www.shop.example.com',
      StartRecordType: 'CNAME',
    });
  });

  it('reports a record already on the DR target as switched without changing it', async () => {
    // Prepare: Route 53 spelling with trailing dot and upper case must still match
    records(cname('DR.shop.example.com.'));

    // Act
    const output = await updateDns(ports(), input('start'));

    // Assess
    expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    expect(output).toMatchObject({ done: true, alreadySwitched: true, changeId: null, status: 'INSYNC' });
  });

  it('changes nothing when the record points somewhere the plan does not know', async () => {
    // Prepare
    records(cname('maintenance.shop.example.com'));

    // Act
    const error = await rejection(updateDns(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(DnsConflictError);
    expect(error.message).toContain('www.shop.example.com');
    expect(error.message).toContain('found maintenance.shop.example.com');
    expect(error.message).toContain('primary.shop.example.com');
    expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  it('changes nothing when the record does not exist', async () => {
    // Prepare: the listing starts at the name but runs on into the next names of the zone
    records({ ...cname('elsewhere.example.com'), Name: 'xyz.shop.example.com.' });

    // Act
    const error = await rejection(updateDns(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(DnsConflictError);
    expect(error.message).toContain('found no record');
    expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  it('passes on why Route 53 rejected the change batch', async () => {
    // Prepare
    records(cname('primary.shop.example.com'));
    route53Mock.on(ChangeResourceRecordSetsCommand).rejects(
      new InvalidChangeBatch({
        message: 'Invalid change batch',
        messages: ['RRSet of type CNAME with DNS name www.shop.example.com. is not permitted'],
        $metadata: {},
      }),
    );

    // Act
    const error = await rejection(updateDns(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(DnsChangeRejectedError);
    expect((error as DnsChangeRejectedError).retryable).toBe(false);
    expect(error.message).toContain('is not permitted');
  });

  it('reports a missing hosted zone as not found', async () => {
    // Prepare
    route53Mock
      .on(ListResourceRecordSetsCommand)
      .rejects(new NoSuchHostedZone({ message: 'No hosted zone found', $metadata: {} }));

    // Act
    const error = await rejection(updateDns(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toContain('Z0SHOPEXAMPLE00000001');
  });

  it('retries when an earlier change of the zone is still being applied', async () => {
    // Prepare
    records(cname('primary.shop.example.com'));
    route53Mock
      .on(ChangeResourceRecordSetsCommand)
      .rejects(new PriorRequestNotComplete({ message: 'The request was rejected', $metadata: {} }));

    // Act
    const error = await rejection(updateDns(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryable).toBe(true);
  });

  it('retries when the listing is throttled', async () => {
    // Prepare
    route53Mock.on(ListResourceRecordSetsCommand).rejects(throttlingError());

    // Act
    const error = await rejection(updateDns(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
  });
});

describe('update-dns start, weighted records', () => {
  it('moves all weight to the DR record in one atomic batch of two UPSERTs', async () => {
    // Prepare
    records(weighted('dr', 'dr.shop.example.com', 0), weighted('primary', 'primary.shop.example.com', 100));
    changeAccepted();

    // Act
    const output = await updateDns(ports(weightedPlan), input('start'));

    // Assess
    const calls = route53Mock.commandCalls(ChangeResourceRecordSetsCommand);
    expect(calls).toHaveLength(1);
    const changes = calls[0]?.args[0].input.ChangeBatch?.Changes ?? [];
    expect(changes.map((change) => change.Action)).toEqual(['UPSERT', 'UPSERT']);
    expect(changes.map((change) => change.ResourceRecordSet)).toEqual([
      {
        Name: RECORD,
        Type: 'CNAME',
        SetIdentifier: 'primary',
        Weight: 0,
        TTL: 60,
        ResourceRecords: [{ Value: 'primary.shop.example.com' }],
      },
      {
        Name: RECORD,
        Type: 'CNAME',
        SetIdentifier: 'dr',
        Weight: 100,
        TTL: 60,
        ResourceRecords: [{ Value: 'dr.shop.example.com' }],
      },
    ]);
    expect(output).toMatchObject({ done: false, alreadySwitched: false, changeId: 'C0123456789ABC' });
    expect(output.before).toBe(
      '"primary" -> primary.shop.example.com weight 100, "dr" -> dr.shop.example.com weight 0',
    );
    expect(output.after).toBe(
      '"primary" -> primary.shop.example.com weight 0, "dr" -> dr.shop.example.com weight 100',
    );
  });

  it('reports records with all weight on DR as switched without changing them', async () => {
    // Prepare
    records(weighted('dr', 'dr.shop.example.com.', 100), weighted('primary', 'primary.shop.example.com.', 0));

    // Act
    const output = await updateDns(ports(weightedPlan), input('start'));

    // Assess
    expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    expect(output).toMatchObject({ done: true, alreadySwitched: true, changeId: null });
  });

  it.each([
    [
      'the DR record points elsewhere',
      [weighted('dr', 'old-dr.example.com', 0), weighted('primary', 'primary.shop.example.com', 100)],
    ],
    [
      'no record carries weight',
      [weighted('dr', 'dr.shop.example.com', 0), weighted('primary', 'primary.shop.example.com', 0)],
    ],
    ['the DR record is missing', [weighted('primary', 'primary.shop.example.com', 100)]],
    ['the record is a simple one', [cname('primary.shop.example.com')]],
  ])('changes nothing when %s', async (_case, sets) => {
    // Prepare
    records(...sets);

    // Act
    const error = await rejection(updateDns(ports(weightedPlan), input('start')));

    // Assess
    expect(error).toBeInstanceOf(DnsConflictError);
    expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });
});

describe('update-dns status', () => {
  it('reports a pending change as not done and counts the poll', async () => {
    // Prepare
    route53Mock
      .on(GetChangeCommand)
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: NOW } });

    // Act
    const output = await updateDns(ports(), input('status', { changeId: 'C1', attempt: 2 }));

    // Assess
    expect(route53Mock.commandCalls(GetChangeCommand)[0]?.args[0].input).toEqual({ Id: 'C1' });
    expect(output).toMatchObject({
      done: false,
      status: 'PENDING',
      submittedAt: NOW.toISOString(),
      insyncAt: null,
      attempt: 3,
      changeId: 'C1',
    });
  });

  it('reports done once the change is in sync', async () => {
    // Prepare
    route53Mock
      .on(GetChangeCommand)
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: NOW } });

    // Act
    const output = await updateDns(ports(), input('status', { changeId: 'C1' }));

    // Assess
    expect(output).toMatchObject({ done: true, status: 'INSYNC', insyncAt: NOW.toISOString(), attempt: 1 });
  });

  it('has nothing to wait for when start made no change', async () => {
    // Prepare
    const statusInput = input('status', { changeId: null });

    // Act
    const output = await updateDns(ports(), statusInput);

    // Assess
    expect(output.done).toBe(true);
    expect(route53Mock.calls()).toHaveLength(0);
  });

  it('reports an unknown change id as not found', async () => {
    // Prepare
    route53Mock
      .on(GetChangeCommand)
      .rejects(
        new NoSuchChange({ message: 'A change with the specified change ID does not exist', $metadata: {} }),
      );

    // Act
    const error = await rejection(updateDns(ports(), input('status', { changeId: 'C404' })));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toContain('C404');
  });
});
