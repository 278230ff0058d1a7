import mysql from 'mysql2/promise';
import { type MySqlEndpoint, startMySqlEndpoint } from '../../../../local/mysql/endpoint.ts';
import type { EndpointEvent, Serving } from '../../../../local/mysql/events.ts';
import { HeartbeatTable } from '../../../../local/mysql/heartbeat-table.ts';
import type { HeartbeatStore } from '../../../../local/mysql/store.ts';
import { type AuthPlugin, fixedUsers, type MySqlAccount } from '../../../../local/mysql/users.ts';

/** The canary's statements, exactly as drill-design.md lists them. */
export const SQL = {
  utc: "SET time_zone = '+00:00'",
  createSchema: 'CREATE DATABASE IF NOT EXISTS drctl_canary',
  createTable:
    'CREATE TABLE IF NOT EXISTS drctl_canary.heartbeat (seq BIGINT AUTO_INCREMENT PRIMARY KEY, written_at TIMESTAMP(3) NOT NULL)',
  insert: 'INSERT INTO drctl_canary.heartbeat (written_at) VALUES (NOW(3))',
  last: 'SELECT seq, written_at FROM drctl_canary.heartbeat ORDER BY seq DESC LIMIT 1',
  lastBefore: (literal: string) =>
    `SELECT seq, written_at FROM drctl_canary.heartbeat WHERE written_at <= '${literal}' ORDER BY seq DESC LIMIT 1`,
  ping: 'SELECT 1',
} as const;

export const START = Date.UTC(2026, 2, 1, 3, 0, 0, 250);

export interface EndpointFixture {
  endpoint: MySqlEndpoint;
  store: HeartbeatStore;
  clock: { at: number; now(): number };
  events: EndpointEvent[];
  serving: Serving;
  accounts: Record<string, MySqlAccount>;
  /** A mysql2 connection with default options plus host, port, user, password (and `extra`). */
  connect(user: string, password: string, extra?: mysql.ConnectionOptions): Promise<mysql.Connection>;
  close(): Promise<void>;
}

export async function openEndpoint(
  options: { store?: HeartbeatStore; defaultAuthPlugin?: AuthPlugin } = {},
): Promise<EndpointFixture> {
  const connections: mysql.Connection[] = [];
  const accounts: Record<string, MySqlAccount> = {
    drctl_canary: { password: 'canary-secret' },
    legacy: { password: 'legacy-secret', plugin: 'mysql_native_password' },
  };
  const fixture = {
    store: options.store ?? new HeartbeatTable(),
    clock: {
      at: START,
      now() {
        return this.at;
      },
    },
    events: [] as EndpointEvent[],
    serving: 'up' as Serving,
    accounts,
  };
  const endpoint = await startMySqlEndpoint({
    store: fixture.store,
    users: { account: (user) => fixedUsers(accounts).account(user) },
    clock: fixture.clock,
    serving: () => fixture.serving,
    observe: (event) => fixture.events.push(event),
    ...(options.defaultAuthPlugin ? { defaultAuthPlugin: options.defaultAuthPlugin } : {}),
  });
  return Object.assign(fixture, {
    endpoint,
    async connect(user: string, password: string, extra: mysql.ConnectionOptions = {}) {
      const connection = await mysql.createConnection({
        host: endpoint.host,
        port: endpoint.port,
        user,
        password,
        ...extra,
      });
      // A connection the server resets emits 'error'; the tests read it from the next call.
      connection.on('error', () => {});
      connections.push(connection);
      return connection;
    },
    async close() {
      for (const connection of connections) connection.destroy();
      await endpoint.close();
    },
  });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, it succeeded');
}
