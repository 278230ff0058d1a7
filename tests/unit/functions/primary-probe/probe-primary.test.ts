import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { probePrimary } from '../../../../functions/primary-probe/probe-primary.ts';
import type { HttpProbe, ProbeResult } from '../../../../functions/shared/http-probe.ts';
import { AccessDeniedError, ThrottledError } from '../../../../plan/errors.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import { rejection, throttlingError } from '../aws-errors.ts';

const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
const NOW = new Date('2026-03-01T12:00:00.000Z');
const cloudWatchMock = mockClient(CloudWatchClient);

function run(result: ProbeResult) {
  const probed: { url: string; timeoutMs: number }[] = [];
  const probe: HttpProbe = async (url, timeoutMs) => {
    probed.push({ url, timeoutMs });
    return result;
  };
  const output = probePrimary({ plan, cloudWatch: new CloudWatchClient({}), probe, now: () => NOW });
  return { output, probed };
}

describe('primary probe from the DR region', () => {
  beforeEach(() => {
    cloudWatchMock.reset();
    cloudWatchMock.on(PutMetricDataCommand).resolves({});
  });

  it("publishes 1 when the primary's health URL answers 2xx, within the plan's probe timeout", async () => {
    // Prepare
    const { output, probed } = run({ outcome: 'response', status: 200 });

    // Act
    const result = await output;

    // Assess
    expect(result).toMatchObject({
      state: 'reachable',
      published: 1,
      url: plan.application.primary.healthUrl,
    });
    expect(probed).toEqual([{ url: plan.application.primary.healthUrl, timeoutMs: 5_000 }]);
    const [call] = cloudWatchMock.commandCalls(PutMetricDataCommand);
    expect(call?.args[0].input).toMatchObject({
      Namespace: 'drctl',
      MetricData: [
        {
          MetricName: 'PrimaryReachableFromDr',
          Dimensions: [{ Name: 'Plan', Value: 'shop' }],
          Value: 1,
          Timestamp: NOW,
        },
      ],
    });
  });

  it('publishes 0 for a 5xx answer and for no answer at all', async () => {
    // Prepare
    const answers: ProbeResult[] = [
      { outcome: 'response', status: 503 },
      { outcome: 'no-response', reason: 'ECONNRESET' },
    ];

    // Act
    const results = [];
    for (const answer of answers) results.push(await run(answer).output);

    // Assess
    expect(results.map((r) => [r.state, r.published])).toEqual([
      ['unreachable', 0],
      ['unreachable', 0],
    ]);
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(2);
  });

  it('publishes nothing when the probe could not be attempted: unknown is missing data, not unhealthy', async () => {
    // Prepare
    const { output } = run({ outcome: 'not-attempted', reason: 'cannot resolve primary.shop.example.com' });

    // Act
    const result = await output;

    // Assess
    expect(result).toMatchObject({ state: 'unknown', published: null });
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('throws a retryable error when CloudWatch throttles, and access denied as it is', async () => {
    // Prepare
    cloudWatchMock
      .on(PutMetricDataCommand)
      .rejectsOnce(throttlingError('ThrottlingException'))
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: {} }));

    // Act
    const throttled = await rejection(run({ outcome: 'response', status: 200 }).output);
    const denied = await rejection(run({ outcome: 'response', status: 200 }).output);

    // Assess
    expect(throttled).toBeInstanceOf(ThrottledError);
    expect(denied).toBeInstanceOf(AccessDeniedError);
  });
});
