import { createHash, randomBytes } from 'node:crypto';

/** Prefix of every secret API key, so leaked keys are recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'sonny_sk_';

/** Prefix of every agent session token, returned by `login`. */
export const SESSION_TOKEN_PREFIX = 'sonny_st_';

/** A URL-safe random string of `bytes` bytes of entropy. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Digest used to store and look up high-entropy secrets (API keys, visitor credentials).
 * Lookup is by digest, so no comparison of secrets ever happens in application code.
 */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
