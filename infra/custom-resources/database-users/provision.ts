import type { CustomResourceEvent, CustomResourceResult } from './cfn-response.ts';
import { type SetupEngine, type SqlSession, setUpApplicationUser, UserSetupError } from './user-setup.ts';

/** The resource's properties (set by the CDK construct). */
export interface DatabaseUserProperties {
  Engine: SetupEngine;
  MasterSecretArn: string;
  AppSecretArn: string;
  DatabaseName: string;
}

export interface DatabaseSecret {
  username: string;
  password: string;
  host?: string;
  port?: number;
}

export interface ProvisionPorts {
  readSecret(arn: string): Promise<DatabaseSecret>;
  /** Opens a TLS session as the master user; closed with the returned close(). */
  connect(engine: SetupEngine, master: DatabaseSecret): Promise<SqlSession & { close(): Promise<void> }>;
  log(message: string, detail?: Record<string, unknown>): void;
}

const ENGINES = new Set<string>(['mysql', 'mariadb', 'postgres']);

/**
 * Handles one custom resource request and always returns a result (a failure is a FAILED
 * response that names the cause, never a hang: CloudFormation would wait an hour for it).
 * Delete does nothing: the user lives in the database, which is retained or snapshotted with it.
 */
export async function provisionDatabaseUser(
  event: CustomResourceEvent,
  ports: ProvisionPorts,
): Promise<CustomResourceResult> {
  const fallbackId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-not-created`;
  if (event.RequestType === 'Delete') return { status: 'SUCCESS', physicalResourceId: fallbackId };
  try {
    const props = parseProperties(event.ResourceProperties);
    const master = await ports.readSecret(props.MasterSecretArn);
    const app = await ports.readSecret(props.AppSecretArn);
    const session = await ports.connect(props.Engine, master);
    try {
      const done = await setUpApplicationUser(
        props.Engine,
        session,
        { database: props.DatabaseName, user: app.username, password: app.password },
        event.RequestType === 'Create' ? 'create' : 'update',
      );
      ports.log('application database user ready', { done });
      return {
        status: 'SUCCESS',
        physicalResourceId: `${master.host ?? 'database'}/${props.DatabaseName}/${app.username}`,
        data: { User: app.username, Database: props.DatabaseName },
      };
    } finally {
      await session.close();
    }
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    ports.log('application database user failed', { error: message });
    return { status: 'FAILED', physicalResourceId: fallbackId, reason: message };
  }
}

function parseProperties(raw: Record<string, unknown>): DatabaseUserProperties {
  const text = (key: string): string => {
    const value = raw[key];
    if (typeof value !== 'string' || value.length === 0)
      throw new UserSetupError(`property ${key} is missing`);
    return value;
  };
  const engine = text('Engine');
  if (!ENGINES.has(engine))
    throw new UserSetupError(`property Engine ${JSON.stringify(engine)} is not mysql, mariadb or postgres`);
  return {
    Engine: engine as SetupEngine,
    MasterSecretArn: text('MasterSecretArn'),
    AppSecretArn: text('AppSecretArn'),
    DatabaseName: text('DatabaseName'),
  };
}
