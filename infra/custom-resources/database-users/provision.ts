import { CANARY_SCHEMA } from '../../../plan/names.ts';
import type { CustomResourceEvent, CustomResourceResult } from './cfn-response.ts';
import {
  type SetupEngine,
  type SetupMode,
  type SqlSession,
  setUpApplicationUser,
  setUpCanaryUser,
  UserSetupError,
} from './user-setup.ts';

/** The resource's properties (set by the CDK construct). */
export interface DatabaseUserProperties {
  Engine: SetupEngine;
  MasterSecretArn: string;
  AppSecretArn: string;
  DatabaseName: string;
  /** The write canary's secret, when the plan enables the canary. */
  CanarySecretArn?: string;
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
 * Handles one custom resource request (the application's user and, with the write canary on,
 * the canary's) and always returns a result (a failure is a FAILED response that names the
 * cause, never a hang: CloudFormation would wait an hour for it).
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
    const canary = props.CanarySecretArn ? await ports.readSecret(props.CanarySecretArn) : undefined;
    const session = await ports.connect(props.Engine, master);
    try {
      const done = await setUpApplicationUser(
        props.Engine,
        session,
        { database: props.DatabaseName, user: app.username, password: app.password },
        event.RequestType === 'Create' ? 'create' : 'update',
      );
      if (canary) {
        done.push(
          ...(await setUpCanaryUser(
            props.Engine,
            session,
            { database: CANARY_SCHEMA, user: canary.username, password: canary.password },
            canaryMode(event, props),
          )),
        );
      }
      ports.log('database users ready', { done });
      return {
        status: 'SUCCESS',
        physicalResourceId: `${master.host ?? 'database'}/${props.DatabaseName}/${app.username}`,
        data: {
          User: app.username,
          Database: props.DatabaseName,
          ...(canary ? { CanaryUser: canary.username } : {}),
        },
      };
    } finally {
      await session.close();
    }
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    ports.log('database users failed', { error: message });
    return { status: 'FAILED', physicalResourceId: fallbackId, reason: message };
  }
}

/**
 * The canary's password comes from its secret when its user is new to this resource: on Create,
 * and on an Update that brings a secret it did not have before (the canary was just enabled, or
 * its secret was re-created; a rotation keeps the secret's ARN). Otherwise rotation owns it.
 */
function canaryMode(event: CustomResourceEvent, props: DatabaseUserProperties): SetupMode {
  if (event.RequestType === 'Create') return 'create';
  return event.OldResourceProperties?.CanarySecretArn === props.CanarySecretArn ? 'update' : 'create';
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
    ...(raw.CanarySecretArn === undefined ? {} : { CanarySecretArn: text('CanarySecretArn') }),
  };
}
