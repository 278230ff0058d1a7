import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { preflight } from '../../../../functions/health-monitor/preflight.ts';
import { readTrigger } from '../../../../functions/health-monitor/read-trigger.ts';
import type { ExecutionInput } from '../../../../functions/shared/contracts.ts';
import {
  validRequest as anyRequest,
  createWorld,
  EXECUTION_ARN,
  EXECUTION_START,
  STATE_MACHINE_ARN,
  serverError,
} from './world.ts';

const validRequest = anyRequest as ExecutionInput;

const FAST_PATH = 'shop-primary-endpoint-unhealthy';
const DR_PROBE = 'shop-primary-unreachable-from-dr';
const START = new Date(EXECUTION_START);
const secondsBeforeStart = (seconds: number) => new Date(START.getTime() - seconds * 1000);

const alarm = (name: string, state: MetricAlarm['StateValue'], transitioned: Date): MetricAlarm => ({
  AlarmName: name,
  StateValue: state,
  StateTransitionedTimestamp: transitioned,
  // A reason update moves this one without a change of state: never the detection time.
  StateUpdatedTimestamp: new Date(START.getTime() - 1000),
});

/** The health-monitor world with the us-east-1 CloudWatch (the fast-path alarm) beside the DR one. */
function setup() {
  const world = createWorld();
  const detectionCloudWatch = new CloudWatchClient({ region: 'us-east-1' });
  const usEast1 = mockClient(detectionCloudWatch);
  const ports = { ...world.ports, detectionCloudWatch };
  const answer = (mock: typeof usEast1, name: string, found: MetricAlarm | Error | null) => {
    const call = mock.on(DescribeAlarmsCommand, { AlarmNames: [name] });
    if (found instanceof Error) call.rejects(found);
    else call.resolves({ MetricAlarms: found ? [found] : [] });
  };
  return {
    world,
    ports,
    usEast1,
    fastPath: (found: MetricAlarm | Error | null) => answer(usEast1, FAST_PATH, found),
    drProbe: (found: MetricAlarm | Error | null) => answer(world.mocks.cloudWatch, DR_PROBE, found),
  };
}

describe('preflight: when the outage was detected', () => {
  it('reports when the alarm named in requestedBy went to ALARM, read in its own region', async () => {
    // Prepare
    const { world, ports, usEast1, fastPath } = setup();
    fastPath(alarm(FAST_PATH, 'ALARM', secondsBeforeStart(90)));
    const request = { ...validRequest, requestedBy: `alarm:${FAST_PATH}` };

    // Act
    const output = await preflight(ports, {
      operation: 'preflight',
      correlationId: 'exec-1',
      executionStartTime: EXECUTION_START,
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      request,
    });

    // Assess
    expect(output.trigger).toEqual({
      alarm: FAST_PATH,
      region: 'us-east-1',
      path: 'route53-health-check',
      state: 'ALARM',
      changedAt: secondsBeforeStart(90).toISOString(),
      detail: `started by alarm ${FAST_PATH} (us-east-1) in ALARM since ${secondsBeforeStart(90).toISOString()}`,
    });
    expect(usEast1.commandCalls(DescribeAlarmsCommand)).toHaveLength(1);
    expect(
      world.mocks.cloudWatch
        .commandCalls(DescribeAlarmsCommand)
        .map((call) => call.args[0].input.AlarmNames?.[0]),
    ).not.toContain(FAST_PATH);
  });

  it('reads the DR-side alarm in the DR region', async () => {
    // Prepare
    const { ports, usEast1, drProbe } = setup();
    drProbe(alarm(DR_PROBE, 'ALARM', secondsBeforeStart(45)));

    // Act
    const trigger = await readTrigger(ports, { ...validRequest, requestedBy: `alarm:${DR_PROBE}` }, START);

    // Assess
    expect(trigger).toMatchObject({
      alarm: DR_PROBE,
      region: 'us-west-2',
      path: 'dr-probe',
      changedAt: secondsBeforeStart(45).toISOString(),
    });
    expect(usEast1.calls()).toHaveLength(0);
  });

  it('in an outage of us-east-1, dates the detection by the DR-side alarm, else keeps the run going with an unknown time', async () => {
    // Prepare
    const { ports, fastPath, drProbe } = setup();
    fastPath(serverError());
    drProbe(alarm(DR_PROBE, 'ALARM', secondsBeforeStart(70)));
    const request = { ...validRequest, requestedBy: `alarm:${FAST_PATH}` };

    // Act
    const fallback = await readTrigger(ports, request, START);
    drProbe(alarm(DR_PROBE, 'OK', secondsBeforeStart(7200)));
    const unknown = await readTrigger(ports, request, START);

    // Assess
    expect(fallback).toMatchObject({
      alarm: DR_PROBE,
      region: 'us-west-2',
      path: 'dr-probe',
      state: 'ALARM',
      changedAt: secondsBeforeStart(70).toISOString(),
    });
    expect(fallback.detail).toContain(`alarm ${FAST_PATH} (us-east-1) could not be read`);
    expect(fallback.detail).toContain(
      `alarm ${DR_PROBE} (us-west-2) in ALARM since ${secondsBeforeStart(70).toISOString()}`,
    );
    expect(unknown).toMatchObject({ alarm: FAST_PATH, state: null, changedAt: null });
    expect(unknown.detail).toContain('the detection time is unknown');
  });

  it('never takes a time that is not a change to ALARM before the run: an alarm back to OK, or changed after the start', async () => {
    // Prepare
    const { ports, fastPath, drProbe } = setup();
    fastPath(alarm(FAST_PATH, 'OK', secondsBeforeStart(10)));
    drProbe(alarm(DR_PROBE, 'ALARM', new Date(START.getTime() + 5000)));

    // Act
    const backToOk = await readTrigger(ports, { ...validRequest, requestedBy: `alarm:${FAST_PATH}` }, START);
    const later = await readTrigger(ports, { ...validRequest, requestedBy: `alarm:${DR_PROBE}` }, START);

    // Assess
    expect(backToOk).toMatchObject({ state: 'OK', changedAt: null });
    expect(backToOk.detail).toContain('is OK since');
    expect(later).toMatchObject({ state: 'ALARM', changedAt: null });
    expect(later.detail).toContain('after the run started');
  });

  it('takes the earlier detection alarm in ALARM for a run started by hand, and none when both are OK', async () => {
    // Prepare
    const { ports, fastPath, drProbe } = setup();
    fastPath(alarm(FAST_PATH, 'ALARM', secondsBeforeStart(120)));
    drProbe(alarm(DR_PROBE, 'ALARM', secondsBeforeStart(200)));

    // Act
    const both = await readTrigger(ports, validRequest, START);
    fastPath(alarm(FAST_PATH, 'OK', secondsBeforeStart(3600)));
    drProbe(null);
    const none = await readTrigger(ports, validRequest, START);

    // Assess
    expect(both).toMatchObject({ alarm: DR_PROBE, changedAt: secondsBeforeStart(200).toISOString() });
    expect(both.detail).toMatch(
      /^started by hand \(alice@example.com\); alarm shop-primary-unreachable-from-dr/,
    );
    expect(none).toMatchObject({ alarm: null, state: null, changedAt: null });
    expect(none.detail).toContain(`alarm ${DR_PROBE} does not exist in us-west-2`);
  });

  it('says the fast-path alarm is unknown when the function has no us-east-1 client', async () => {
    // Prepare
    const { world } = setup();

    // Act
    const trigger = await readTrigger(
      world.ports,
      { ...validRequest, requestedBy: `alarm:${FAST_PATH}` },
      START,
    );

    // Assess
    expect(trigger).toMatchObject({ alarm: FAST_PATH, changedAt: null });
    expect(trigger.detail).toContain('no CloudWatch client in us-east-1');
  });
});
