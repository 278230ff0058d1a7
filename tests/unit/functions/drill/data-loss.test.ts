import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { measureDataLoss } from '../../../../functions/drill/data-loss.ts';
import { envelope, lambdaMock, plan, ports, resetMocks } from './support.ts';

const PROMOTED_AT = '2026-03-01T03:10:00.000Z';
type Promotion = {
  databaseId: string;
  copyIdentifier: string;
  startedAt: string | null;
  lagAtPromotionSeconds: number | null;
};
const input = (
  promotions: Promotion[] = plan.databases.map((d) => ({
    databaseId: d.id,
    copyIdentifier: `${d.replica.identifier}-drill`,
    startedAt: PROMOTED_AT,
    lagAtPromotionSeconds: 2,
  })),
) => ({
  op: 'data-loss' as const,
  ...envelope,
  promotions,
});
/** The SDK's blob adapter is a Uint8Array with helpers the core does not use (it decodes the bytes). */
const payload = (body: unknown) =>
  new TextEncoder().encode(JSON.stringify(body)) as unknown as InvokeCommandOutput['Payload'];
const decoded = (call: { args: [{ input: { Payload?: Uint8Array } }] }) =>
  JSON.parse(new TextDecoder().decode(call.args[0].input.Payload));

/** Heartbeats per function: reader (copies) and writer (primaries). */
function canary(reader: unknown, writer: unknown, writerError?: string): void {
  lambdaMock
    .on(InvokeCommand, { FunctionName: 'shop-canary-reader' })
    .resolves({ StatusCode: 200, Payload: payload(reader) });
  lambdaMock
    .on(InvokeCommand, { FunctionName: 'shop-canary' })
    .resolves(
      writerError === undefined
        ? { StatusCode: 200, Payload: payload(writer) }
        : { StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorMessage: writerError }) },
    );
}

beforeEach(() => resetMocks());

describe('drill data-loss', () => {
  it('combines the copy and primary heartbeats: writes lost = primary seq − copy seq, seconds = promotion − copy written_at', async () => {
    // Prepare
    canary(
      {
        heartbeats: [
          {
            databaseId: 'orders',
            instanceIdentifier: 'shop-orders-replica-drill',
            seq: 120,
            writtenAt: '2026-03-01T03:09:57.500Z',
          },
          {
            databaseId: 'catalog',
            instanceIdentifier: 'shop-catalog-replica-drill',
            seq: 80,
            writtenAt: '2026-03-01T03:09:59.000Z',
          },
        ],
      },
      {
        heartbeats: [
          {
            databaseId: 'orders',
            instanceIdentifier: 'shop-orders',
            seq: 121,
            writtenAt: '2026-03-01T03:09:59.900Z',
          },
          {
            databaseId: 'catalog',
            instanceIdentifier: 'shop-catalog',
            seq: 80,
            writtenAt: '2026-03-01T03:09:59.000Z',
          },
        ],
      },
    );

    // Act
    const output = await measureDataLoss(ports(), input());

    // Assess
    const calls = lambdaMock.commandCalls(InvokeCommand);
    const reader = calls.find((c) => c.args[0].input.FunctionName === 'shop-canary-reader');
    const writer = calls.find((c) => c.args[0].input.FunctionName === 'shop-canary');
    expect(decoded(reader as never)).toEqual({
      op: 'read',
      targets: [
        { databaseId: 'orders', instanceIdentifier: 'shop-orders-replica-drill' },
        { databaseId: 'catalog', instanceIdentifier: 'shop-catalog-replica-drill' },
      ],
    });
    expect(decoded(writer as never)).toEqual({
      op: 'read',
      targets: [
        { databaseId: 'orders', instanceIdentifier: 'shop-orders', before: PROMOTED_AT },
        { databaseId: 'catalog', instanceIdentifier: 'shop-catalog', before: PROMOTED_AT },
      ],
    });
    expect(output.canary).toBe(true);
    expect(output.databases.map((d) => [d.databaseId, d.writesLost, d.secondsLost, d.basis])).toEqual([
      ['orders', 1, 2.5, 'canary'],
      ['catalog', 0, 1, 'canary'],
    ]);
    expect(output.worst).toEqual({ secondsLost: 2.5, writesLost: 1, basis: 'canary' });
  });

  it('cuts at the declared outage: the copy as it was then against the primary up to then, not the copy that replicated on into its promotion', async () => {
    // Prepare
    const OUTAGE_AT = '2026-03-01T03:09:59.000Z';
    const atOutage = plan.databases.map((d, index) => ({
      databaseId: d.id,
      instanceIdentifier: `${d.replica.identifier}-drill`,
      seq: 100 + index,
      writtenAt: '2026-03-01T03:09:55.000Z',
    }));
    canary(
      // Read after the promotion, the copies are ahead of the primary's heartbeat at the cut.
      { heartbeats: atOutage.map((beat) => ({ ...beat, seq: 150, writtenAt: '2026-03-01T03:13:00.000Z' })) },
      {
        heartbeats: plan.databases.map((d, index) => ({
          databaseId: d.id,
          instanceIdentifier: d.primary.identifier,
          seq: 101 + index,
          writtenAt: '2026-03-01T03:09:58.000Z',
        })),
      },
    );

    // Act
    const output = await measureDataLoss(ports(), {
      ...input(),
      outage: { outageAt: OUTAGE_AT, copies: atOutage },
    });

    // Assess
    const calls = lambdaMock.commandCalls(InvokeCommand);
    expect(calls.map((c) => c.args[0].input.FunctionName)).toEqual(['shop-canary']);
    expect(decoded(calls[0] as never).targets.map((t: { before: string }) => t.before)).toEqual(
      plan.databases.map(() => OUTAGE_AT),
    );
    expect(output.databases.map((d) => [d.writesLost, d.secondsLost, d.cutAt, d.basis])).toEqual(
      plan.databases.map(() => [1, 4, OUTAGE_AT, 'canary']),
    );
    expect(output.databases[0]?.detail).toContain('at the declared outage');
  });

  it('falls back to the promoted copy, said to be a lower bound, when the copy could not be read at the declared outage', async () => {
    // Prepare
    const OUTAGE_AT = '2026-03-01T03:09:59.000Z';
    canary(
      {
        heartbeats: plan.databases.map((d) => ({
          databaseId: d.id,
          instanceIdentifier: `${d.replica.identifier}-drill`,
          seq: 120,
          writtenAt: '2026-03-01T03:09:57.500Z',
        })),
      },
      {
        heartbeats: plan.databases.map((d) => ({
          databaseId: d.id,
          instanceIdentifier: d.primary.identifier,
          seq: 121,
          writtenAt: '2026-03-01T03:09:59.900Z',
        })),
      },
    );
    const unread = plan.databases.map((d) => ({
      databaseId: d.id,
      instanceIdentifier: `${d.replica.identifier}-drill`,
      seq: null,
      writtenAt: null,
      error: 'connect ECONNREFUSED',
    }));

    // Act
    const output = await measureDataLoss(ports(), {
      ...input(),
      outage: { outageAt: OUTAGE_AT, copies: unread },
    });

    // Assess
    expect(output.databases.map((d) => [d.writesLost, d.secondsLost, d.cutAt])).toEqual(
      plan.databases.map(() => [1, 2.5, PROMOTED_AT]),
    );
    expect(output.databases[0]?.detail).toContain('a lower bound');
  });

  it('keeps the seconds but makes the writes unknown when the primary side cannot be read', async () => {
    // Prepare
    canary(
      {
        heartbeats: plan.databases.map((d) => ({
          databaseId: d.id,
          instanceIdentifier: `${d.replica.identifier}-drill`,
          seq: 10,
          writtenAt: '2026-03-01T03:09:58.000Z',
        })),
      },
      null,
      'connect ETIMEDOUT',
    );

    // Act
    const output = await measureDataLoss(ports(), input());

    // Assess
    expect(output.databases.map((d) => [d.writesLost, d.secondsLost])).toEqual([
      [null, 2],
      [null, 2],
    ]);
    expect(output.databases[0]?.primary.error).toContain('connect ETIMEDOUT');
    expect(output.worst).toEqual({ secondsLost: 2, writesLost: null, basis: 'canary' });
  });

  it("stands in the copy's lag at promotion, labelled an estimate, when the copy cannot be read", async () => {
    // Prepare
    canary(
      {
        heartbeats: plan.databases.map((d) => ({
          databaseId: d.id,
          instanceIdentifier: `${d.replica.identifier}-drill`,
          seq: null,
          writtenAt: null,
          error: 'ER_NO_SUCH_TABLE',
        })),
      },
      { heartbeats: [] },
    );

    // Act
    const output = await measureDataLoss(ports(), input());

    // Assess
    expect(output.databases.map((d) => [d.secondsLost, d.writesLost, d.basis])).toEqual([
      [2, null, 'replica-lag-estimate'],
      [2, null, 'replica-lag-estimate'],
    ]);
    expect(output.databases[0]?.detail).toContain('ER_NO_SUCH_TABLE');
  });

  it('without the canary: no invocation, the lag as an estimate, and unknown (null, never zero) without a lag', async () => {
    // Prepare
    const off = { ...plan, drills: { ...plan.drills, canary: { enabled: false, intervalSeconds: 5 } } };
    const promotions = [
      {
        databaseId: 'orders',
        copyIdentifier: 'shop-orders-replica-drill',
        startedAt: PROMOTED_AT,
        lagAtPromotionSeconds: 4,
      },
      {
        databaseId: 'catalog',
        copyIdentifier: 'shop-catalog-replica-drill',
        startedAt: PROMOTED_AT,
        lagAtPromotionSeconds: null,
      },
    ];

    // Act
    const output = await measureDataLoss(ports({ plan: off }), input(promotions));

    // Assess
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(output.canary).toBe(false);
    expect(output.databases.map((d) => [d.secondsLost, d.basis])).toEqual([
      [4, 'replica-lag-estimate'],
      [null, 'unknown'],
    ]);
    expect(output.worst).toEqual({ secondsLost: null, writesLost: null, basis: 'unknown' });
  });
});
