import { describe, expect, it } from 'vitest';
import {
  type CustomResourceEvent,
  responseBody,
} from '../../infra/custom-resources/database-users/cfn-response.ts';
import {
  type DatabaseSecret,
  type ProvisionPorts,
  provisionDatabaseUser,
} from '../../infra/custom-resources/database-users/provision.ts';
import {
  type SqlSession,
  setUpApplicationUser,
  setUpCanaryUser,
  UserSetupError,
} from '../../infra/custom-resources/database-users/user-setup.ts';
import { CANARY_SCHEMA, CANARY_USER } from '../../plan/names.ts';

/** A SQL session that records statements and answers the existence queries from a set. */
function recordingSession(existing: { roles?: string[]; databases?: string[] } = {}) {
  const statements: { text: string; values?: readonly unknown[] }[] = [];
  const session: SqlSession & { close(): Promise<void>; closed: boolean } = {
    closed: false,
    async query(text, values) {
      statements.push(values === undefined ? { text } : { text, values });
      if (text.includes('FROM pg_roles'))
        return (existing.roles ?? []).includes(String(values?.[0])) ? [{ one: 1 }] : [];
      if (text.includes('FROM pg_database'))
        return (existing.databases ?? []).includes(String(values?.[0])) ? [{ one: 1 }] : [];
      return [];
    },
    literal: (value) => `'${value.replace(/'/g, "''")}'`,
    async close() {
      session.closed = true;
    },
  };
  return { session, statements };
}

const spec = { database: 'orders', user: 'drctl_app', password: "pa'ss" };

describe('application database user setup', () => {
  it('creates the MySQL schema and user with the secret password bound by the driver, grants on the schema only', async () => {
    // Prepare
    const { session, statements } = recordingSession();
    // Act
    await setUpApplicationUser('mysql', session, spec, 'create');
    // Assess
    expect(statements).toEqual([
      { text: 'CREATE DATABASE IF NOT EXISTS `orders`' },
      { text: "CREATE USER IF NOT EXISTS 'drctl_app'@'%' IDENTIFIED BY ? REQUIRE SSL", values: ["pa'ss"] },
      { text: "ALTER USER 'drctl_app'@'%' IDENTIFIED BY ? REQUIRE SSL", values: ["pa'ss"] },
      { text: "GRANT ALL PRIVILEGES ON `orders`.* TO 'drctl_app'@'%'" },
    ]);
    expect(statements.map((s) => s.text).join('\n')).not.toContain("pa'ss");
  });

  it('leaves the password to rotation on an update (MariaDB uses the MySQL statements)', async () => {
    // Prepare
    const { session, statements } = recordingSession();
    // Act
    const done = await setUpApplicationUser('mariadb', session, spec, 'update');
    // Assess
    expect(statements.map((s) => s.text)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^ALTER USER/)]),
    );
    expect(done).toContain('user drctl_app (password left to rotation)');
  });

  it('creates the PostgreSQL role and a database it owns, quoting the password as a literal', async () => {
    // Prepare
    const { session, statements } = recordingSession();
    // Act
    await setUpApplicationUser('postgres', session, spec, 'create');
    // Assess
    expect(statements.map((s) => s.text)).toEqual([
      'SELECT 1 FROM pg_roles WHERE rolname = $1',
      `CREATE ROLE "drctl_app" WITH LOGIN PASSWORD 'pa''ss'`,
      'GRANT "drctl_app" TO CURRENT_USER',
      'SELECT 1 FROM pg_database WHERE datname = $1',
      'CREATE DATABASE "orders" OWNER "drctl_app"',
    ]);
  });

  it('converges a retried PostgreSQL setup: existing role gets the password on create, database changes owner', async () => {
    // Prepare
    const { session, statements } = recordingSession({ roles: ['drctl_app'], databases: ['orders'] });
    // Act
    await setUpApplicationUser('postgres', session, spec, 'create');
    // Assess
    expect(statements.map((s) => s.text)).toEqual(
      expect.arrayContaining([
        `ALTER ROLE "drctl_app" WITH LOGIN PASSWORD 'pa''ss'`,
        'ALTER DATABASE "orders" OWNER TO "drctl_app"',
      ]),
    );
    expect(statements.map((s) => s.text)).not.toContain('CREATE DATABASE "orders" OWNER "drctl_app"');
  });

  it('refuses identifiers that would need quoting, before any statement runs', async () => {
    for (const bad of [
      { ...spec, database: 'orders`; DROP DATABASE x; --' },
      { ...spec, user: 'app"x' },
      { ...spec, database: 'Orders' },
      { ...spec, password: '' },
    ]) {
      // Prepare
      const { session, statements } = recordingSession();
      // Act
      const act = setUpApplicationUser('mysql', session, bad, 'create');
      // Assess
      await expect(act).rejects.toBeInstanceOf(UserSetupError);
      expect(statements).toEqual([]);
    }
  });
});

describe('write canary database user setup', () => {
  const canary = { database: CANARY_SCHEMA, user: CANARY_USER, password: 'c"an' };

  it('grants the MySQL canary CREATE, INSERT and SELECT on drctl_canary.* and nothing else, TLS required', async () => {
    // Prepare
    const { session, statements } = recordingSession();
    // Act
    await setUpCanaryUser('mysql', session, canary, 'create');
    // Assess
    expect(statements).toEqual([
      { text: 'CREATE DATABASE IF NOT EXISTS `drctl_canary`' },
      { text: "CREATE USER IF NOT EXISTS 'drctl_canary'@'%' IDENTIFIED BY ? REQUIRE SSL", values: ['c"an'] },
      { text: "ALTER USER 'drctl_canary'@'%' IDENTIFIED BY ? REQUIRE SSL", values: ['c"an'] },
      { text: "GRANT CREATE, INSERT, SELECT ON `drctl_canary`.* TO 'drctl_canary'@'%'" },
    ]);
    const grants = statements.filter((s) => s.text.startsWith('GRANT'));
    expect(grants).toHaveLength(1);
    expect(grants[0]?.text).not.toMatch(/ALL|UPDATE|DELETE|DROP|\*\.\*/);
  });

  it('gives the PostgreSQL canary a drctl_canary database it owns (it creates its schema there)', async () => {
    // Prepare
    const { session, statements } = recordingSession();
    // Act
    await setUpCanaryUser('postgres', session, canary, 'create');
    // Assess
    expect(statements.map((s) => s.text)).toEqual([
      'SELECT 1 FROM pg_roles WHERE rolname = $1',
      `CREATE ROLE "drctl_canary" WITH LOGIN PASSWORD 'c"an'`,
      'GRANT "drctl_canary" TO CURRENT_USER',
      'SELECT 1 FROM pg_database WHERE datname = $1',
      'CREATE DATABASE "drctl_canary" OWNER "drctl_canary"',
    ]);
  });

  it('refuses an empty canary password before any statement runs', async () => {
    // Prepare
    const { session, statements } = recordingSession();
    // Act
    const act = setUpCanaryUser('mariadb', session, { ...canary, password: '' }, 'create');
    // Assess
    await expect(act).rejects.toThrow(/canary secret has an empty password/);
    expect(statements).toEqual([]);
  });
});

describe('database user custom resource', () => {
  const event = (requestType: CustomResourceEvent['RequestType'], properties: Record<string, unknown> = {}) =>
    ({
      RequestType: requestType,
      ResponseURL: 'https://cloudformation-custom-resource-response.example/abc',
      StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/shop-primary/1',
      RequestId: 'req-1',
      LogicalResourceId: 'UserOrders',
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: 'db.example/orders/drctl_app' }),
      ResourceProperties: {
        Engine: 'mysql',
        MasterSecretArn: 'arn:master',
        AppSecretArn: 'arn:app',
        DatabaseName: 'orders',
        ...properties,
      },
    }) satisfies CustomResourceEvent;

  const ports = (overrides: Partial<ProvisionPorts> = {}) => {
    const { session, statements } = recordingSession();
    const secrets: Record<string, DatabaseSecret> = {
      'arn:master': { username: 'drctl_admin', password: 'm', host: 'db.example', port: 3306 },
      'arn:app': { username: 'drctl_app', password: 'a' },
      'arn:canary': { username: 'drctl_canary', password: 'c' },
      'arn:canary-recreated': { username: 'drctl_canary', password: 'c2' },
    };
    const logs: string[] = [];
    const value: ProvisionPorts = {
      readSecret: async (arn) => {
        const secret = secrets[arn];
        if (!secret) throw new Error(`ResourceNotFoundException: ${arn}`);
        return secret;
      },
      connect: async () => session,
      log: (message) => logs.push(message),
      ...overrides,
    };
    return { value, session, statements, logs };
  };

  it('creates the user and answers SUCCESS with a stable physical id', async () => {
    // Prepare
    const p = ports();
    // Act
    const result = await provisionDatabaseUser(event('Create'), p.value);
    // Assess
    expect(result).toEqual({
      status: 'SUCCESS',
      physicalResourceId: 'db.example/orders/drctl_app',
      data: { User: 'drctl_app', Database: 'orders' },
    });
    expect(p.statements.length).toBeGreaterThan(0);
    expect(p.session.closed).toBe(true);
  });

  it('creates the canary user too when the plan enables the canary', async () => {
    // Prepare
    const p = ports();
    // Act
    const result = await provisionDatabaseUser(event('Create', { CanarySecretArn: 'arn:canary' }), p.value);
    // Assess
    expect(result).toMatchObject({
      status: 'SUCCESS',
      data: { User: 'drctl_app', Database: 'orders', CanaryUser: 'drctl_canary' },
    });
    expect(p.statements).toContainEqual({
      text: "ALTER USER 'drctl_canary'@'%' IDENTIFIED BY ? REQUIRE SSL",
      values: ['c'],
    });
    expect(p.statements).toContainEqual({
      text: "GRANT CREATE, INSERT, SELECT ON `drctl_canary`.* TO 'drctl_canary'@'%'",
    });
  });

  it('sets the canary password on the update that brings its secret, and leaves it to rotation afterwards', async () => {
    // Prepare: enabling the canary on a deployed stack, then an update with the same secret, then a re-created secret
    const enable = { ...event('Update', { CanarySecretArn: 'arn:canary' }), OldResourceProperties: {} };
    const again = {
      ...event('Update', { CanarySecretArn: 'arn:canary' }),
      OldResourceProperties: { CanarySecretArn: 'arn:canary' },
    };
    const recreated = {
      ...event('Update', { CanarySecretArn: 'arn:canary-recreated' }),
      OldResourceProperties: { CanarySecretArn: 'arn:canary' },
    };
    const alters = async (request: CustomResourceEvent) => {
      const p = ports();
      await provisionDatabaseUser(request, p.value);
      return p.statements.filter((s) => s.text.startsWith("ALTER USER 'drctl_canary'"));
    };
    // Act
    const [first, second, third] = [await alters(enable), await alters(again), await alters(recreated)];
    // Assess
    expect(first).toEqual([
      { text: "ALTER USER 'drctl_canary'@'%' IDENTIFIED BY ? REQUIRE SSL", values: ['c'] },
    ]);
    expect(second).toEqual([]);
    expect(third).toEqual([
      { text: "ALTER USER 'drctl_canary'@'%' IDENTIFIED BY ? REQUIRE SSL", values: ['c2'] },
    ]);
  });

  it('answers FAILED with the cause instead of throwing (CloudFormation would wait an hour otherwise)', async () => {
    // Prepare
    const p = ports({
      connect: async () => {
        throw Object.assign(new Error('connect ETIMEDOUT 10.10.8.4:3306'), { name: 'Error' });
      },
    });
    // Act
    const result = await provisionDatabaseUser(event('Create'), p.value);
    // Assess
    expect(result).toMatchObject({ status: 'FAILED', reason: 'Error: connect ETIMEDOUT 10.10.8.4:3306' });
    expect(result.physicalResourceId).toBe('UserOrders-not-created');
  });

  it('refuses an unknown engine by name and does nothing on delete', async () => {
    // Prepare
    const p = ports();
    // Act
    const unknown = await provisionDatabaseUser(event('Create', { Engine: 'oracle' }), p.value);
    const deleted = await provisionDatabaseUser(event('Delete'), p.value);
    // Assess
    expect(unknown).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/Engine "oracle"/) });
    expect(deleted).toEqual({ status: 'SUCCESS', physicalResourceId: 'db.example/orders/drctl_app' });
    expect(p.statements).toEqual([]);
  });

  it('writes the response CloudFormation expects, with the reason cut to fit its 4 KB limit', () => {
    // Act
    const body = JSON.parse(
      responseBody(event('Update'), {
        status: 'FAILED',
        physicalResourceId: 'x',
        reason: 'e'.repeat(10_000),
      }),
    ) as Record<string, unknown>;
    // Assess
    expect(body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'x',
      StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/shop-primary/1',
      RequestId: 'req-1',
      LogicalResourceId: 'UserOrders',
      Data: {},
    });
    expect((body.Reason as string).length).toBe(2000);
  });
});
