import { CANARY_USER } from '../../plan/names.ts';
import type { WorldContext } from '../context.ts';
import { type MySqlEndpoint, startMySqlEndpoint } from '../mysql/endpoint.ts';
import { StoreReadOnlyError } from '../mysql/errors.ts';
import type { EndpointEvent, Serving } from '../mysql/events.ts';
import type { HeartbeatStore } from '../mysql/store.ts';
import type { MySqlUsers } from '../mysql/users.ts';
import type { SecretsManagerModel } from '../secretsmanager/model.ts';
import type { DbInstance, RdsModel } from './model.ts';

/**
 * One MySQL wire-protocol endpoint (local/mysql) per MySQL or MariaDB DB instance, on loopback:
 * what DescribeDBInstances' Endpoint names in the world, and what the canary and the drill's
 * heartbeat reader connect to with mysql2. Each serves its instance's heartbeat table:
 * - down (connections reset) while the instance's region is down, or while the instance is in a
 *   status in which RDS takes no connections (creating, rebooting, deleting, failed ...);
 * - read-only (writes answered with 1290) while it is a read replica, or when its parameter
 *   group sets the engine's read-only parameter (the fence);
 * - accounts: `drctl_canary` with the password of the database's canary secret in the
 *   instance's region, read at each connection (the database-users custom resource creates the
 *   user with that secret's password in AWS).
 * Endpoints open at the world's start and when a copy is created, and close when their instance
 * is deleted and when the world closes. PostgreSQL instances get none (a documented limit).
 */
export interface DatabaseEndpoints {
  endpointOf(instance: DbInstance): MySqlEndpoint | undefined;
  /** Connection and statement counts per instance identifier (for tests and the CLI). */
  statistics(identifier: string): EndpointStatistics | undefined;
  close(): Promise<void>;
}

export interface EndpointStatistics {
  connectionsRefused: number;
  authenticated: number;
  authenticationFailures: number;
  statements: number;
  statementErrors: number;
}

/** Statuses in which an RDS instance accepts connections. */
const SERVING_STATUSES = new Set(['available', 'backing-up', 'modifying', 'storage-optimization']);

export async function openDatabaseEndpoints(
  context: WorldContext,
  rds: RdsModel,
  secrets: SecretsManagerModel,
): Promise<DatabaseEndpoints> {
  const endpoints = new Map<DbInstance, Promise<MySqlEndpoint | undefined>>();
  const started = new Map<DbInstance, MySqlEndpoint>();
  const stats = new Map<string, EndpointStatistics>();
  let closed = false;

  const open = (instance: DbInstance) => {
    if (closed || instance.engine === 'postgres' || endpoints.has(instance)) return;
    const statistics = emptyStatistics();
    stats.set(instance.identifier, statistics);
    const starting = startMySqlEndpoint({
      store: storeOf(context, rds, instance),
      users: usersOf(secrets, instance),
      clock: context.clock,
      serving: () => servingOf(context, rds, instance),
      ...(instance.engine === 'mariadb'
        ? {
            serverVersion: `${instance.engineVersion}-MariaDB-drctl-world`,
            defaultAuthPlugin: 'mysql_native_password' as const,
          }
        : { serverVersion: `${instance.engineVersion}-drctl-world` }),
      observe: (event) => count(statistics, event),
    }).then(
      (endpoint) => {
        if (closed || !endpoints.has(instance)) {
          void endpoint.close();
          return undefined;
        }
        started.set(instance, endpoint);
        return endpoint;
      },
      (error: unknown) => {
        context.events.record(
          'rds.status',
          context.clock.now(),
          `${instance.identifier}: its MySQL endpoint could not start: ${(error as Error).message}`,
          { identifier: instance.identifier, endpoint: 'failed' },
          instance.region,
        );
        return undefined;
      },
    );
    endpoints.set(instance, starting);
  };
  const close = (instance: DbInstance) => {
    const endpoint = started.get(instance);
    endpoints.delete(instance);
    started.delete(instance);
    void endpoint?.close();
  };

  for (const instance of rds.instances.values()) open(instance);
  await Promise.all(endpoints.values());
  rds.onInstanceAdded = open;
  rds.onInstanceRemoved = close;
  rds.endpointOf = (instance) => {
    const endpoint = started.get(instance);
    return endpoint ? { host: endpoint.host, port: endpoint.port } : undefined;
  };
  // Connections already open are reset as soon as their instance stops serving.
  const unsubscribe = context.events.subscribe((event) => {
    if (event.type !== 'rds.status' && event.type !== 'region.outage') return;
    for (const endpoint of started.values()) endpoint.dropIfDown();
  });

  return {
    endpointOf: (instance) => started.get(instance),
    statistics: (identifier) => {
      const found = stats.get(identifier);
      return found ? { ...found } : undefined;
    },
    close: async () => {
      closed = true;
      unsubscribe();
      const all = [...started.values()];
      endpoints.clear();
      started.clear();
      await Promise.all(all.map((endpoint) => endpoint.close()));
    },
  };
}

function servingOf(context: WorldContext, rds: RdsModel, instance: DbInstance): Serving {
  if (!rds.isLive(instance) || !context.isRegionUp(instance.region)) return 'down';
  if (!SERVING_STATUSES.has(instance.status)) return 'down';
  if (instance.role === 'replica' || rds.parameterGroups.readOnly(instance)) return 'read-only';
  return 'up';
}

/** The instance's heartbeat table as the endpoint reads and writes it (a replica's brought up to date first). */
function storeOf(context: WorldContext, rds: RdsModel, instance: DbInstance): HeartbeatStore {
  const table = () => rds.heartbeats(instance, context.clock.now());
  const writable = () => {
    if (instance.role === 'replica' || rds.parameterGroups.readOnly(instance)) {
      throw new StoreReadOnlyError(`${instance.identifier} is read-only`);
    }
    return table();
  };
  return {
    hasSchema: () => table().hasSchema(),
    hasTable: () => table().hasTable(),
    ensureSchema: (at) => writable().ensureSchema(at),
    ensureTable: (at) => writable().ensureTable(at),
    insert: (at) => writable().insert(at),
    last: (atOrBefore) => table().last(atOrBefore),
  };
}

function usersOf(secrets: SecretsManagerModel, instance: DbInstance): MySqlUsers {
  return {
    account: (user) => {
      if (user !== CANARY_USER) return undefined;
      const password = secrets.canaryPassword(instance.region, instance.databaseId);
      return password === undefined ? undefined : { password };
    },
  };
}

function emptyStatistics(): EndpointStatistics {
  return {
    connectionsRefused: 0,
    authenticated: 0,
    authenticationFailures: 0,
    statements: 0,
    statementErrors: 0,
  };
}

function count(statistics: EndpointStatistics, event: EndpointEvent): void {
  switch (event.type) {
    case 'connection-refused':
    case 'connection-dropped':
      statistics.connectionsRefused++;
      break;
    case 'authenticated':
      statistics.authenticated++;
      break;
    case 'connection-failed':
      statistics.authenticationFailures++;
      break;
    case 'statement':
      statistics.statements++;
      if (typeof event.outcome === 'number') statistics.statementErrors++;
      break;
  }
}
