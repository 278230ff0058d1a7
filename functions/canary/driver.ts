import mysql, { type ConnectionOptions } from 'mysql2/promise';
import pg, { type ClientConfig } from 'pg';
import { rdsCertificateAuthorities } from '../shared/rds-certificates.ts';
import type { CanaryEngine } from './sql.ts';

/** Where and as whom the canary connects. */
export interface DatabaseEndpoint {
  engine: CanaryEngine;
  host: string;
  port: number;
  /** PostgreSQL needs a database to connect to; MySQL statements name their schema. */
  database: string | null;
  username: string;
  password: string;
  /**
   * TLS with the server certificate verified against the RDS certificate authorities (always on
   * AWS; the local world's endpoint has none).
   */
  tls: boolean;
}

/** The certificate authorities a TLS connection trusts (the RDS CAs beside the bundle; a port for tests). */
export type CertificateAuthorities = () => readonly string[];

/** One open connection: a statement in, its rows (or the inserted seq) out. */
export interface CanaryConnection {
  query(sql: string): Promise<{ rows: Record<string, unknown>[]; insertId: number | null }>;
  close(): Promise<void>;
}

export type Connect = (endpoint: DatabaseEndpoint) => Promise<CanaryConnection>;

/** Short: a heartbeat every few seconds must not hang on a database that does not answer. */
export const CONNECT_TIMEOUT_MS = 3_000;
export const STATEMENT_TIMEOUT_MS = 3_000;

/** mysql2 for MySQL and MariaDB, pg for PostgreSQL; the text protocol only (no prepared statements). */
export const connect: Connect = (endpoint) =>
  endpoint.engine === 'mysql' ? connectMySql(endpoint) : connectPostgres(endpoint);

/**
 * TLS that verifies the server: its certificate must chain to one of the RDS certificate
 * authorities (only those: `ca` replaces Node's default trust store, which does not hold them, and
 * Lambda's Node.js 20+ runtimes load no Amazon CAs by default) and name the host connected to.
 */
function verifiedTls(ca: CertificateAuthorities): {
  ca: string[];
  rejectUnauthorized: true;
  minVersion: 'TLSv1.2';
} {
  return { ca: [...ca()], rejectUnauthorized: true, minVersion: 'TLSv1.2' };
}

/** mysql2's options for an endpoint; the CAs are read only when TLS is on. */
export function mysqlConnectionOptions(
  endpoint: DatabaseEndpoint,
  ca: CertificateAuthorities = rdsCertificateAuthorities,
): ConnectionOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.username,
    password: endpoint.password,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // TIMESTAMP(3) comes back as the server's UTC text, not as a Date in the Lambda's zone.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    multipleStatements: false,
    ...(endpoint.tls ? { ssl: verifiedTls(ca) } : {}),
  };
}

/** pg's client configuration for an endpoint; the CAs are read only when TLS is on. */
export function postgresClientConfig(
  endpoint: DatabaseEndpoint,
  ca: CertificateAuthorities = rdsCertificateAuthorities,
): ClientConfig {
  return {
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.username,
    password: endpoint.password,
    database: endpoint.database ?? 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    ssl: endpoint.tls ? verifiedTls(ca) : false,
  };
}

async function connectMySql(endpoint: DatabaseEndpoint): Promise<CanaryConnection> {
  const connection = await mysql.createConnection(mysqlConnectionOptions(endpoint));
  // A dropped connection emits 'error'; the next query fails and the cache reconnects.
  connection.on('error', () => undefined);
  return {
    async query(sql) {
      const [result] = await connection.query({ sql, timeout: STATEMENT_TIMEOUT_MS });
      if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], insertId: null };
      const insertId = (result as { insertId?: number }).insertId;
      return { rows: [], insertId: typeof insertId === 'number' && insertId > 0 ? insertId : null };
    },
    async close() {
      await connection.end().catch(() => connection.destroy());
    },
  };
}

async function connectPostgres(endpoint: DatabaseEndpoint): Promise<CanaryConnection> {
  const client = new pg.Client(postgresClientConfig(endpoint));
  client.on('error', () => undefined);
  await client.connect();
  return {
    async query(sql) {
      const result = await client.query(sql);
      const seq = result.rows[0]?.seq;
      const insertId = /^INSERT/i.test(sql) && seq !== undefined ? Number(seq) : null;
      return { rows: result.rows as Record<string, unknown>[], insertId };
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
