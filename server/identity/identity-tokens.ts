import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { ErrorCode } from '../../protocol/index.ts';
import type { SecretBox } from '../access/secret-box.ts';
import type { Executor } from '../db/database.ts';
import { SonnyError } from '../errors.ts';
import { type EmailAddress, parseEmail, parseName, parseWholeSeconds } from './identity-input.ts';
import { findCurrentIdentitySecret, findVerifyingIdentitySecret } from './identity-secrets.ts';

/** The only signing algorithm Sonny accepts for identity tokens. */
export const IDENTITY_TOKEN_ALGORITHM = 'HS256';
/** Lifetime of a token from `createIdentityToken` when none is asked for: one hour. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
/** The longest lifetime a token may have, minted by Sonny or by an integrator: 24 hours. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
/** Tolerated drift between an integrator's clock and Sonny's when checking that limit. */
const CLOCK_SKEW_SECONDS = 300;

export interface IdentityTokenRequest {
  readonly email: EmailAddress;
  readonly name: string | null;
  readonly expiresInSeconds: number;
}

export interface SignedIdentityToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** What a valid token vouches for. */
export interface VerifiedIdentityClaims {
  readonly email: EmailAddress;
  /** The signed `name` claim, if the token carries one. */
  readonly name: string | null;
  /**
   * The token's `exp`: a visitor it verifies stays verified until then, exactly. (The clock
   * skew tolerated on the lifetime limit never lengthens it.)
   */
  readonly expiresAt: Date;
  /**
   * The token's `iat`; for a token without one, the earliest it can have been issued: its
   * `exp` less the longest lifetime and the clock skew.
   */
  readonly issuedAt: Date;
}

/** Validates a requested token lifetime; `null` means one hour. */
export function parseExpiresInSeconds(raw: number | null | undefined, field: string): number {
  return parseWholeSeconds(
    raw,
    field,
    { min: 1, max: MAX_TOKEN_LIFETIME_SECONDS, fallback: DEFAULT_TOKEN_LIFETIME_SECONDS },
    `expiresInSeconds must be a whole number from 1 to ${MAX_TOKEN_LIFETIME_SECONDS} (24 hours).`,
  );
}

/**
 * Signs an identity token with the workspace's current secret: a JWT, HS256, `kid` header,
 * claims `email`, `name` (when given), `iat` and `exp`. It is exactly what an integrator's
 * backend mints itself with the secret's UTF-8 bytes as the HMAC key.
 */
export async function signIdentityToken(
  db: Executor,
  secrets: SecretBox,
  workspaceId: string,
  request: IdentityTokenRequest,
): Promise<SignedIdentityToken> {
  const { kid, secret } = await findCurrentIdentitySecret(db, secrets, workspaceId);
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + request.expiresInSeconds;
  const claims = { email: request.email.display, ...(request.name ? { name: request.name } : {}) };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: IDENTITY_TOKEN_ALGORITHM, typ: 'JWT', kid })
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(hmacKey(secret));
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/**
 * Checks that `token` was signed for this workspace and vouches for `email` (compared
 * normalised). Throws IDENTITY_TOKEN_EXPIRED for a genuine token past its `exp`, and
 * IDENTITY_VERIFICATION_FAILED for anything else: malformed, another algorithm than HS256,
 * unknown `kid` or one of another workspace, a secret past its rotation grace, a bad
 * signature, a lifetime over 24 hours, another email. The signature is checked by `jose`
 * (constant-time) before any claim is trusted, so only a genuine token can be "expired".
 */
export async function verifyIdentityToken(
  db: Executor,
  secrets: SecretBox,
  workspaceId: string,
  token: string,
  email: EmailAddress,
): Promise<VerifiedIdentityClaims> {
  const kid = readKid(token);
  const secret =
    kid === null ? undefined : await findVerifyingIdentitySecret(db, secrets, workspaceId, kid);
  if (secret === undefined) throw verificationFailed();

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, hmacKey(secret.secret), {
      algorithms: [IDENTITY_TOKEN_ALGORITHM],
      requiredClaims: ['exp', 'email'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new SonnyError(
        ErrorCode.IDENTITY_TOKEN_EXPIRED,
        'The identity token has expired; ask your backend for a fresh one.',
      );
    }
    if (error instanceof errors.JOSEError) throw verificationFailed();
    throw error;
  }

  // jose checked that `exp` is a number; a leaked long-lived token is refused outright.
  if (Number(payload.exp) > Date.now() / 1000 + MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    throw verificationFailed();
  }
  const { email: emailClaim, name: nameClaim } = payload;
  const claimed =
    typeof emailClaim === 'string' ? parseClaim(() => parseEmail(emailClaim, 'email')) : null;
  if (claimed === null || claimed.normalized !== email.normalized) {
    throw new SonnyError(
      ErrorCode.IDENTITY_VERIFICATION_FAILED,
      'The identity token vouches for another email than the one given.',
    );
  }
  return {
    email: claimed,
    name: typeof nameClaim === 'string' ? parseClaim(() => parseName(nameClaim, 'name')) : null,
    expiresAt: new Date(Number(payload.exp) * 1000),
    // jose checked that `iat`, when present, is a number.
    issuedAt: new Date(
      (payload.iat === undefined
        ? Number(payload.exp) - MAX_TOKEN_LIFETIME_SECONDS - CLOCK_SKEW_SECONDS
        : Number(payload.iat)) * 1000,
    ),
  };
}

/** The `kid` of a compact JWS with `alg: HS256`, or null when the header says otherwise. */
function readKid(token: string): string | null {
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== IDENTITY_TOKEN_ALGORITHM || typeof header.kid !== 'string') return null;
    return header.kid;
  } catch {
    return null;
  }
}

/** A claim that fails input validation makes the whole token invalid. */
function parseClaim<T>(parse: () => T): T {
  try {
    return parse();
  } catch {
    throw verificationFailed();
  }
}

/** The HMAC key integrators use too: the UTF-8 bytes of the secret string. */
function hmacKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** One answer for every kind of forged or broken token: a prober learns nothing more. */
function verificationFailed(): SonnyError {
  return new SonnyError(
    ErrorCode.IDENTITY_VERIFICATION_FAILED,
    'The identity token is invalid: it was not signed with this workspace’s identity secret, was tampered with, or vouches for another email.',
  );
}
