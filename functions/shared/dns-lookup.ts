import { Resolver } from 'node:dns/promises';

/**
 * What a client gets when it resolves a name through DNS, Route 53's data plane: the CNAME
 * targets, or why the lookup failed. Resolving is how drctl sees where traffic goes without the
 * Route 53 API. DRCTL_DNS_RESOLVER (host:port) points it at a given server, as the local world
 * does; unset, the system resolver answers (in Lambda, the Amazon-provided resolver).
 */
export type DnsLookup = (name: string) => Promise<{ targets: string[] } | { error: string }>;

/** A lookup slower than this is a failed lookup: the state machine asks again later. */
const LOOKUP_TIMEOUT_MS = 2_000;

export function createDnsLookup(
  resolverAddress: string | undefined = process.env.DRCTL_DNS_RESOLVER,
): DnsLookup {
  const resolver = new Resolver({ timeout: LOOKUP_TIMEOUT_MS, tries: 2 });
  if (resolverAddress) resolver.setServers([resolverAddress]);
  return async (name) => {
    try {
      const targets = await resolver.resolveCname(name);
      return { targets: targets.map(normalizeName) };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      return { error: `DNS lookup of ${name} failed (${code})` };
    }
  };
}

export const normalizeName = (name: string): string => name.toLowerCase().replace(/\.$/, '');
