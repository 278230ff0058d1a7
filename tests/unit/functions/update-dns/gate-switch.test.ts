import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricDataCommand,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DnsInput, updateDns } from '../../../../functions/update-dns/update-dns.ts';
import { ConfigurationError, ResourceNotFoundError, ThrottledError } from '../../../../plan/errors.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import { rejection, throttlingError } from '../aws-errors.ts';

const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
const NOW = new Date('2026-03-01T10:05:00.000Z');
const cloudWatchMock = mockClient(CloudWatchClient);
/** The run guard lets every run through here; a refused run is tested with the Route 53 switch. */
const pastPointOfNoReturn = async () => {};
const ports = () => ({
  plan,
  cloudWatch: new CloudWatchClient({ region: 'us-west-2' }),
  pastPointOfNoReturn,
  now: () => NOW,
});

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

function gateAlarm(state: StateValue, changedAt = new Date('2026-03-01T10:06:00.000Z')) {
  cloudWatchMock.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      { AlarmName: 'shop-traffic-gate-closed', StateValue: state, StateUpdatedTimestamp: changedAt },
    ],
  });
}

describe('update-dns, gate strategy', () => {
  beforeEach(() => {
    cloudWatchMock.reset();
    cloudWatchMock.on(PutMetricDataCommand).resolves({});
  });

  it('reads the gate, then closes it with one PutMetricData of 0 on the gate metric', async () => {
    // Prepare
    gateAlarm('OK');

    // Act
    const output = await updateDns(ports(), input('start'));

    // Assess
    expect(output).toMatchObject({
      via: 'data-plane',
      status: 'PENDING',
      done: false,
      alreadySwitched: false,
      changeId: null,
      submittedAt: NOW.toISOString(),
      before: 'gate open (alarm OK): Route 53 answers primary.shop.example.com',
      after: 'gate closed (alarm ALARM): Route 53 answers dr.shop.example.com',
    });
    expect(cloudWatchMock.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input.AlarmNames).toEqual([
      'shop-traffic-gate-closed',
    ]);
    const puts = cloudWatchMock.commandCalls(PutMetricDataCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.args[0].input).toEqual({
      Namespace: 'drctl',
      MetricData: [
        {
          MetricName: 'PrimaryTrafficGate',
          Dimensions: [{ Name: 'Plan', Value: 'shop' }],
          Value: 0,
          Unit: 'None',
          Timestamp: NOW,
        },
      ],
    });
  });

  it('treats a gate alarm that never had data as open, and closes it', async () => {
    // Prepare
    gateAlarm('INSUFFICIENT_DATA');

    // Act
    const output = await updateDns(ports(), input('start'));

    // Assess
    expect(output.done).toBe(false);
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
  });

  it('writes nothing when the gate is already closed (a re-run converges)', async () => {
    // Prepare
    gateAlarm('ALARM');

    // Act
    const output = await updateDns(ports(), input('start'));

    // Assess
    expect(output).toMatchObject({ status: 'INSYNC', done: true, alreadySwitched: true });
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('status: done once the alarm is in ALARM, keeping what start saw and when it wrote', async () => {
    // Prepare
    gateAlarm('ALARM');
    const polled = input('status', {
      attempt: 2,
      before: 'gate open (alarm OK): Route 53 answers x',
      submittedAt: '2026-03-01T10:05:00.000Z',
    });

    // Act
    const output = await updateDns(ports(), polled);

    // Assess
    expect(output).toMatchObject({
      status: 'INSYNC',
      done: true,
      alreadySwitched: false,
      attempt: 3,
      before: 'gate open (alarm OK): Route 53 answers x',
      submittedAt: '2026-03-01T10:05:00.000Z',
      insyncAt: '2026-03-01T10:06:00.000Z',
    });
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('status: writes the closed value again while the alarm has not evaluated it, and never opens', async () => {
    // Prepare
    gateAlarm('OK');

    // Act
    const output = await updateDns(ports(), input('status', { attempt: 0 }));

    // Assess
    expect(output).toMatchObject({ status: 'PENDING', done: false, attempt: 1 });
    const values = cloudWatchMock
      .commandCalls(PutMetricDataCommand)
      .map((c) => c.args[0].input.MetricData?.[0]?.Value);
    expect(values).toEqual([0]);
  });

  it('names the missing gate alarm and the stack that creates it', async () => {
    // Prepare
    cloudWatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });

    // Act
    const error = await rejection(updateDns(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toContain('shop-traffic-gate-closed');
    expect(error.message).toContain('orchestrator stack');
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('throws a retryable error when CloudWatch throttles', async () => {
    // Prepare
    cloudWatchMock.on(DescribeAlarmsCommand).rejects(throttlingError('ThrottlingException'));

    // Act
    const error = await rejection(updateDns(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
  });

  it('refuses to run without the CloudWatch client the strategy needs', async () => {
    // Prepare
    const withoutClient = { plan, pastPointOfNoReturn, now: () => NOW };

    // Act
    const error = await rejection(updateDns(withoutClient, input('start')));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
  });
});
