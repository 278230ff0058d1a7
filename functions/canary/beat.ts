import type { CanaryBeat } from '../shared/canary-contracts.ts';
import { type CanaryDeps, type Session, withSession } from './sessions.ts';
import { STATEMENTS } from './sql.ts';

/**
 * One heartbeat to every plan primary: a row (sequence number, the database's own NOW(3)) in
 * drctl_canary.heartbeat, the schema and table created first if missing (once per connection).
 * Each database is written on its own: one that does not answer reports its error and does not
 * hold back the others. The writer's handler calls this every drills.canary.intervalSeconds for
 * about 55 s; the local world calls it on its own clock.
 */
export async function beatOnce(deps: CanaryDeps): Promise<CanaryBeat[]> {
  return Promise.all(
    deps.plan.databases.map(async (db): Promise<CanaryBeat> => {
      const instanceIdentifier = db.primary.identifier;
      try {
        const seq = await withSession(deps, db, instanceIdentifier, async (session) => {
          await ensureTable(session);
          const { insertId } = await session.connection.query(STATEMENTS[session.engine].insert);
          return insertId;
        });
        return { databaseId: db.id, instanceIdentifier, seq };
      } catch (error) {
        const message = describeError(error);
        deps.logger?.warn('canary heartbeat failed', { database: db.id, error: message });
        return { databaseId: db.id, instanceIdentifier, seq: null, error: message };
      }
    }),
  );
}

async function ensureTable(session: Session): Promise<void> {
  if (session.tableReady) return;
  const statements = STATEMENTS[session.engine];
  await session.connection.query(statements.createSchema);
  await session.connection.query(statements.createTable);
  session.tableReady = true;
}

/** A driver error as a line: its code (ER_..., ECONNREFUSED, 42P01) and message, never a password. */
export function describeError(error: unknown): string {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : String(error);
  return `${code}: ${message}`.slice(0, 500);
}
