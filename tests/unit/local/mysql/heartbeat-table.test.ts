import { describe, expect, it } from 'vitest';
import { HeartbeatTable } from '../../../../local/mysql/heartbeat-table.ts';

const T0 = Date.UTC(2026, 2, 1, 3, 0, 0);

/** A primary whose canary created its table at T0 and wrote `count` heartbeats 5 s apart from T0 + 5 s. */
function primaryWith(count: number): HeartbeatTable {
  const table = new HeartbeatTable();
  table.ensureSchema(T0);
  table.ensureTable(T0);
  for (let beat = 1; beat <= count; beat++) table.insert(T0 + beat * 5_000);
  return table;
}

describe('HeartbeatTable (one instance canary table, with replication)', () => {
  it('numbers rows from 1 and finds the last one, overall or at or before an instant', () => {
    // Prepare
    const table = primaryWith(4);

    // Act
    const last = table.last();
    const atOrBefore = [T0 + 10_000, T0 + 14_999, T0 + 4_999].map((at) => table.last(at));

    // Assess
    expect(last).toEqual({ seq: 4, writtenAt: T0 + 20_000 });
    expect(atOrBefore).toEqual([
      { seq: 2, writtenAt: T0 + 10_000 },
      { seq: 2, writtenAt: T0 + 10_000 },
      undefined,
    ]);
  });

  it('refuses a row before its table exists (the endpoint answers 1049/1146 before that)', () => {
    // Prepare
    const table = new HeartbeatTable();

    // Act
    const withoutSchema = () => table.ensureTable(T0);
    const withoutTable = () => table.insert(T0);

    // Assess
    expect(withoutSchema).toThrow(/schema does not exist/);
    expect(withoutTable).toThrow(/table does not exist/);
  });

  it('replicates DDL and rows up to the instant replication has reached, in commit order, once each', () => {
    // Prepare
    const primary = primaryWith(6);
    const replica = new HeartbeatTable();

    // Act
    const beforeTable = replica.replicateFrom(primary, T0 - 1);
    const schemaBefore = replica.hasSchema();
    const firstBatch = replica.replicateFrom(primary, T0 + 12_000);
    const again = replica.replicateFrom(primary, T0 + 12_000);
    const secondBatch = replica.replicateFrom(primary, T0 + 30_000);

    // Assess
    expect([beforeTable, schemaBefore]).toEqual([0, false]);
    expect([firstBatch, again, secondBatch]).toEqual([2, 0, 4]);
    expect(replica.list()).toEqual(primary.list());
  });

  it('counts the writes a stopped replica lacks', () => {
    // Prepare
    const primary = primaryWith(5);
    const replica = primary.snapshotUpTo(T0 + 10_000);

    // Act
    const lacking = primary.countAfter(replica.last()?.seq ?? 0);

    // Assess
    expect([replica.last()?.seq, lacking]).toEqual([2, 3]);
  });

  it('starts a copy from a snapshot of its source, and a promoted copy continues the numbering', () => {
    // Prepare
    const source = primaryWith(5);

    // Act
    const copy = source.snapshotUpTo(T0 + 15_000);
    source.insert(T0 + 30_000);
    const own = copy.insert(T0 + 40_000);

    // Assess
    expect(copy.list().map((row) => row.seq)).toEqual([1, 2, 3, 4]);
    expect(own).toBe(4);
    expect(copy.last()).toEqual({ seq: 4, writtenAt: T0 + 40_000 });
    expect(source.size).toBe(6);
  });
});
