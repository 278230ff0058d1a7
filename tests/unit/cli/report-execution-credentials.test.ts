import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/report.ts';

const sfnMock = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-west-2:111111111111:execution:shop-failover:run-1';

describe('drctl report --execution when AWS refuses the credentials', () => {
  beforeEach(() => {
    sfnMock.reset();
    // Credentials the SDK finds, which AWS then refuses (expired, deleted key).
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAEXPIRED000000000');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'expired');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('prints the credentials guide and exits 2, not the raw SDK error and 1', async () => {
    // Prepare
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...parts) => void errors.push(parts.join(' ')));
    sfnMock.on(DescribeExecutionCommand).rejects(
      new SFNServiceException({
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const out = mkdtempSync(join(tmpdir(), 'drctl-report-credentials-'));

    // Act
    const code = await run(['--execution', ARN, '--json', join(out, 'run.json')]);

    // Assess
    expect(code).toBe(2);
    expect(errors.join('\n')).toContain(
      'drctl report: --execution: AWS rejected or could not find the credentials (UnrecognizedClientException)',
    );
    expect(errors.join('\n')).toContain('AWS_PROFILE');
  });
});
