import type { Heartbeat, HeartbeatStore } from './store.ts';

/**
 * One instance's canary table in memory, with what the RDS model needs to replicate it: a
 * replica applies its source's changes (DDL and rows, in commit order) up to the instant its
 * replication has reached (`replicateFrom`), a new replica starts from its source's state at the
 * snapshot instant (`snapshotUpTo`), and a promoted replica keeps what it had and takes writes of
 * its own from there (its AUTO_INCREMENT counter follows the rows it holds, as InnoDB's does).
 */
export class HeartbeatTable implements HeartbeatStore {
  private schemaCreatedAt: number | undefined;
  private tableCreatedAt: number | undefined;
  /** In seq order (commit order: a primary's seqs rise with time). */
  private readonly rows: Heartbeat[] = [];
  private nextSeq = 1;

  hasSchema(): boolean {
    return this.schemaCreatedAt !== undefined;
  }

  hasTable(): boolean {
    return this.tableCreatedAt !== undefined;
  }

  ensureSchema(at: number): void {
    this.schemaCreatedAt ??= at;
  }

  ensureTable(at: number): void {
    if (!this.hasSchema()) throw new Error('the canary schema does not exist; create it first');
    this.tableCreatedAt ??= at;
  }

  insert(at: number): number {
    if (!this.hasTable()) throw new Error('the canary table does not exist; create it first');
    const seq = this.nextSeq;
    this.append({ seq, writtenAt: at });
    return seq;
  }

  last(atOrBefore?: number): Heartbeat | undefined {
    for (let index = this.rows.length - 1; index >= 0; index--) {
      const row = this.rows[index];
      if (row && (atOrBefore === undefined || row.writtenAt <= atOrBefore)) return { ...row };
    }
    return undefined;
  }

  /** Rows in seq order (copies). */
  list(): Heartbeat[] {
    return this.rows.map((row) => ({ ...row }));
  }

  get size(): number {
    return this.rows.length;
  }

  /** Rows with a seq above `seq`: what a replica that stopped at `seq` does not have. */
  countAfter(seq: number): number {
    let count = 0;
    for (let index = this.rows.length - 1; index >= 0 && (this.rows[index]?.seq ?? 0) > seq; index--) count++;
    return count;
  }

  /**
   * Applies the source's changes committed at or before `upTo` that this table does not have yet,
   * in commit order (DDL by its time, rows by seq, stopping at the first row beyond `upTo`, as
   * a replica applies its relay log in order). Returns the number of rows applied. Only for a
   * table that is still a replica: its own writes would interleave with the source's seqs.
   */
  replicateFrom(source: HeartbeatTable, upTo: number): number {
    if (
      this.schemaCreatedAt === undefined &&
      source.schemaCreatedAt !== undefined &&
      source.schemaCreatedAt <= upTo
    ) {
      this.schemaCreatedAt = source.schemaCreatedAt;
    }
    if (
      this.tableCreatedAt === undefined &&
      source.tableCreatedAt !== undefined &&
      source.tableCreatedAt <= upTo
    ) {
      this.tableCreatedAt = source.tableCreatedAt;
    }
    if (!this.hasTable()) return 0;
    const have = this.rows.at(-1)?.seq ?? 0;
    let applied = 0;
    for (let index = source.firstAfter(have); index < source.rows.length; index++) {
      const row = source.rows[index];
      if (!row || row.writtenAt > upTo) break;
      this.append({ ...row });
      applied++;
    }
    return applied;
  }

  /** A new table holding the source's state at `at` (a replica created from a snapshot then). */
  snapshotUpTo(at: number): HeartbeatTable {
    const copy = new HeartbeatTable();
    copy.replicateFrom(this, at);
    return copy;
  }

  /** Index of the first row whose seq is above `seq` (binary search: the world replicates often). */
  private firstAfter(seq: number): number {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.rows[middle]?.seq ?? 0) <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private append(row: Heartbeat): void {
    this.rows.push(row);
    this.nextSeq = Math.max(this.nextSeq, row.seq + 1);
  }
}
