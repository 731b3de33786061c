import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The prefix of a secret stored encrypted; the version names the format after it. */
const SEALED_PREFIX = 'enc:';
const V1 = `${SEALED_PREFIX}v1:`;
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

/** A stored secret cannot be read with the configured key, or without one. */
export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

/**
 * Encrypts secrets Sonny must be able to read back (identity secrets: an HMAC key cannot be
 * stored as a digest) with `SONNY_SECRET_KEY`. Without a key it stores them as they are.
 */
export interface SecretBox {
  /** Whether a key is configured, so what is sealed is encrypted. */
  readonly encrypts: boolean;
  /**
   * The stored form of `secret`: `enc:v1:<iv>.<ciphertext>.<tag>` (base64url, AES-256-GCM, a
   * fresh 96-bit IV) with a key, the secret itself without one. `context` (e.g. the secret's
   * kid) is authenticated with it, so a stored form copied onto another row does not open.
   */
  seal(secret: string, context: string): string;
  /**
   * The secret of a stored form: decrypted when sealed, as is when stored in clear. Throws
   * {@link SecretKeyError} when it is sealed and there is no key, or another key sealed it.
   */
  open(stored: string, context: string): string;
}

/** Whether a stored secret is encrypted (by any version of the format). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/** A {@link SecretBox} with this 32-byte key, or one that stores secrets in clear. */
export function secretBox(key: Uint8Array | null): SecretBox {
  return {
    encrypts: key !== null,
    seal(secret, context) {
      if (key === null) return secret;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
      return `${V1}${parts.join('.')}`;
    },
    open(stored, context) {
      if (!isSealed(stored)) return stored;
      if (key === null) {
        throw new SecretKeyError(
          'Identity secrets in this database are encrypted: set SONNY_SECRET_KEY to the key that encrypted them.',
        );
      }
      const [iv, ciphertext, tag] = stored.startsWith(V1) ? stored.slice(V1.length).split('.') : [];
      if (iv === undefined || ciphertext === undefined || tag === undefined) {
        throw new SecretKeyError(
          'A stored secret is in an encryption format this Sonny cannot read.',
        );
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const clear = Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]);
        return clear.toString('utf8');
      } catch {
        throw new SecretKeyError(
          'SONNY_SECRET_KEY does not decrypt the stored identity secrets: it is not the key that encrypted them.',
        );
      }
    },
  };
}
