import { describe, expect, it } from 'vitest';
import { canaryReadInputSchema } from '../../../../functions/shared/canary-contracts.ts';
import {
  executionInputSchema,
  notifyInputSchema,
  parseTaskInput,
  preflightInputSchema,
  promoteInputSchema,
} from '../../../../functions/shared/contracts.ts';
import { decisionDocumentSchema } from '../../../../functions/shared/decision.ts';
import {
  dataLossInputSchema,
  gateInputSchema,
  promoteCopyInputSchema,
  sweepInputSchema,
} from '../../../../functions/shared/drill-contracts.ts';
import { InvalidInputError } from '../../../../plan/errors.ts';

const envelope = { correlationId: 'run-1', executionStartTime: '2026-12-02T01:02:03Z' };
const request = { mode: 'failover', reason: 'us-east-1 down', incidentId: 'INC-1', requestedBy: 'alarm:x' };
const executionArn = 'arn:aws:states:us-west-2:111111111111:execution:shop-failover:run-1';
const stateMachineArn = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-failover';

/** `[[[...[]...]]]`, `depth` arrays deep (built without recursion). */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

function refusal(schema: Parameters<typeof parseTaskInput>[0], input: unknown, what: string) {
  try {
    parseTaskInput(schema, input, what);
  } catch (error) {
    return error as InvalidInputError;
  }
  throw new Error('expected the input to be refused');
}

/**
 * The messages the state machine's notices, the run report and operators read: each names the
 * field, says what is allowed and what was found. They are the ones zod's full API gave before
 * the functions moved to zod/mini (same core, English locale).
 */
describe('task input contracts', () => {
  it.each([
    [
      'an unknown mode',
      executionInputSchema,
      { ...request, mode: 'x' },
      'mode',
      'run: mode: Invalid option: expected one of "failover"|"dry-run"|"drill"; found "x"',
    ],
    [
      'a blank reason (trimmed)',
      executionInputSchema,
      { ...request, reason: '   ' },
      'reason',
      'run: reason: Too small: expected string to have >=1 characters; found ""',
    ],
    [
      'a bad incident id',
      executionInputSchema,
      { ...request, incidentId: 'a b' },
      'incidentId',
      'run: incidentId: letters, digits and . _ : / - (max 128); found "a b"',
    ],
    [
      'a field nobody defined',
      executionInputSchema,
      { ...request, region: 'us-east-1' },
      '(root)',
      'run: (root): Unrecognized key: "region"; remove it or check the spelling',
    ],
    [
      'a wrong type',
      executionInputSchema,
      { ...request, confirmPrimaryDown: 'yes' },
      'confirmPrimaryDown',
      'run: confirmPrimaryDown: Invalid input: expected boolean, received string; found "yes"',
    ],
    [
      'a fractional poll count',
      promoteInputSchema,
      { operation: 'status', ...envelope, databaseId: 'orders', attempt: 1.5 },
      'attempt',
      'run: attempt: Invalid input: expected int, received number; found 1.5',
    ],
    [
      'a negative poll count',
      promoteInputSchema,
      { operation: 'status', ...envelope, databaseId: 'orders', attempt: -1 },
      'attempt',
      'run: attempt: Too small: expected number to be >=0; found -1',
    ],
    [
      'a missing field',
      promoteInputSchema,
      { operation: 'start', ...envelope },
      'databaseId',
      'run: databaseId: Invalid input: expected string, received undefined; found nothing',
    ],
    [
      'a bad start time',
      preflightInputSchema,
      {
        operation: 'preflight',
        ...envelope,
        executionStartTime: 'noon',
        executionArn,
        stateMachineArn,
        request,
      },
      'executionStartTime',
      'run: executionStartTime: Invalid ISO datetime; found "noon"',
    ],
    [
      'a bad execution ARN',
      preflightInputSchema,
      { operation: 'preflight', ...envelope, executionArn: 'x', stateMachineArn, request },
      'executionArn',
      'run: executionArn: a Step Functions execution ARN; found "x"',
    ],
    [
      'a nested field',
      notifyInputSchema,
      { event: 'started', ...envelope, request: { reason: ' ' } },
      'request.reason',
      'run: request.reason: Too small: expected string to have >=1 characters; found ""',
    ],
    [
      'a drill action',
      gateInputSchema,
      { op: 'gate', ...envelope, action: 'x' },
      'action',
      'run: action: Invalid option: expected one of "close"|"status"|"open"; found "x"',
    ],
    [
      'a list item',
      sweepInputSchema,
      {
        op: 'sweep',
        reason: 'r',
        previous: [{ resource: 'r', kind: 'disk', outcome: 'cleaned', action: 'a', detail: 'd' }],
      },
      'previous[0].kind',
      'run: previous[0].kind: Invalid option: expected one of "copy"|"service"|"gate"; found "disk"',
    ],
    [
      'an empty target list',
      canaryReadInputSchema,
      { op: 'read', targets: [] },
      'targets',
      'run: targets: Too small: expected array to have >=1 items; found []',
    ],
    [
      'a custom message',
      decisionDocumentSchema,
      { decision: 'approve', reason: 'ok', acceptUnknownDataLoss: 'yes' },
      'acceptUnknownDataLoss',
      'run: acceptUnknownDataLoss: must be exactly "accept unknown data loss"; found "yes"',
    ],
  ])('refuses %s with an InvalidInputError naming the field', (_, schema, input, field, message) => {
    // Act
    const error = refusal(schema, input, 'run');

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.name).toBe('InvalidInputError');
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it.each([
    ['startedAt', 'not-a-date', 'promotions[0].startedAt: Invalid ISO datetime; found "not-a-date"'],
    [
      'lagAtPromotionSeconds',
      -5,
      'promotions[0].lagAtPromotionSeconds: Too small: expected number to be >=0; found -5',
    ],
  ])("refuses an impossible promotion %s in the drill's data-loss input", (key, value, message) => {
    // Prepare
    const promotion = {
      databaseId: 'orders',
      copyIdentifier: 'c-drill',
      startedAt: '2026-03-01T03:10:00Z',
      lagAtPromotionSeconds: 2,
    };

    // Act
    const dataLoss = refusal(
      dataLossInputSchema,
      { op: 'data-loss', ...envelope, promotions: [{ ...promotion, [key]: value }] },
      'run',
    );
    const promote = refusal(
      promoteCopyInputSchema,
      { op: 'promote-status', ...envelope, databaseId: 'orders', [key]: value },
      'run',
    );

    // Assess
    expect(dataLoss.message).toBe(`run: ${message}`);
    expect(dataLoss.field).toBe(`promotions[0].${key}`);
    expect(promote.field).toBe(key);
  });

  it('refuses what is not an object at the root', () => {
    // Act
    const error = refusal(executionInputSchema, null, 'run');

    // Assess
    expect(error.message).toBe('run: (root): Invalid input: expected object, received null; found null');
  });

  it.each([
    ['an unknown key', executionInputSchema, { ...request, extra: nested(200_000) }, '(root)', '"extra"'],
    [
      "a notice's error",
      notifyInputSchema,
      { event: 'failed', ...envelope, error: nested(200_000) },
      'error',
      'found [[[[',
    ],
  ])(
    'refuses a deeply nested value in %s with an InvalidInputError, not a stack overflow',
    (_, schema, input, field, shown) => {
      // Act
      const error = refusal(schema, input, 'run');

      // Assess
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.field).toBe(field);
      expect(error.message).toContain(shown);
    },
  );

  it.each([
    ['a huge reason', { ...request, reason: 'x'.repeat(100_000) }, 'reason'],
    ["a huge unknown key's value", { ...request, extra: 'x'.repeat(100_000) }, '(root)'],
    ['a huge unknown key', { ...request, ['k'.repeat(100_000)]: 1 }, '(root)'],
    [
      'many unknown keys',
      { ...request, ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) },
      '(root)',
    ],
  ])('keeps the error short whatever the input: %s', (_, input, field) => {
    // Act
    const error = refusal(executionInputSchema, input, 'run');

    // Assess
    expect(error.field).toBe(field);
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.message).not.toContain('us-east-1 down');
  });

  it('refuses an ARN longer than Step Functions allows, so that no error echoes a huge one', () => {
    // Prepare
    const huge = `arn:aws:states:us-west-2:111111111111:execution:shop-failover:${'x'.repeat(100_000)}`;

    // Act
    const error = refusal(
      preflightInputSchema,
      { operation: 'preflight', ...envelope, executionArn: huge, stateMachineArn, request },
      'run',
    );

    // Assess
    expect(error.field).toBe('executionArn');
    expect(error.message).toMatch(
      /^run: executionArn: Too big: expected string to have <=256 characters; found "arn:aws:states/,
    );
    expect(error.message.length).toBeLessThan(1_000);
  });

  it('names the unknown keys, a few of them, and not their values', () => {
    // Act
    const error = refusal(
      executionInputSchema,
      { ...request, a: 'secret-a', b: 2, c: 3, d: 4, e: 5, f: 6 },
      'run',
    );

    // Assess
    expect(error.message).toBe(
      'run: (root): Unrecognized keys: "a", "b", "c", "d", "e" and 1 more; remove them or check the spelling',
    );
  });

  it('fills the defaults and trims, as the state machine relies on', () => {
    // Act
    const promote = parseTaskInput(
      promoteInputSchema,
      { operation: 'start', ...envelope, databaseId: 'orders' },
      'run',
    );
    const notice = parseTaskInput(notifyInputSchema, { event: 'started', ...envelope }, 'run');
    const sweep = parseTaskInput(sweepInputSchema, { op: 'sweep', reason: '  drill failed  ' }, 'run');

    // Assess
    expect(promote).toEqual({
      operation: 'start',
      ...envelope,
      databaseId: 'orders',
      attempt: 0,
      startedAt: null,
    });
    expect(notice.request).toEqual({});
    expect(sweep).toEqual({ op: 'sweep', reason: 'drill failed', attempt: 0, previous: [] });
  });

  it('drops fields a task input does not define, and keeps those of a loose one', () => {
    // Act
    const promote = parseTaskInput(
      promoteInputSchema,
      { operation: 'start', ...envelope, databaseId: 'orders', extra: 1 },
      'run',
    );
    const notice = parseTaskInput(
      notifyInputSchema,
      { event: 'started', ...envelope, request: { ...request, extra: 1 } },
      'run',
    );

    // Assess
    expect(promote).not.toHaveProperty('extra');
    expect(notice.request).toEqual({ ...request, extra: 1 });
  });
});
