import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedPlanFile } from '../deployed-plan.ts';
import { fakeLambdaContext } from '../lambda-context.ts';
import { BUCKET, KMS_KEY, serveExecution, statusEvent } from './fixtures.ts';

const sfnMock = mockClient(SFNClient);
const s3Mock = mockClient(S3Client);
let handler: (event: unknown, context: typeof fakeLambdaContext) => Promise<unknown>;

beforeAll(async () => {
  process.env.DRCTL_PLAN_FILE = deployedPlanFile();
  process.env.DRCTL_EVIDENCE_BUCKET = BUCKET;
  process.env.DRCTL_EVIDENCE_KMS_KEY_ID = KMS_KEY;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../../../functions/evidence/handler.ts'));
});

describe('evidence handler', () => {
  it('writes the evidence of the execution the event names', async () => {
    // Prepare
    serveExecution(sfnMock);
    s3Mock.on(HeadObjectCommand).rejects(
      new S3ServiceException({
        name: 'NotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: '',
      }),
    );
    s3Mock.on(PutObjectCommand).resolves({});

    // Act
    const output = await handler(statusEvent(), fakeLambdaContext);

    // Assess
    expect(output).toMatchObject({
      bucket: BUCKET,
      json: { result: 'written' },
      html: { result: 'written' },
    });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('keeps the InvalidInputError name through middy for an event it cannot read', async () => {
    // Prepare
    s3Mock.reset();

    // Act
    const error = (await handler({ source: 'aws.ec2' }, fakeLambdaContext).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe('InvalidInputError');
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
