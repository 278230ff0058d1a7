/**
 * The accounts an endpoint accepts. The server needs each password (or a hash of it) to check a
 * scramble, so the directory answers the account of a user name; the world's RDS model can read
 * it from its Secrets Manager secrets at each connection, so a rotated password takes effect.
 */
export type AuthPlugin = 'mysql_native_password' | 'caching_sha2_password';

export interface MySqlAccount {
  password: string;
  /** The account's authentication plugin; default: the endpoint's `defaultAuthPlugin`. */
  plugin?: AuthPlugin;
}

export interface MySqlUsers {
  account(user: string): MySqlAccount | undefined;
}

/** A fixed directory: user name → password, or → account. */
export function fixedUsers(accounts: Record<string, string | MySqlAccount>): MySqlUsers {
  const byName = new Map<string, MySqlAccount>(
    Object.entries(accounts).map(([user, value]) => [
      user,
      typeof value === 'string' ? { password: value } : value,
    ]),
  );
  return { account: (user) => byName.get(user) };
}
