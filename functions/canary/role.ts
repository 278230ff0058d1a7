import { ConfigurationError } from '../../plan/errors.ts';
import { canaryFunctionName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { CanaryRole } from './read.ts';

/** The canary's environment, read once at module start and checked there (a typo fails the cold start). */
export interface CanarySettings {
  /** DRCTL_CANARY_ROLE: the role of a deployment under another function name; null: from the name. */
  configuredRole: CanaryRole | null;
  /** TLS to the databases: on unless DRCTL_DB_TLS=disabled (only the local world sets it). */
  tls: boolean;
}

export function readCanarySettings(env: NodeJS.ProcessEnv = process.env): CanarySettings {
  const role = env.DRCTL_CANARY_ROLE;
  if (role !== undefined && role !== '' && role !== 'writer' && role !== 'reader') {
    throw new ConfigurationError(
      `canary: DRCTL_CANARY_ROLE is "${role}": set writer or reader, or leave it unset (the role then comes from the function name)`,
    );
  }
  return { configuredRole: role === 'writer' || role === 'reader' ? role : null, tls: databaseTls(env) };
}

/**
 * Which of the canary's two deployments this is, from its own function name (Lambda gives it to
 * every invocation): `<plan>-canary` writes and reads the primaries in the primary region,
 * `<plan>-canary-reader` reads the drill copies in the DR region. DRCTL_CANARY_ROLE names it for a
 * deployment under another name.
 */
export function canaryRole(plan: Plan, functionName: string, configuredRole: CanaryRole | null): CanaryRole {
  if (functionName === canaryFunctionName(plan, 'writer')) return 'writer';
  if (functionName === canaryFunctionName(plan, 'reader')) return 'reader';
  if (configuredRole !== null) return configuredRole;
  throw new ConfigurationError(
    `canary: function ${functionName} is neither ${canaryFunctionName(plan, 'writer')} nor ${canaryFunctionName(plan, 'reader')}; set DRCTL_CANARY_ROLE to writer or reader`,
  );
}

/** The region a role talks to: the writer beside the primaries, the reader beside the copies. */
export const roleRegion = (plan: Plan, role: CanaryRole): string =>
  role === 'writer' ? plan.regions.primary : plan.regions.dr;

/** TLS to the databases, unless the local world (and only it) says DRCTL_DB_TLS=disabled. */
export function databaseTls(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DRCTL_DB_TLS !== 'disabled';
}
