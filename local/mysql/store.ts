/**
 * What the endpoint reads and writes: one instance's canary table (CANARY_SCHEMA.CANARY_TABLE,
 * `seq BIGINT AUTO_INCREMENT PRIMARY KEY, written_at TIMESTAMP(3) NOT NULL`). The world's RDS
 * model implements it per DB instance (HeartbeatTable does, with replication helpers). Times are
 * simulated epoch milliseconds. A store that cannot take writes may throw StoreReadOnlyError
 * (errors.ts) from the writing methods; the endpoint answers it with error 1290.
 */
export interface Heartbeat {
  seq: number;
  /** Epoch ms of NOW(3) when the row was written on the primary. */
  writtenAt: number;
}

export interface HeartbeatStore {
  hasSchema(): boolean;
  hasTable(): boolean;
  /** CREATE DATABASE IF NOT EXISTS, at simulated time `at`. */
  ensureSchema(at: number): void;
  /** CREATE TABLE IF NOT EXISTS, at `at`; only called once the schema exists. */
  ensureTable(at: number): void;
  /** Inserts a row written at `at`; returns its seq (AUTO_INCREMENT). */
  insert(at: number): number;
  /** The row with the highest seq, among those written at or before `atOrBefore` if given. */
  last(atOrBefore?: number): Heartbeat | undefined;
}
