import {
  DescribeParametersCommand,
  GetParameterCommand,
  ParameterNotFound,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkDecision, type DecisionInput } from '../../../../functions/approval/check-decision.ts';
import { InvalidInputError, ThrottledError } from '../../../../plan/errors.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import { rejection, throttlingError } from '../aws-errors.ts';

const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
const ssmMock = mockClient(SSMClient);
const ports = {
  plan,
  ssm: new SSMClient({ region: 'us-west-2' }),
  now: () => new Date('2026-03-01T12:00:00Z'),
};
const input: DecisionInput = {
  operation: 'check',
  correlationId: 'alarm-run-7',
  executionStartTime: '2026-03-01T11:50:00Z',
  attempt: 4,
};

function written(value: unknown) {
  ssmMock
    .on(GetParameterCommand)
    .resolves({ Parameter: { Value: typeof value === 'string' ? value : JSON.stringify(value) } });
  ssmMock.on(DescribeParametersCommand).resolves({
    Parameters: [
      {
        Name: '/drctl/shop/decisions/alarm-run-7',
        LastModifiedUser: 'arn:aws:iam::111111111111:user/alice',
        LastModifiedDate: new Date('2026-03-01T11:59:30Z'),
      },
    ],
  });
}

describe('approval: one look at the decision', () => {
  beforeEach(() => ssmMock.reset());

  it('is pending while nobody wrote the run parameter', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

    // Act
    const output = await checkDecision(ports, input);

    // Assess
    expect(output).toMatchObject({ status: 'pending', decision: null, problem: null, attempt: 5 });
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input.Name).toBe(
      '/drctl/shop/decisions/alarm-run-7',
    );
  });

  it('refuses a run name SSM cannot hold as InvalidInputError on correlationId, naming the fix', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(
      new SSMServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Parameter name: It must use only letters, numbers, or the following symbols: . - _',
      }),
    );

    // Act
    const error = await rejection(checkDecision(ports, { ...input, correlationId: 'inc+1(a)' }));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('correlationId');
    expect(error.message).toContain('GetParameter /drctl/shop/decisions/inc+1(a): ValidationException');
    expect(error.message).toContain('start the execution with a name of letters, digits, - _ .');
  });

  it('records an approval with who wrote it (Parameter Store) and who they say they are', async () => {
    // Prepare
    written({
      decision: 'approve',
      reason: 'us-east-1 is down',
      decidedBy: 'alice@example.com',
      acceptDataLossSeconds: 300,
    });

    // Act
    const output = await checkDecision(ports, input);

    // Assess
    expect(output.status).toBe('approved');
    expect(output.decision).toEqual({
      decision: 'approve',
      reason: 'us-east-1 is down',
      author: 'arn:aws:iam::111111111111:user/alice',
      decidedBy: 'alice@example.com',
      decidedAt: '2026-03-01T11:59:30.000Z',
      acceptDataLossSeconds: 300,
      acceptUnknownDataLoss: false,
    });
  });

  it('reads a denial', async () => {
    // Prepare
    written({ decision: 'deny', reason: 'the primary is coming back' });

    // Act
    const output = await checkDecision(ports, input);

    // Assess
    expect(output.status).toBe('denied');
  });

  it('keeps waiting, and says what is wrong, when the parameter is not a valid decision', async () => {
    // Prepare
    const cases = [
      'yes please',
      { decision: 'maybe', reason: 'x' },
      { decision: 'approve', reason: 'x', acceptUnknownDataLoss: 'sure' },
      { decision: 'approve', reason: 'x', acceptDataLossSeconds: -5 },
    ];

    // Act
    const outputs = [];
    for (const value of cases) {
      written(value);
      outputs.push(await checkDecision(ports, input));
    }

    // Assess
    expect(outputs.map((o) => o.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(outputs[0]?.problem).toContain('not JSON');
    expect(outputs[1]?.problem).toContain('decision');
    expect(outputs[2]?.problem).toContain('accept unknown data loss');
    expect(outputs[3]?.problem).toContain('acceptDataLossSeconds');
  });

  it('throws a retryable error when Parameter Store throttles', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(throttlingError('ThrottlingException'));

    // Act
    const error = await rejection(checkDecision(ports, input));

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
  });
});
