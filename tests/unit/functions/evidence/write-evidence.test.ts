import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../../../functions/evidence/put-evidence.ts';
import { writeEvidence } from '../../../../functions/evidence/write-evidence.ts';
import { reportFromExecution } from '../../../../report/from-execution.ts';
import { runReportSchema } from '../../../../report/schema.ts';
import { succeededFailover } from '../../report/support/shop-executions.ts';
import { ACCOUNT, BUCKET, config, KMS_KEY, plan, serveExecution, statusEvent } from './fixtures.ts';

const sfnMock = mockClient(SFNClient);
const s3Mock = mockClient(S3Client);
const ports = () => ({
  plan,
  config,
  sfn: new SFNClient({ region: 'us-west-2' }),
  s3: new S3Client({ region: 'us-west-2' }),
});
const JSON_KEY = 'runs/shop-failover/2026/11/drill-42.json';
const HTML_KEY = 'runs/shop-failover/2026/11/drill-42.html';

const notFound = () =>
  new S3ServiceException({
    name: 'NotFound',
    $fault: 'client',
    $metadata: { httpStatusCode: 404 },
    message: '',
  });

afterEach(() => {
  sfnMock.reset();
  s3Mock.reset();
});

describe('writeEvidence', () => {
  it("writes the run's HTML page, then its JSON report, SSE-KMS encrypted, under the evidence key", async () => {
    // Prepare
    serveExecution(sfnMock);
    s3Mock.on(HeadObjectCommand).rejects(notFound());
    s3Mock.on(PutObjectCommand).resolves({});

    // Act
    const output = await writeEvidence(ports(), statusEvent());

    // Assess
    expect(output).toMatchObject({
      bucket: BUCKET,
      status: 'SUCCEEDED',
      outcome: 'failed-over',
      json: { key: JSON_KEY, result: 'written' },
      html: { key: HTML_KEY, result: 'written' },
    });
    // Every page of the history was read.
    expect(
      sfnMock.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input.nextToken),
    ).toEqual([undefined, 'page-2']);
    const puts = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map((put) => put.Key)).toEqual([HTML_KEY, JSON_KEY]);
    for (const put of puts) {
      expect(put).toMatchObject({
        Bucket: BUCKET,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KMS_KEY,
        BucketKeyEnabled: true,
      });
      expect(put.Metadata).toMatchObject({
        'drctl-plan': 'shop',
        'drctl-status': 'SUCCEEDED',
        'drctl-sha256': sha256(String(put.Body)),
      });
    }
    expect(puts[0]?.ContentType).toBe('text/html; charset=utf-8');
    expect(puts[1]?.ContentType).toBe('application/json; charset=utf-8');
    // The JSON is the report `drctl report --execution` builds, dated by the execution's stop.
    const run = succeededFailover();
    const report = runReportSchema.parse(JSON.parse(String(puts[1]?.Body)));
    expect(report).toEqual(
      reportFromExecution({ execution: run.describe, events: run.events }, plan, {
        region: 'us-west-2',
        generatedAt: run.describe.stopDate as Date,
      }),
    );
    expect(String(puts[0]?.Body)).toContain('<!doctype html>');
  });

  it('writes nothing new when the same execution arrives again (at-least-once delivery)', async () => {
    // Prepare: the first delivery's objects, as HeadObject reports them.
    serveExecution(sfnMock);
    s3Mock.on(HeadObjectCommand).rejects(notFound());
    s3Mock.on(PutObjectCommand).resolves({});
    await writeEvidence(ports(), statusEvent());
    const first = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    s3Mock.reset();
    for (const put of first) {
      s3Mock.on(HeadObjectCommand, { Key: put.Key }).resolves({ Metadata: put.Metadata });
    }

    // Act
    const again = await writeEvidence(ports(), statusEvent());

    // Assess
    expect(again).toMatchObject({
      json: { key: JSON_KEY, result: 'unchanged' },
      html: { key: HTML_KEY, result: 'unchanged' },
    });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('writes when HeadObject is denied (no s3:ListBucket: S3 answers 403 for a missing key)', async () => {
    // Prepare
    serveExecution(sfnMock);
    s3Mock.on(HeadObjectCommand).rejects(
      new S3ServiceException({
        name: 'Forbidden',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: '',
      }),
    );
    s3Mock.on(PutObjectCommand).resolves({});

    // Act
    const output = await writeEvidence(ports(), statusEvent());

    // Assess
    expect(output).toMatchObject({ json: { result: 'written' }, html: { result: 'written' } });
  });

  it('names the object and the error when PutObject is denied', async () => {
    // Prepare
    serveExecution(sfnMock);
    s3Mock.on(HeadObjectCommand).rejects(notFound());
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'Access Denied',
      }),
    );

    // Act
    const error = (await writeEvidence(ports(), statusEvent()).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe('AccessDeniedError');
    expect(error.message).toContain(`PutObject s3://${BUCKET}/${HTML_KEY}: AccessDenied`);
  });

  it("refuses another state machine's execution and writes nothing", async () => {
    // Prepare
    const event = statusEvent({
      stateMachineArn: `arn:aws:states:us-west-2:${ACCOUNT}:stateMachine:payroll-failover`,
    });

    // Act
    const error = (await writeEvidence(ports(), event).catch((e: unknown) => e)) as Error & {
      field?: string;
    };

    // Assess
    expect(error.name).toBe('InvalidInputError');
    expect(error.field).toBe('detail.stateMachineArn');
    expect(error.message).toContain('shop-failover, shop-drill');
    expect(sfnMock.calls()).toHaveLength(0);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it.each([
    [
      'another state machine',
      `arn:aws:states:us-west-2:${ACCOUNT}:execution:shop-failover-scale-service:drill-42`,
      'state machine shop-failover-scale-service (not shop-failover)',
    ],
    [
      'another region',
      `arn:aws:states:us-east-1:${ACCOUNT}:execution:shop-failover:drill-42`,
      'region us-east-1 (not us-west-2)',
    ],
    [
      'another account',
      'arn:aws:states:us-west-2:999999999999:execution:shop-failover:drill-42',
      'account 999999999999 (not 123456789012)',
    ],
  ])(
    "refuses an execution of %s than the event's stateMachineArn, and writes nothing",
    async (_, executionArn, named) => {
      // Prepare
      const event = { ...statusEvent(), detail: { ...statusEvent().detail, executionArn } };

      // Act
      const error = (await writeEvidence(ports(), event).catch((e: unknown) => e)) as Error & {
        field?: string;
      };

      // Assess
      expect(error.name).toBe('InvalidInputError');
      expect(error.field).toBe('detail.executionArn');
      expect(error.message).toContain(named);
      expect(sfnMock.calls()).toHaveLength(0);
      expect(s3Mock.calls()).toHaveLength(0);
    },
  );

  it('refuses an event that is not a Step Functions status change, naming the field', async () => {
    // Prepare
    const event = { ...statusEvent(), detail: { ...statusEvent().detail, executionArn: 'exec-1' } };

    // Act
    const error = (await writeEvidence(ports(), event).catch((e: unknown) => e)) as Error & {
      field?: string;
    };

    // Assess
    expect(error.name).toBe('InvalidInputError');
    expect(error.field).toBe('detail.executionArn');
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('skips a status that is not final (a rule that also matches RUNNING)', async () => {
    // Prepare
    const event = statusEvent({ status: 'RUNNING' });

    // Act
    const output = await writeEvidence(ports(), event);

    // Assess
    expect(output).toMatchObject({ status: 'RUNNING', skipped: 'the execution has not ended' });
    expect(sfnMock.calls()).toHaveLength(0);
    expect(s3Mock.calls()).toHaveLength(0);
  });
});
