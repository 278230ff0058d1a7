/**
 * The application's database user, created once by a deploy-time custom resource with the
 * master credentials: its own schema (database), every privilege on that schema and nothing
 * outside it, TLS required. Later rotations (alternating users) own its password; an update of
 * the resource only re-asserts the schema and the grants.
 */

export type SetupEngine = 'mysql' | 'mariadb' | 'postgres';

/** The SQL session the setup runs in, as a port (tests record the statements). */
export interface SqlSession {
  /** Runs one statement; values are bound by the driver ("?" for MySQL, "$1" for PostgreSQL). */
  query(text: string, values?: readonly unknown[]): Promise<readonly Record<string, unknown>[]>;
  /** A string literal quoted by the driver, for statements that take no bound values (DDL). */
  literal(value: string): string;
}

export interface UserSpec {
  /** Schema (MySQL, MariaDB) or database (PostgreSQL) the application owns. */
  database: string;
  user: string;
  password: string;
}

/**
 * What a user may do on its own schema (MySQL, MariaDB). PostgreSQL users own their database
 * instead: an owner can do anything in it and nothing in the others.
 */
const APPLICATION_GRANTS = 'ALL PRIVILEGES';
const CANARY_GRANTS = 'CREATE, INSERT, SELECT';

/** create: the resource is new, the password is the secret's; update: never touch the password. */
export type SetupMode = 'create' | 'update';

/** Identifiers go into DDL unbound, so they are restricted to a plain shape first. */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

export class UserSetupError extends Error {
  override name = 'UserSetupError';
}

export function assertIdentifier(kind: string, value: string): void {
  if (!IDENTIFIER.test(value)) {
    throw new UserSetupError(
      `${kind} ${JSON.stringify(value)} must be lowercase letters, digits and _ (starting with a letter, at most 63)`,
    );
  }
}

export function setUpApplicationUser(
  engine: SetupEngine,
  session: SqlSession,
  spec: UserSpec,
  mode: SetupMode,
): Promise<string[]> {
  return setUpUser(engine, session, spec, mode, { secret: 'application', grants: APPLICATION_GRANTS });
}

/**
 * The write canary's user (drills.canary.enabled): MySQL/MariaDB `CREATE, INSERT, SELECT` on
 * the canary schema only (it creates its heartbeat table itself, writes and reads rows, and can
 * do nothing else, not even UPDATE or DELETE); PostgreSQL: a database of that name owned by the
 * user, which the canary connects to and creates its schema in. TLS required, like the others.
 */
export function setUpCanaryUser(
  engine: SetupEngine,
  session: SqlSession,
  spec: UserSpec,
  mode: SetupMode,
): Promise<string[]> {
  return setUpUser(engine, session, spec, mode, { secret: 'canary', grants: CANARY_GRANTS });
}

/** One user's setup: names checked, the password required, then the engine's statements. */
async function setUpUser(
  engine: SetupEngine,
  session: SqlSession,
  spec: UserSpec,
  mode: SetupMode,
  role: { secret: string; grants: typeof APPLICATION_GRANTS | typeof CANARY_GRANTS },
): Promise<string[]> {
  assertIdentifier('database', spec.database);
  assertIdentifier('user', spec.user);
  if (spec.password.length === 0) throw new UserSetupError(`the ${role.secret} secret has an empty password`);
  return engine === 'postgres'
    ? postgresSetup(session, spec, mode)
    : mysqlSetup(session, spec, mode, role.grants);
}

/** MySQL and MariaDB: values are escaped by the driver (client-side), identifiers are checked. */
async function mysqlSetup(
  session: SqlSession,
  spec: UserSpec,
  mode: SetupMode,
  grants: typeof APPLICATION_GRANTS | typeof CANARY_GRANTS,
): Promise<string[]> {
  const done: string[] = [];
  const account = `'${spec.user}'@'%'`;
  await session.query(`CREATE DATABASE IF NOT EXISTS \`${spec.database}\``);
  done.push(`database ${spec.database}`);
  await session.query(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ? REQUIRE SSL`, [spec.password]);
  if (mode === 'create') {
    // A retried create finds the user from the failed attempt: give it the secret's password.
    await session.query(`ALTER USER ${account} IDENTIFIED BY ? REQUIRE SSL`, [spec.password]);
    done.push(`user ${spec.user} (password from its secret)`);
  } else {
    done.push(`user ${spec.user} (password left to rotation)`);
  }
  await session.query(`GRANT ${grants} ON \`${spec.database}\`.* TO ${account}`);
  done.push(`${grants.toLowerCase()} on ${spec.database}.* only`);
  return done;
}

/** PostgreSQL: DDL takes no bound values, so the password is quoted by the driver's literal(). */
async function postgresSetup(session: SqlSession, spec: UserSpec, mode: SetupMode): Promise<string[]> {
  const done: string[] = [];
  const role = `"${spec.user}"`;
  const existing = await session.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [spec.user]);
  if (existing.length === 0) {
    await session.query(`CREATE ROLE ${role} WITH LOGIN PASSWORD ${session.literal(spec.password)}`);
    done.push(`role ${spec.user} (password from its secret)`);
  } else if (mode === 'create') {
    await session.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${session.literal(spec.password)}`);
    done.push(`role ${spec.user} (password from its secret)`);
  } else {
    done.push(`role ${spec.user} (password left to rotation)`);
  }
  // On RDS the master is not a superuser: to hand a database to a role it must be a member of it.
  await session.query(`GRANT ${role} TO CURRENT_USER`);
  const database = await session.query('SELECT 1 FROM pg_database WHERE datname = $1', [spec.database]);
  if (database.length === 0) {
    await session.query(`CREATE DATABASE "${spec.database}" OWNER ${role}`);
  } else {
    await session.query(`ALTER DATABASE "${spec.database}" OWNER TO ${role}`);
  }
  done.push(`database ${spec.database} owned by ${spec.user}`);
  return done;
}
