import { ConfigurationError } from '../../plan/errors.ts';
import { canaryFunctionName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { CanaryRole } from './read.ts';

/**
 * Which of the canary's two deployments this is, from its own function name (Lambda gives it to
 * every invocation): `<plan>-canary` writes and reads the primaries in the primary region,
 * `<plan>-canary-reader` reads the drill copies in the DR region. DRCTL_CANARY_ROLE names it for a
 * deployment under another name.
 */
export function canaryRole(
  plan: Plan,
  functionName: string,
  env: NodeJS.ProcessEnv = process.env,
): CanaryRole {
  if (functionName === canaryFunctionName(plan, 'writer')) return 'writer';
  if (functionName === canaryFunctionName(plan, 'reader')) return 'reader';
  const configured = env.DRCTL_CANARY_ROLE;
  if (configured === 'writer' || configured === 'reader') return configured;
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
