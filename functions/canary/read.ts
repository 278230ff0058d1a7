import { InvalidInputError } from '../../plan/errors.ts';
import { drillCopyIdentifier, isDrillCopyIdentifier } from '../../plan/names.ts';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import type { CanaryHeartbeat, CanaryReadInput, CanaryReadOutput } from '../shared/canary-contracts.ts';
import { describeError } from './beat.ts';
import { type CanaryDeps, withSession } from './sessions.ts';
import { isoFromSql, STATEMENTS } from './sql.ts';

export type CanaryRole = 'writer' | 'reader';

/** MySQL: unknown database / no such table; PostgreSQL: undefined schema / table. */
const NO_TABLE_CODES = new Set(['ER_BAD_DB_ERROR', 'ER_NO_SUCH_TABLE', '3F000', '42P01']);

/**
 * The last heartbeat of each target, or the last written at or before `before`. The writer
 * answers for the plan's primaries only, the reader for the drill copies only: any other
 * identifier is refused before anything is read (InvalidInputError naming it). A target that
 * cannot be read carries its error and null figures; the others are still answered.
 */
export async function readHeartbeats(
  deps: CanaryDeps,
  role: CanaryRole,
  input: CanaryReadInput,
): Promise<CanaryReadOutput> {
  const targets = input.targets.map((target, index) => ({
    ...target,
    db: allowed(deps.plan, role, target, index),
  }));
  const heartbeats = await Promise.all(
    targets.map(async ({ db, databaseId, instanceIdentifier, before }): Promise<CanaryHeartbeat> => {
      try {
        return await withSession(deps, db, instanceIdentifier, async (session) => {
          const statements = STATEMENTS[session.engine];
          const sql = before === undefined ? statements.last : statements.lastBefore(new Date(before));
          const { rows } = await session.connection.query(sql);
          const row = rows[0];
          return {
            databaseId,
            instanceIdentifier,
            seq: row === undefined ? null : Number(row.seq),
            writtenAt: row === undefined ? null : isoFromSql(row.written_at),
          };
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const message =
          typeof code === 'string' && NO_TABLE_CODES.has(code)
            ? `no heartbeat table on ${instanceIdentifier} (the canary has never written to it): ${describeError(error)}`
            : describeError(error);
        return { databaseId, instanceIdentifier, seq: null, writtenAt: null, error: message };
      }
    }),
  );
  return { heartbeats };
}

function allowed(
  plan: Plan,
  role: CanaryRole,
  target: CanaryReadInput['targets'][number],
  index: number,
): PlanDatabase {
  const field = `targets[${index}]`;
  const db = plan.databases.find((candidate) => candidate.id === target.databaseId);
  if (!db) {
    throw new InvalidInputError(
      `canary read: ${field}.databaseId: no database "${target.databaseId}" in plan ${plan.name}`,
      `${field}.databaseId`,
    );
  }
  const identifier = target.instanceIdentifier.toLowerCase();
  const ok =
    role === 'writer'
      ? identifier === db.primary.identifier.toLowerCase()
      : isDrillCopyIdentifier(identifier) && identifier === drillCopyIdentifier(db.replica.identifier);
  if (!ok) {
    const expected = role === 'writer' ? db.primary.identifier : drillCopyIdentifier(db.replica.identifier);
    throw new InvalidInputError(
      `canary read: ${field}.instanceIdentifier: the ${role} reads ${role === 'writer' ? "the plan's primaries" : 'drill copies'} only; ${target.instanceIdentifier} is not ${expected} (database ${db.id}); nothing was read`,
      `${field}.instanceIdentifier`,
    );
  }
  return db;
}
