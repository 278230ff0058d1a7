import { DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { switchDrillGate } from '../../../../functions/drill/gate.ts';
import { verifyThroughDrillName } from '../../../../functions/drill/verify.ts';
import { EndpointUnhealthyError } from '../../../../plan/errors.ts';
import { rejection } from '../aws-errors.ts';
import {
  alarms,
  cloudWatchMock,
  envelope,
  lookupAnswering,
  NOW,
  ports,
  probeAnswering,
  resetMocks,
} from './support.ts';

const gate = (action: 'close' | 'status' | 'open', overrides = {}) => ({
  op: 'gate' as const,
  ...envelope,
  action,
  attempt: 0,
  before: null,
  submittedAt: null,
  ...overrides,
});

beforeEach(() => {
  resetMocks();
  cloudWatchMock.on(PutMetricDataCommand).resolves({});
});

describe('drill gate', () => {
  it('closes the drill gate with PutMetricData 0 on its own metric, and reads only its own alarm', async () => {
    // Prepare
    alarms({ drill: 'OK', public: 'OK' });

    // Act
    const output = await switchDrillGate(ports(), gate('close'));

    // Assess
    expect(cloudWatchMock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.AlarmNames)).toEqual(
      [['shop-drill-gate-closed']],
    );
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      {
        Namespace: 'drctl/drill',
        MetricData: [
          {
            MetricName: 'DrillTrafficGate',
            Dimensions: [{ Name: 'Plan', Value: 'shop' }],
            Value: 0,
            Unit: 'None',
            Timestamp: NOW,
          },
        ],
      },
    ]);
    expect(output).toMatchObject({
      gate: 'drill',
      record: 'drill.shop.example.com',
      status: 'PENDING',
      done: false,
      submittedAt: NOW.toISOString(),
      before: 'gate open (alarm OK): Route 53 answers primary.shop.example.com',
    });
  });

  it('polls until the alarm says closed, keeping when it was written', async () => {
    // Prepare
    alarms({ drill: 'ALARM' });

    // Act
    const output = await switchDrillGate(
      ports(),
      gate('status', { attempt: 2, before: 'gate open', submittedAt: '2026-03-01T02:59:00.000Z' }),
    );

    // Assess
    expect(output).toMatchObject({
      done: true,
      status: 'INSYNC',
      attempt: 3,
      before: 'gate open',
      submittedAt: '2026-03-01T02:59:00.000Z',
    });
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('opens it again with PutMetricData 1, and does nothing when it is open', async () => {
    // Prepare
    alarms({ drill: 'ALARM' });

    // Act
    const opening = await switchDrillGate(ports(), gate('open'));
    alarms({ drill: 'OK' });
    const open = await switchDrillGate(ports(), gate('open'));

    // Assess
    expect(
      cloudWatchMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData?.[0]?.Value),
    ).toEqual([1]);
    expect(opening).toMatchObject({ done: false, status: 'PENDING' });
    expect(open).toMatchObject({ done: true, alreadySwitched: true });
  });
});

describe('drill verify', () => {
  it('passes when DNS answers the DR target for the drill name and the DR health URL answers 2xx', async () => {
    // Prepare
    const asked: string[] = [];
    const lookup = async (name: string) => {
      asked.push(name);
      return { targets: ['dr.shop.example.com'] };
    };

    // Act
    const output = await verifyThroughDrillName(ports({ lookup, probe: probeAnswering(200) }));

    // Assess
    expect(asked).toEqual(['drill.shop.example.com']);
    expect(output).toEqual({
      url: 'https://dr.shop.example.com/health',
      httpStatus: 200,
      verifiedAt: NOW.toISOString(),
      dns: {
        record: 'drill.shop.example.com',
        answer: 'dr.shop.example.com',
        trafficTo: 'dr',
        detail: 'DNS answers dr.shop.example.com for drill.shop.example.com',
      },
    });
  });

  it('asks again (EndpointUnhealthyError) while the name answers the primary, DNS fails, or the DR side does not serve', async () => {
    // Prepare
    const cases = [
      ports({ lookup: lookupAnswering('primary.shop.example.com') }),
      ports({ lookup: async () => ({ error: 'DNS lookup of drill.shop.example.com failed (ETIMEOUT)' }) }),
      ports({ lookup: lookupAnswering('dr.shop.example.com'), probe: probeAnswering(503) }),
    ];

    // Act
    const errors = await Promise.all(cases.map((p) => rejection(verifyThroughDrillName(p))));

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(EndpointUnhealthyError);
    expect(errors[0]?.message).toContain(
      'DNS answers primary.shop.example.com for drill.shop.example.com, not the DR target',
    );
    expect(errors[1]?.message).toContain('ETIMEOUT');
    expect(errors[2]?.message).toContain('HTTP 503');
  });
});
