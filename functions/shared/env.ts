import { ConfigurationError } from '../../plan/errors.ts';

/**
 * Reads the named environment variables once, at module start, and fails fast when one is
 * missing or empty: a misconfigured function should fail its first invocation loudly, not
 * half-way through a failover.
 */
export function requireEnv<const K extends string>(
  names: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Record<K, string> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Missing environment variable(s): ${missing.join(', ')}. Set them in the function's configuration (the CDK construct does this from the plan).`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, env[name] as string])) as Record<K, string>;
}
