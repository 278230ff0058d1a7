import { describe, expect, it } from 'vitest';
import { runDrillOp } from '../../../../functions/drill/operate.ts';
import { InvalidInputError } from '../../../../plan/errors.ts';
import { rejection } from '../aws-errors.ts';
import { envelope, NOW, ports, rdsMock, resetMocks } from './support.ts';

describe('the drill op contract', () => {
  it('declares the outage at the function clock: the instant the RTO runs from', async () => {
    // Act
    const output = await runDrillOp(ports(), { op: 'declare-outage', ...envelope });

    // Assess
    expect(output).toEqual({ outageAt: NOW.toISOString() });
  });

  it('refuses an input that does not match its op, naming the field, before any call', async () => {
    // Prepare
    resetMocks();

    // Act
    const missing = await rejection(runDrillOp(ports(), { op: 'create-copy', ...envelope }));
    const gate = await rejection(runDrillOp(ports(), { op: 'gate', ...envelope, action: 'flip' }));

    // Assess
    expect(missing).toBeInstanceOf(InvalidInputError);
    expect((missing as InvalidInputError).field).toBe('databaseId');
    expect(gate).toBeInstanceOf(InvalidInputError);
    expect((gate as InvalidInputError).field).toBe('action');
    expect(rdsMock.calls()).toHaveLength(0);
  });
});
