/**
 * The write canary's table (drctl_canary.heartbeat) as each DB instance holds it. A writer (a
 * primary, or a promoted replica) holds its own rows; a read replica holds what it has applied
 * of its source's: the source's rows committed up to the replica's applied position (its
 * horizon), so that a heartbeat reaches the DR replica with the replica's lag and a drill copy
 * with the copy's lag after that. When replication ends (promotion) the instance keeps what it
 * had applied and writes on from there, its AUTO_INCREMENT continuing after its highest seq.
 * These rows are separate from the world's write stream (RPO measurement in model.ts).
 */
export interface HeartbeatRow {
  seq: number;
  /** NOW(3) on the instance that committed the row: simulated ms. */
  writtenAt: number;
}

/** One writer's table: when the schema and the table were created, and the rows in commit order. */
export class HeartbeatData {
  schemaAt: number | undefined;
  tableAt: number | undefined;
  readonly rows: HeartbeatRow[] = [];
  private nextSeq = 1;

  createSchema(at: number): void {
    this.schemaAt ??= at;
  }

  createTable(at: number): void {
    this.tableAt ??= at;
  }

  /** Inserts a row committed at `at` (never before the last one: one writer, one clock) and returns its seq. */
  insert(at: number): number {
    const last = this.rows.at(-1);
    const row = { seq: this.nextSeq++, writtenAt: Math.max(at, last?.writtenAt ?? at) };
    this.rows.push(row);
    return row.seq;
  }

  /** What a replica that applied everything committed up to `horizon` holds of this table. */
  appliedUpTo(horizon: number): HeartbeatView {
    const count = rowsUpTo(this.rows, horizon);
    return {
      schema: this.schemaAt !== undefined && this.schemaAt <= horizon,
      table: this.tableAt !== undefined && this.tableAt <= horizon,
      rows: this.rows,
      count,
    };
  }

  /** A writer's own table from what it had applied when replication ended. */
  static fromView(
    view: HeartbeatView,
    schemaAt: number | undefined,
    tableAt: number | undefined,
  ): HeartbeatData {
    const data = new HeartbeatData();
    data.schemaAt = view.schema ? schemaAt : undefined;
    data.tableAt = view.table ? tableAt : undefined;
    data.rows.push(...view.rows.slice(0, view.count).map((row) => ({ ...row })));
    data.nextSeq = (data.rows.reduce((max, row) => Math.max(max, row.seq), 0) || 0) + 1;
    return data;
  }
}

/** What one instance holds now: the first `count` rows of its writer's table. */
export interface HeartbeatView {
  schema: boolean;
  table: boolean;
  rows: readonly HeartbeatRow[];
  count: number;
}

/** The last row of a view, or the last one written at or before `before` (ms). */
export function lastHeartbeat(view: HeartbeatView, before?: number): HeartbeatRow | undefined {
  const limit = before === undefined ? view.count : Math.min(view.count, rowsUpTo(view.rows, before));
  return limit === 0 ? undefined : view.rows[limit - 1];
}

/** How many rows (in commit order) were committed at or before `at`. */
function rowsUpTo(rows: readonly HeartbeatRow[], at: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((rows[middle] as HeartbeatRow).writtenAt <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}
