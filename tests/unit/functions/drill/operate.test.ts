import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { runDrillOp } from '../../../../functions/drill/operate.ts';
import { InvalidInputError } from '../../../../plan/errors.ts';
import { rejection } from '../aws-errors.ts';
import { envelope, lambdaMock, NOW, plan, ports, rdsMock, resetMocks } from './support.ts';

describe('the drill op contract', () => {
  it('declares the outage at the function clock and reads each copy at that instant through the canary reader', async () => {
    // Prepare
    resetMocks();
    const heartbeats = plan.databases.map((db, index) => ({
      databaseId: db.id,
      instanceIdentifier: `${db.replica.identifier}-drill`,
      seq: 40 + index,
      writtenAt: '2026-03-01T02:59:58.000Z',
    }));
    lambdaMock.on(InvokeCommand, { FunctionName: 'shop-canary-reader' }).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode(
        JSON.stringify({ heartbeats }),
      ) as unknown as InvokeCommandOutput['Payload'],
    });

    // Act
    const output = await runDrillOp(ports(), { op: 'declare-outage', ...envelope });

    // Assess
    expect(output).toEqual({ outageAt: NOW.toISOString(), copies: heartbeats });
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('declares the outage without reading anything when the canary is off', async () => {
    // Prepare
    resetMocks();
    const noCanary = {
      ...plan,
      drills: { ...plan.drills, canary: { ...plan.drills.canary, enabled: false } },
    };

    // Act
    const output = await runDrillOp(ports({ plan: noCanary }), { op: 'declare-outage', ...envelope });

    // Assess
    expect(output).toEqual({ outageAt: NOW.toISOString(), copies: null });
    expect(lambdaMock.calls()).toHaveLength(0);
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
