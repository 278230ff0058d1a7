import type { Logger } from '@aws-lambda-powertools/logger';
import type { RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError, ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import { canarySecretName } from '../../plan/names.ts';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import { readDbInstance } from '../shared/read-db-instance.ts';
import { type CanaryConnection, type Connect, connect as realConnect } from './driver.ts';
import { type CanaryEngine, engineOf, STATEMENTS } from './sql.ts';

/**
 * What the canary's cores run on: the plan, RDS and Secrets Manager of the region whose instances
 * it talks to, and the connections it keeps open across heartbeats (one per instance), so that a
 * heartbeat every few seconds costs one statement, not a TLS handshake and a login.
 */
export interface CanaryDeps {
  plan: Plan;
  rds: RDSClient;
  secrets: SecretsManagerClient;
  /** TLS to the database (required on AWS; only the local world turns it off, DRCTL_DB_TLS=disabled). */
  tls: boolean;
  connect: Connect;
  sessions: Map<string, Session>;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface Session {
  connection: CanaryConnection;
  engine: CanaryEngine;
  /** The heartbeat table is known to exist (created if missing, once per connection). */
  tableReady: boolean;
}

export function createCanaryDeps(parts: {
  plan: Plan;
  rds: RDSClient;
  secrets: SecretsManagerClient;
  tls: boolean;
  connect?: Connect;
  now?: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}): CanaryDeps {
  return {
    plan: parts.plan,
    rds: parts.rds,
    secrets: parts.secrets,
    tls: parts.tls,
    connect: parts.connect ?? realConnect,
    sessions: new Map(),
    now: parts.now ?? (() => new Date()),
    ...(parts.logger ? { logger: parts.logger } : {}),
  };
}

/** Closes every kept connection (the world's close; a Lambda's are dropped with its environment). */
export async function closeCanaryDeps(deps: CanaryDeps): Promise<void> {
  const sessions = [...deps.sessions.values()];
  deps.sessions.clear();
  await Promise.all(sessions.map((session) => session.connection.close()));
}

/**
 * Runs `use` on the kept connection to an instance, opening it first when there is none. A
 * failure drops the connection (the instance may have restarted, failed over or gone), so the
 * next call connects afresh; the error goes to the caller. A kept connection that the server
 * closed meanwhile (a warm Lambda's connection to a copy an earlier drill deleted, or to an
 * instance that rebooted) is not an answer: `use` runs once more on a fresh connection.
 */
export async function withSession<T>(
  deps: CanaryDeps,
  db: PlanDatabase,
  instanceIdentifier: string,
  use: (session: Session) => Promise<T>,
): Promise<T> {
  const kept = deps.sessions.get(instanceIdentifier);
  if (kept !== undefined) {
    try {
      return await use(kept);
    } catch (error) {
      await drop(deps, instanceIdentifier);
      if (!isConnectionLost(error)) throw error;
    }
  }
  try {
    const session = await open(deps, db, instanceIdentifier);
    deps.sessions.set(instanceIdentifier, session);
    return await use(session);
  } catch (error) {
    await drop(deps, instanceIdentifier);
    throw error;
  }
}

async function drop(deps: CanaryDeps, instanceIdentifier: string): Promise<void> {
  const dropped = deps.sessions.get(instanceIdentifier);
  deps.sessions.delete(instanceIdentifier);
  await dropped?.connection.close();
}

const CONNECTION_LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

/** The connection itself is gone (mysql2's fatal errors and closed state, pg's terminated client), not the statement. */
function isConnectionLost(error: unknown): boolean {
  const e = error as { fatal?: unknown; code?: unknown; message?: unknown };
  if (e.fatal === true) return true;
  if (typeof e.code === 'string' && CONNECTION_LOST_CODES.has(e.code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /closed state|Connection terminated|not queryable/i.test(message);
}

async function open(deps: CanaryDeps, db: PlanDatabase, instanceIdentifier: string): Promise<Session> {
  const instance = await readDbInstance(deps.rds, instanceIdentifier, regionOf(deps, db, instanceIdentifier));
  const address = instance?.Endpoint?.Address;
  const port = instance?.Endpoint?.Port;
  if (!instance || !address || !port) {
    throw new ResourceNotFoundError(
      `${instanceIdentifier}: ${instance ? `no endpoint yet (status ${instance.DBInstanceStatus ?? 'unknown'})` : 'no such DB instance'}`,
    );
  }
  const credentials = await readCredentials(deps, db);
  const engine = engineOf(db.engine);
  const connection = await deps.connect({
    engine,
    host: address,
    port,
    database: instance.DBName ?? null,
    ...credentials,
    tls: deps.tls,
  });
  try {
    await connection.query(STATEMENTS[engine].timeZone);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return { connection, engine, tableReady: false };
}

function regionOf(deps: CanaryDeps, db: PlanDatabase, instanceIdentifier: string): string {
  return instanceIdentifier.toLowerCase() === db.primary.identifier.toLowerCase()
    ? db.primary.region
    : deps.plan.regions.dr;
}

/** The canary user's credentials: the RDS secret JSON (username, password) under canarySecretName. */
async function readCredentials(
  deps: CanaryDeps,
  db: PlanDatabase,
): Promise<{ username: string; password: string }> {
  const name = canarySecretName(deps.plan, db.id);
  let text: string | undefined;
  try {
    ({ SecretString: text } = await deps.secrets.send(new GetSecretValueCommand({ SecretId: name })));
  } catch (error) {
    throw toDrError(error, `GetSecretValue ${name}`);
  }
  let parsed: { username?: unknown; password?: unknown } = {};
  try {
    parsed = JSON.parse(text ?? '{}') as typeof parsed;
  } catch {
    // reported below without echoing the secret
  }
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
    throw new ConfigurationError(
      `secret ${name} is not an RDS credentials JSON with "username" and "password" strings: set it as the database-users custom resource does`,
    );
  }
  return { username: parsed.username, password: parsed.password };
}
