import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_MESSAGE_BYTES } from '../../../../functions/notify/compose-message.ts';
import { notify } from '../../../../functions/notify/notify.ts';
import { type NotifyInput, stepSchema } from '../../../../functions/shared/contracts.ts';
import { AccessDeniedError, ThrottledError } from '../../../../plan/errors.ts';
import { throttlingError } from '../aws-errors.ts';
import {
  assessment,
  dnsOutput,
  lambdaCause,
  NOW,
  notifyInput,
  plan,
  preflightOutput,
  recovery,
  TOPIC_ARN,
  verification,
} from './fixtures.ts';

function setup() {
  const sns = new SNSClient({ region: 'us-west-2' });
  const snsMock = mockClient(sns);
  snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  const ports = { plan, sns, topicArn: TOPIC_ARN, now: () => NOW };
  const published = () => {
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    if (!input?.Message || !input.Subject) throw new Error('nothing published');
    return { ...input, Message: input.Message, Subject: input.Subject };
  };
  return { ports, snsMock, published };
}

/** The JSON part of the message, checked against the Step contract. */
function timelineOf(message: string) {
  const marker = 'Timeline (JSON):\n';
  const index = message.indexOf(marker);
  expect(index).toBeGreaterThan(0);
  return z.array(stepSchema).parse(JSON.parse(message.slice(index + marker.length)));
}

describe('notify', () => {
  it('announces success with elapsed time against the RTO, who asked and why, what changed, then the timeline', async () => {
    // Prepare
    const { ports, published } = setup();
    const input = notifyInput({
      event: 'succeeded',
      preflight: preflightOutput,
      recovery,
      dns: dnsOutput,
      verification,
    });

    // Act
    const output = await notify(ports, input);

    // Assess
    const sent = published();
    expect(output).toEqual({ subject: '[drctl] shop failover SUCCEEDED in 11m 42s', messageId: 'msg-1' });
    expect(sent.Subject).toBe('[drctl] shop failover SUCCEEDED in 11m 42s');
    expect(sent.TopicArn).toBe(TOPIC_ARN);
    expect(sent.MessageAttributes).toEqual({
      event: { DataType: 'String', StringValue: 'succeeded' },
      plan: { DataType: 'String', StringValue: 'shop' },
    });
    const summary = sent.Message.slice(0, sent.Message.indexOf('Timeline (JSON):'));
    expect(summary).toMatch(/^drctl failover of plan "shop" SUCCEEDED/);
    expect(summary).toContain('alice@example.com');
    expect(summary).toContain('INC-42');
    expect(summary).toContain('us-east-1 outage: ALB 5xx and RDS unreachable');
    expect(summary).toContain('RTO: 11m 42s since the execution started (objective 15m 00s)');
    expect(summary).toContain('rds:us-west-2:shop-orders-replica: promoted (available)');
    expect(summary).toContain('rds:us-west-2:shop-catalog-replica: was already promoted before this run');
    expect(summary).toContain('ecs:us-west-2:shop-dr/shop-web: desiredCount 2, running 2');
    expect(summary).toContain(
      'route53:Z0SHOPEXAMPLE00000001:www.shop.example.com CNAME: primary.shop.example.com → dr.shop.example.com',
    );
    expect(summary).toContain('Next: the old primary in us-east-1 is not fenced everywhere yet');
    const timeline = timelineOf(sent.Message);
    expect(timeline.map((s) => [s.step, s.outcome])).toEqual([
      ['preflight', 'succeeded'],
      ['promote database orders', 'succeeded'],
      ['promote database catalog', 'succeeded'],
      ['scale service web', 'succeeded'],
      ['scale service api', 'succeeded'],
      ['scale service worker', 'succeeded'],
      ['switch DNS', 'succeeded'],
      ['verify DR endpoint', 'succeeded'],
    ]);
    expect(timeline[6]).toMatchObject({ startedAt: dnsOutput.submittedAt, endedAt: dnsOutput.insyncAt });
    expect(timeline[0]?.startedAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('says NO CHANGE, with no RTO, when the run found the plan already failed over (a second run), as the report does', async () => {
    // Prepare
    const { ports, published } = setup();
    const [promotions, scalings] = recovery;
    const input = notifyInput({
      event: 'succeeded',
      preflight: { ...preflightOutput, changes: [] },
      recovery: [
        promotions.map((p) => ({ ...p, alreadyPromoted: true })),
        scalings.map((s) => ({ ...s, alreadyScaled: true })),
      ],
      dns: { ...dnsOutput, alreadySwitched: true },
      verification,
    });

    // Act
    await notify(ports, input);

    // Assess
    const sent = published();
    expect(sent.Subject).toBe(
      '[drctl] shop failover SUCCEEDED with no change: already on us-west-2 (INC-42)',
    );
    const summary = sent.Message.slice(0, sent.Message.indexOf('Timeline (JSON):'));
    expect(summary).toMatch(
      /^drctl failover of plan "shop" SUCCEEDED with NO CHANGE: the application already served from us-west-2 before this run/,
    );
    expect(summary).toContain('RTO: none, this run recovered nothing');
    expect(summary).not.toContain('since the execution started');
    expect(summary).toContain('rds:us-west-2:shop-orders-replica: was already promoted before this run');
  });

  it('still reports a resumed partial failover as a failover with its RTO: changes were left for it', async () => {
    // Prepare
    const { ports, published } = setup();
    const input = notifyInput({
      event: 'succeeded',
      preflight: { ...preflightOutput, changes: preflightOutput.changes.slice(0, 1) },
      recovery,
      dns: { ...dnsOutput, alreadySwitched: true },
      verification,
    });

    // Act
    await notify(ports, input);

    // Assess
    const sent = published();
    expect(sent.Subject).toBe('[drctl] shop failover SUCCEEDED in 11m 42s');
    expect(sent.Message).toMatch(
      /^drctl failover of plan "shop" SUCCEEDED: the application now serves from us-west-2/,
    );
    expect(sent.Message).toContain('RTO: 11m 42s since the execution started');
  });

  it('on failure, parses the Lambda cause, lists what is already changed and tells how to resume', async () => {
    // Prepare
    const { ports, published } = setup();
    const input = notifyInput({
      event: 'failed',
      preflight: preflightOutput,
      error: {
        Error: 'DnsConflictError',
        Cause: lambdaCause(
          'DnsConflictError',
          'www.shop.example.com points to elsewhere.example.com, not the primary target',
        ),
      },
      assessment,
    });

    // Act
    await notify(ports, input);

    // Assess
    const sent = published();
    expect(sent.Subject).toBe('[drctl] shop failover FAILED after 11m 42s: DnsConflictError');
    expect(sent.MessageAttributes?.event?.StringValue).toBe('failed');
    expect(sent.Message).toContain(
      'Error: DnsConflictError: www.shop.example.com points to elsewhere.example.com, not the primary target',
    );
    expect(sent.Message).not.toContain('"errorType"');
    expect(sent.Message).toContain('RTO so far: 11m 42s');
    expect(sent.Message).toContain(
      'Already changed:\n  - rds:us-west-2:shop-orders-replica promoted (read replica of shop-orders (us-east-1) → standalone instance, available)',
    );
    expect(sent.Message).toContain('Could not be read (check by hand):\n  - ecs:us-west-2:shop-dr/shop-api');
    expect(sent.Message).toContain(
      'Fix the cause, then start the failover again with the same input: completed steps are skipped, no second promotion',
    );
    const timeline = timelineOf(sent.Message);
    expect(timeline.find((s) => s.step === 'promote database orders')).toMatchObject({
      outcome: 'unknown',
      detail: 'found promoted: standalone instance, available',
    });
    expect(timeline.find((s) => s.step === 'promote database catalog')?.detail).toBe('found unchanged');
    expect(timeline.at(-1)).toMatchObject({ step: 'failure', outcome: 'failed', endedAt: NOW.toISOString() });
  });

  it('says nothing changed when the run stopped in preflight, using a plain-text cause as is', async () => {
    // Prepare
    const { ports, published } = setup();
    const input = notifyInput({
      event: 'failed',
      error: {
        Error: 'RpoBudgetExceededError',
        Cause: 'rds:us-west-2:shop-orders-replica last active replica lag was 90 s',
      },
    });

    // Act
    await notify(ports, input);

    // Assess
    const sent = published();
    expect(sent.Message).toContain(
      'Error: RpoBudgetExceededError: rds:us-west-2:shop-orders-replica last active replica lag was 90 s',
    );
    expect(sent.Message).toContain(
      'Already changed: nothing; the run stopped in preflight, before any change.',
    );
    expect(timelineOf(sent.Message)).toEqual([
      {
        step: 'preflight',
        startedAt: '2026-03-01T12:00:00.000Z',
        endedAt: null,
        outcome: 'failed',
        detail: 'RpoBudgetExceededError: rds:us-west-2:shop-orders-replica last active replica lag was 90 s',
      },
    ]);
  });

  it('warns that the changes are unknown when the assessment itself failed', async () => {
    // Prepare
    const { ports, published } = setup();
    const input = notifyInput({
      event: 'failed',
      preflight: preflightOutput,
      error: {
        Error: 'PromotionTimedOutError',
        Cause: 'Still not done after the plan maximum number of polls',
      },
      assessment: { Error: 'States.Timeout', Cause: 'Task timed out after 90 seconds' },
    });

    // Act
    await notify(ports, input);

    // Assess
    expect(published().Message).toContain('Already changed: UNKNOWN, the assessment failed (States.Timeout');
  });

  it('announces the start with the incident and the planned changes', async () => {
    // Prepare
    const { ports, published } = setup();
    const input = notifyInput({ event: 'started', preflight: preflightOutput });

    // Act
    await notify(ports, input);

    // Assess
    const sent = published();
    expect(sent.Subject).toBe('[drctl] shop failover STARTED (INC-42)');
    expect(sent.Message).toContain(
      'Planned changes:\n  - rds:us-west-2:shop-orders-replica: promote the read replica to a standalone, writable instance',
    );
    expect(sent.Message).toContain(
      'RPO: worst replica lag last observed while replication was active: 7 s (budget 60 s)',
    );
    expect(timelineOf(sent.Message).map((s) => s.step)).toEqual(['preflight']);
  });

  it('flags an RTO overrun', async () => {
    // Prepare
    const { ports, published } = setup();
    const input = notifyInput({
      event: 'succeeded',
      executionStartTime: '2026-03-01T11:50:00.000Z',
      preflight: preflightOutput,
      recovery,
      dns: dnsOutput,
      verification,
    });

    // Act
    await notify(ports, input);

    // Assess
    const sent = published();
    expect(sent.Subject).toBe('[drctl] shop failover SUCCEEDED in 21m 42s');
    expect(sent.Message).toContain(
      'RTO: 21m 42s since the execution started (OVER the objective of 15m 00s by 6m 42s)',
    );
  });

  it('keeps the subject under 100 printable ASCII characters and the message within the SNS size limit', async () => {
    // Prepare
    const { ports, published } = setup();
    const stoppedReasons = Array.from(
      { length: 400 },
      (_, i) => `Task ${i} stopped: ${'CannotPullContainerError '.repeat(40)}`,
    );
    const [promotions, scalings] = recovery;
    const input = notifyInput({
      event: 'succeeded',
      request: { mode: 'failover', incidentId: `INC-${'9'.repeat(120)}`, reason: 'x', requestedBy: 'bob' },
      preflight: preflightOutput,
      recovery: [promotions, scalings.map((s) => ({ ...s, stoppedReasons }))],
      dns: dnsOutput,
      verification,
    } satisfies Partial<NotifyInput> & Pick<NotifyInput, 'event'>);

    // Act
    await notify(ports, input);

    // Assess
    const sent = published();
    expect(sent.Subject.length).toBeLessThan(100);
    expect(sent.Subject).toMatch(/^[\x20-\x7e]+$/);
    expect(Buffer.byteLength(sent.Message, 'utf8')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(sent.Message).toMatch(/^drctl failover of plan "shop" SUCCEEDED/);
    expect(sent.Message).toContain('[message cut to fit the SNS size limit');
  });

  it('still notifies when a step result has an unexpected shape, and says so', async () => {
    // Prepare
    const { ports, published } = setup();
    const input = notifyInput({
      event: 'succeeded',
      preflight: preflightOutput,
      recovery: { oops: true },
      dns: dnsOutput,
      verification,
    });

    // Act
    await notify(ports, input);

    // Assess
    const sent = published();
    expect(sent.Message).toContain('step result(s) with an unexpected shape were left out: recovery');
    expect(timelineOf(sent.Message).find((s) => s.step === 'scale service web')?.outcome).toBe('unknown');
  });

  it('throws family errors when publishing fails: throttling is retryable, access denied is not', async () => {
    // Prepare
    const throttled = setup();
    throttled.snsMock.on(PublishCommand).rejects(throttlingError());
    const denied = setup();
    denied.snsMock.on(PublishCommand).rejects(
      Object.assign(new Error('not authorized to perform SNS:Publish'), {
        name: 'AuthorizationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const input = notifyInput({ event: 'started', preflight: preflightOutput });

    // Act
    const throttledError = await notify(throttled.ports, input).catch((e: unknown) => e);
    const deniedError = await notify(denied.ports, input).catch((e: unknown) => e);

    // Assess
    expect(throttledError).toBeInstanceOf(ThrottledError);
    expect((throttledError as ThrottledError).retryable).toBe(true);
    expect((throttledError as Error).message).toContain(TOPIC_ARN);
    expect(deniedError).toBeInstanceOf(AccessDeniedError);
    expect((deniedError as AccessDeniedError).retryable).toBe(false);
  });
});
