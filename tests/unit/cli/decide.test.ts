import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  GetParameterCommand,
  ParameterAlreadyExists,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decide } from '../../../cli/commands/decide.ts';

const sfnMock = mockClient(SFNClient);
const ssmMock = mockClient(SSMClient);
const PLAN = new URL('../../../drctl.plan.yaml', import.meta.url).pathname;
const ENDPOINT = ['--endpoint', 'http://127.0.0.1:4566', '--plan', PLAN];

/** A run in the decision loop whose preflight found the given RPO verdict. */
function waiting(rpo = { verdict: 'within', worstLagSeconds: 2, budgetSeconds: 60 }) {
  sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
  sfnMock.on(GetExecutionHistoryCommand).resolves({
    events: [
      {
        id: 9,
        timestamp: new Date(),
        type: 'WaitStateEntered',
        stateEnteredEventDetails: { name: 'WaitForDecision' },
      },
      {
        id: 5,
        timestamp: new Date(),
        type: 'TaskStateEntered',
        stateEnteredEventDetails: { name: 'RequestDecision', input: JSON.stringify({ preflight: { rpo } }) },
      },
    ],
  });
}

async function run(verb: 'approve' | 'deny', args: string[]) {
  const errors: string[] = [];
  const logs: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...parts) => void errors.push(parts.join(' ')));
  vi.spyOn(console, 'log').mockImplementation((...parts) => void logs.push(parts.join(' ')));
  const code = await decide(verb, args);
  return { code, stderr: errors.join('\n'), stdout: logs.join('\n') };
}

describe('drctl approve / deny', () => {
  beforeEach(() => {
    sfnMock.reset();
    ssmMock.reset();
    ssmMock.on(PutParameterCommand).resolves({ Version: 1 });
  });
  afterEach(() => vi.restoreAllMocks());

  it('writes the approval once to the run parameter in the DR region', async () => {
    // Prepare
    waiting();

    // Act
    const result = await run('approve', [
      'alarm-run-7',
      '--reason',
      'us-east-1 is gone',
      '--as',
      'alice',
      ...ENDPOINT,
    ]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const put = ssmMock.commandCalls(PutParameterCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Name: '/drctl/shop/decisions/alarm-run-7',
      Type: 'String',
      Overwrite: false,
    });
    expect(JSON.parse(put?.Value ?? '{}')).toEqual({
      decision: 'approve',
      reason: 'us-east-1 is gone',
      decidedBy: 'alice',
    });
    expect(result.stdout).toContain('approved alarm-run-7');
  });

  it('refuses an unknown execution with exit 2 and writes nothing', async () => {
    // Prepare
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'does not exist', $metadata: {} }));

    // Act
    const result = await run('approve', ['no-such-run', '--reason', 'x', ...ENDPOINT]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('drctl approve: no such execution');
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  it('refuses a finished execution and one that is not waiting for a decision', async () => {
    // Prepare
    sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'SUCCEEDED', stopDate: new Date('2026-03-01T12:00:00Z') });

    // Act
    const finished = await run('deny', ['old-run', '--reason', 'x', ...ENDPOINT]);
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfnMock.on(GetExecutionHistoryCommand).resolves({
      events: [
        {
          id: 3,
          timestamp: new Date(),
          type: 'MapStateEntered',
          stateEnteredEventDetails: { name: 'Recover' },
        },
      ],
    });
    const busy = await run('deny', ['busy-run', '--reason', 'x', ...ENDPOINT]);

    // Assess
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain('has already ended (SUCCEEDED at 2026-03-01T12:00:00.000Z)');
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain('is not waiting for a decision (its last state is Recover)');
  });

  it('refuses an approval that does not accept the loss the run needs, naming the figure', async () => {
    // Prepare
    waiting({ verdict: 'over', worstLagSeconds: 900, budgetSeconds: 60 });

    // Act
    const tooLittle = await run('approve', ['r1', '--reason', 'x', '--accept-data-loss', '300', ...ENDPOINT]);
    const enough = await run('approve', ['r1', '--reason', 'x', '--accept-data-loss', '900', ...ENDPOINT]);

    // Assess
    expect(tooLittle.code).toBe(2);
    expect(tooLittle.stderr).toContain('needs --accept-data-loss 900 or more');
    expect(enough.code, enough.stderr).toBe(0);
  });

  it('accepts an unknown loss only with the exact words', async () => {
    // Prepare
    waiting({ verdict: 'unknown', worstLagSeconds: null, budgetSeconds: 60 } as never);

    // Act
    const noWords = await run('approve', ['r2', '--reason', 'x', ...ENDPOINT]);
    const wrongWords = await run('approve', [
      'r2',
      '--reason',
      'x',
      '--accept-unknown-data-loss',
      'yes',
      ...ENDPOINT,
    ]);
    const words = await run('approve', [
      'r2',
      '--reason',
      'x',
      '--accept-unknown-data-loss',
      'accept unknown data loss',
      ...ENDPOINT,
    ]);

    // Assess
    expect(noWords.code).toBe(2);
    expect(wrongWords.code).toBe(2);
    expect(wrongWords.stderr).toContain('type the exact words');
    expect(words.code, words.stderr).toBe(0);
  });

  it('never overwrites a decision someone already made, and says what it was', async () => {
    // Prepare
    waiting();
    ssmMock.on(PutParameterCommand).rejects(new ParameterAlreadyExists({ message: 'exists', $metadata: {} }));
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: '{"decision":"deny","reason":"no"}' } });

    // Act
    const result = await run('approve', ['r3', '--reason', 'x', ...ENDPOINT]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('already decided');
    expect(result.stderr).toContain('"decision":"deny"');
  });

  it('needs a reason and an execution', async () => {
    // Act
    const noReason = await run('approve', ['r4', ...ENDPOINT]);
    const noExecution = await run('deny', ['--reason', 'x', ...ENDPOINT]);

    // Assess
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason is required: say why you approve');
    expect(noExecution.code).toBe(2);
    expect(noExecution.stderr).toContain('give the execution to deny');
  });

  it('says what is wrong with a reason in words, not the schema', async () => {
    // Act
    const missing = await run('deny', ['r4', ...ENDPOINT]);
    const blank = await run('approve', ['r4', '--reason', '   ', ...ENDPOINT]);
    const long = await run('approve', ['r4', '--reason', 'x'.repeat(501), ...ENDPOINT]);
    const blankAs = await run('approve', ['r4', '--reason', 'ok', '--as', ' ', ...ENDPOINT]);

    // Assess
    expect(missing.stderr).toContain('--reason is required: say why you deny');
    expect(blank.stderr).toContain('--reason must not be blank: say why you approve');
    expect(long.stderr).toContain('--reason is too long: at most 500 characters (found 501)');
    expect(blankAs.stderr).toContain('--as must not be blank');
    for (const result of [missing, blank, long, blankAs]) {
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(/Invalid input|expected string|Too small|Too big/);
    }
    expect(sfnMock.calls()).toHaveLength(0);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('refuses a malformed execution ARN before any call, showing what a valid one looks like', async () => {
    // Act
    const garbage = await run('approve', ['arn:aws:states:garbage', '--reason', 't', ...ENDPOINT]);
    const otherRegion = await run('approve', [
      'arn:aws:states:eu-west-1:111111111111:execution:shop-failover:run-1',
      '--reason',
      't',
      ...ENDPOINT,
    ]);

    // Assess
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('"arn:aws:states:garbage" is not a valid execution ARN');
    expect(garbage.stderr).toContain(
      'expected arn:aws:states:us-west-2:<account>:execution:shop-failover:<name>',
    );
    expect(garbage.stderr).toContain('or just the execution name');
    expect(garbage.stderr).not.toContain('no such execution');
    expect(otherRegion.code).toBe(2);
    expect(otherRegion.stderr).toContain(
      "is in eu-west-1, but the plan's failover runs in its DR region us-west-2",
    );
    expect(sfnMock.calls()).toHaveLength(0);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('takes a well-formed execution ARN of the plan as it is', async () => {
    // Prepare
    waiting();
    const arn =
      'arn:aws:states:us-west-2:111111111111:execution:shop-failover:3f0a9c1e-0b7d-4d2f-9a51-2f8e6b1c7d40';

    // Act
    const result = await run('deny', [arn, '--reason', 'not now', ...ENDPOINT]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: arn });
  });
});
