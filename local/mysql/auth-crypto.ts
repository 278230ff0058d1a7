import {
  constants,
  createHash,
  generateKeyPair,
  type KeyObject,
  privateDecrypt,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * The server side of MySQL's two password schemes (MySQL source docs: "Native Authentication",
 * "Caching_sha2_password information"):
 * - mysql_native_password: the server keeps SHA1(SHA1(password)); the client sends
 *   SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))).
 * - caching_sha2_password: fast path with SHA256(SHA256(password)) cached after a full
 *   authentication; the client sends SHA256(password) XOR SHA256(SHA256(SHA256(password)) + scramble).
 *   Full authentication without TLS sends the password RSA-OAEP encrypted to the server's key,
 *   XORed with the scramble.
 */
export const NONCE_LENGTH = 20;

/** A 20-byte scramble of printable ASCII, never NUL (clients read it NUL-terminated). */
export function newNonce(): Buffer {
  const nonce = randomBytes(NONCE_LENGTH);
  for (let index = 0; index < nonce.length; index++) nonce[index] = 0x21 + ((nonce[index] ?? 0) % 94);
  return nonce;
}

const digest = (algorithm: 'sha1' | 'sha256', ...parts: Buffer[]) => {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest();
};

function xor(a: Buffer, b: Buffer): Buffer {
  const result = Buffer.alloc(a.length);
  for (let index = 0; index < a.length; index++) result[index] = (a[index] ?? 0) ^ (b[index % b.length] ?? 0);
  return result;
}

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

export function verifyNativePassword(token: Buffer, nonce: Buffer, password: string): boolean {
  if (password === '') return token.length === 0;
  if (token.length !== 20) return false;
  const stored = digest('sha1', digest('sha1', Buffer.from(password, 'utf8')));
  const stage1 = xor(token, digest('sha1', nonce, stored));
  return sameBytes(digest('sha1', stage1), stored);
}

/** What caching_sha2_password caches per account after a full authentication. */
export function sha2CacheEntry(password: string): Buffer {
  return digest('sha256', digest('sha256', Buffer.from(password, 'utf8')));
}

export function verifySha2Scramble(token: Buffer, nonce: Buffer, cached: Buffer): boolean {
  if (token.length !== 32) return false;
  const stage1 = xor(token, digest('sha256', cached, nonce));
  return sameBytes(digest('sha256', stage1), cached);
}

export interface RsaKeys {
  publicKeyPem: string;
  privateKey: KeyObject;
}

let keys: Promise<RsaKeys> | undefined;

/** One 2048-bit key pair per process (mysqld makes one at start), made on first use. */
export function serverRsaKeys(): Promise<RsaKeys> {
  keys ??= new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else
        resolve({ publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey });
    });
  });
  return keys;
}

/** The password of an RSA full authentication, or undefined when the bytes do not decrypt. */
export function decryptSha2Password(ciphertext: Buffer, nonce: Buffer, rsa: RsaKeys): string | undefined {
  try {
    const plain = privateDecrypt(
      { key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      ciphertext,
    );
    const password = xor(plain, nonce);
    const end = password.indexOf(0);
    return password.toString('utf8', 0, end < 0 ? password.length : end);
  } catch {
    return undefined;
  }
}
