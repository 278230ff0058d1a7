import {
  decryptSha2Password,
  type RsaKeys,
  sha2CacheEntry,
  verifyNativePassword,
  verifySha2Scramble,
} from './auth-crypto.ts';
import { CAPABILITY, SHA2_MESSAGE } from './constants.ts';
import { accessDenied, MySqlError, malformedPacket } from './errors.ts';
import { authMoreDataPayload, authSwitchPayload, type HandshakeResponse } from './handshake.ts';
import type { AuthPlugin, MySqlAccount, MySqlUsers } from './users.ts';

/**
 * One connection's authentication exchange, as mysqld runs it (MySQL source docs,
 * "Authentication Phase"): the client answers the greeting with a token made by the plugin it
 * guessed; if the account uses another plugin the server sends an AuthSwitchRequest; then the
 * account's plugin runs to OK or ERR 1045. caching_sha2_password takes the fast path when the
 * account's hash is cached (after a full authentication on this endpoint, until the password
 * changes), else a full authentication, which without TLS means the RSA key exchange.
 */
export type AuthenticationPath = 'native' | 'sha2-fast' | 'sha2-full';

export type AuthStep =
  /** Send these payloads and wait for the client's next packet. */
  | { kind: 'continue'; replies: Buffer[] }
  /** Send these payloads, then the OK packet: the account is in. */
  | { kind: 'authenticated'; replies: Buffer[]; path: AuthenticationPath }
  | { kind: 'denied'; error: MySqlError };

export interface AuthenticationOptions {
  users: MySqlUsers;
  defaultPlugin: AuthPlugin;
  nonce: Buffer;
  /** The endpoint's caching_sha2_password cache: user → SHA256(SHA256(password)). */
  sha2Cache: Map<string, Buffer>;
  rsa: RsaKeys;
  /** The client's address as MySQL names it in 1045 ('user'@'host'). */
  clientHost: string;
}

type State = 'start' | 'switched' | 'sha2-full' | 'sha2-key-sent' | 'done';

export const notSupportedAuthMode = () =>
  new MySqlError(
    1251,
    'ER_NOT_SUPPORTED_AUTH_MODE',
    '08004',
    'Client does not support authentication protocol requested by server; consider upgrading MySQL client',
    true,
  );

export class Authentication {
  private state: State = 'start';
  private user = '';
  private account: MySqlAccount | undefined;
  private plugin: AuthPlugin;
  private usedPassword = false;

  constructor(private readonly options: AuthenticationOptions) {
    this.plugin = options.defaultPlugin;
  }

  get userName(): string {
    return this.user;
  }

  get accountPlugin(): AuthPlugin {
    return this.plugin;
  }

  start(response: HandshakeResponse): AuthStep {
    this.user = response.user;
    this.usedPassword = response.authResponse.length > 0;
    this.account = this.options.users.account(response.user);
    if (!this.account) return this.deny();
    this.plugin = this.account.plugin ?? this.options.defaultPlugin;
    if ((response.capabilities & CAPABILITY.PLUGIN_AUTH) === 0) {
      // A client without plugin auth sent a native (4.1) token and cannot switch.
      if (this.plugin !== 'mysql_native_password') return this.fail(notSupportedAuthMode());
      return this.firstToken(response.authResponse);
    }
    if (response.authPlugin === this.plugin) return this.firstToken(response.authResponse);
    this.state = 'switched';
    return { kind: 'continue', replies: [authSwitchPayload(this.plugin, this.options.nonce)] };
  }

  continue(payload: Buffer): AuthStep {
    switch (this.state) {
      case 'switched':
        this.usedPassword = payload.length > 0;
        return this.firstToken(payload);
      case 'sha2-full':
        if (payload.length === 1 && payload[0] === SHA2_MESSAGE.REQUEST_PUBLIC_KEY) {
          this.state = 'sha2-key-sent';
          return {
            kind: 'continue',
            replies: [authMoreDataPayload(Buffer.from(this.options.rsa.publicKeyPem))],
          };
        }
        return this.fullSha2(payload);
      case 'sha2-key-sent':
        return this.fullSha2(payload);
      default:
        return this.fail(malformedPacket('a packet the authentication exchange did not expect'));
    }
  }

  private firstToken(token: Buffer): AuthStep {
    const password = this.account?.password ?? '';
    if (this.plugin === 'mysql_native_password') {
      return verifyNativePassword(token, this.options.nonce, password)
        ? this.accept([], 'native')
        : this.deny();
    }
    if (token.length === 0 || (token.length === 1 && token[0] === 0)) {
      return password === '' ? this.accept([], 'sha2-fast') : this.deny();
    }
    if (token.length !== 32) return this.deny();
    const current = sha2CacheEntry(password);
    const cached = this.options.sha2Cache.get(this.user);
    // A changed password flushes the entry, as ALTER USER does.
    if (cached && !cached.equals(current)) this.options.sha2Cache.delete(this.user);
    if (cached?.equals(current) && verifySha2Scramble(token, this.options.nonce, current)) {
      return this.accept([authMoreDataPayload(Buffer.from([SHA2_MESSAGE.FAST_AUTH_SUCCESS]))], 'sha2-fast');
    }
    this.state = 'sha2-full';
    return {
      kind: 'continue',
      replies: [authMoreDataPayload(Buffer.from([SHA2_MESSAGE.PERFORM_FULL_AUTHENTICATION]))],
    };
  }

  private fullSha2(ciphertext: Buffer): AuthStep {
    const password = this.account?.password ?? '';
    const sent = decryptSha2Password(ciphertext, this.options.nonce, this.options.rsa);
    if (sent === undefined || sent !== password) return this.deny();
    this.options.sha2Cache.set(this.user, sha2CacheEntry(password));
    return this.accept([], 'sha2-full');
  }

  private accept(replies: Buffer[], path: AuthenticationPath): AuthStep {
    this.state = 'done';
    return { kind: 'authenticated', replies, path };
  }

  private deny(): AuthStep {
    return this.fail(accessDenied(this.user, this.options.clientHost, this.usedPassword));
  }

  private fail(error: MySqlError): AuthStep {
    this.state = 'done';
    return { kind: 'denied', error };
  }
}
