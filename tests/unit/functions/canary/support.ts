import {
  type DBInstance,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { CanaryConnection, Connect, DatabaseEndpoint } from '../../../../functions/canary/driver.ts';
import { type CanaryDeps, createCanaryDeps } from '../../../../functions/canary/sessions.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import type { Plan } from '../../../../plan/schema.ts';

export const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
export const rdsMock = mockClient(RDSClient);
export const secretsMock = mockClient(SecretsManagerClient);

/**
 * A database as the canary sees it through its driver: the statements it was sent, in order, and
 * a heartbeat table that numbers rows as AUTO_INCREMENT does. `down` refuses connections and
 * statements (a region or instance that does not answer).
 */
export class FakeDatabase {
  readonly statements: string[] = [];
  readonly rows: { seq: number; writtenAt: string }[] = [];
  connects = 0;
  down = false;
  /** Bumped by restart(): connections opened before it are closed by the server. */
  private generation = 0;
  hasTable = false;
  endpoint: DatabaseEndpoint | null = null;

  constructor(private readonly clock: () => Date) {}

  /** The server closes every open connection (a reboot, or the instance replaced under its name). */
  restart(): void {
    this.generation += 1;
  }

  connection(): CanaryConnection {
    const opened = this.generation;
    return {
      query: async (sql) => {
        if (this.down) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        if (opened !== this.generation)
          throw new Error("Can't add new command when connection is in closed state");
        this.statements.push(sql);
        if (sql.startsWith('CREATE TABLE')) this.hasTable = true;
        if (sql.startsWith('INSERT')) {
          const seq = this.rows.length + 1;
          this.rows.push({ seq, writtenAt: this.clock().toISOString().replace('T', ' ').replace('Z', '') });
          return { rows: [], insertId: seq };
        }
        if (sql.startsWith('SELECT seq')) {
          if (!this.hasTable)
            throw Object.assign(new Error("Table 'drctl_canary.heartbeat' doesn't exist"), {
              code: 'ER_NO_SUCH_TABLE',
            });
          const before = /written_at <= '([^']+)'/.exec(sql)?.[1];
          const eligible = this.rows.filter((r) => before === undefined || r.writtenAt <= before);
          const last = eligible.at(-1);
          return {
            rows: last ? [{ seq: String(last.seq), written_at: last.writtenAt }] : [],
            insertId: null,
          };
        }
        return { rows: [], insertId: null };
      },
      close: async () => undefined,
    };
  }
}

/** One FakeDatabase per instance identifier; RDS and Secrets Manager answer as for a deployed plan. */
export function fakeWorld(options: { clock?: () => Date; plan?: Plan } = {}) {
  const clock = options.clock ?? (() => new Date('2026-03-01T03:00:00.000Z'));
  const databases = new Map<string, FakeDatabase>();
  const database = (identifier: string) => {
    let found = databases.get(identifier);
    if (!found) {
      found = new FakeDatabase(clock);
      databases.set(identifier, found);
    }
    return found;
  };
  const connect: Connect = async (endpoint) => {
    const db = database(endpoint.host.replace('.rds.example', ''));
    if (db.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    db.connects += 1;
    db.endpoint = endpoint;
    return db.connection();
  };
  rdsMock.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier?: string }) => {
    const identifier = input.DBInstanceIdentifier ?? '';
    if (identifier.startsWith('missing'))
      throw new DBInstanceNotFoundFault({ message: `DBInstance ${identifier} not found`, $metadata: {} });
    const instance: DBInstance = {
      DBInstanceIdentifier: identifier,
      DBInstanceStatus: 'available',
      Endpoint: { Address: `${identifier}.rds.example`, Port: 3306 },
    };
    return { DBInstances: [instance] };
  });
  secretsMock
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ username: 'drctl_canary', password: 's3cret-pw' }) });
  const deps: CanaryDeps = createCanaryDeps({
    plan: options.plan ?? plan,
    rds: new RDSClient({ region: 'us-east-1' }),
    secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    tls: true,
    connect,
    now: clock,
  });
  return { deps, database };
}

export function resetMocks(): void {
  rdsMock.reset();
  secretsMock.reset();
}
