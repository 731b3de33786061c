import { SignJWT } from 'jose';
import type { TestServer } from './harness.ts';
import { countWorkspaceRows, type WorkspaceTable } from './rows.ts';

/** An identity secret as `sonny workspace create --json` prints it. */
export interface IdentitySecret {
  readonly kid: string;
  readonly secret: string;
}

/**
 * Mints an identity token the way an integrator's backend does with plain `jose`: HS256 over
 * the UTF-8 bytes of the secret, `kid` header, `email`, optional `name`, `iat`, `exp`.
 * `expiresIn` may be negative (an expired token); `alg` another HMAC algorithm; `issuedAgo`
 * moves `iat` that many seconds into the past (an hour for an expired token by default), and
 * `null` leaves `iat` out.
 */
export async function mintIdentityToken(
  secret: IdentitySecret,
  claims: { email: string; name?: string },
  {
    expiresIn = 600,
    alg = 'HS256',
    issuedAgo = expiresIn < 0 ? 3600 : 0,
  }: { expiresIn?: number; alg?: string; issuedAgo?: number | null } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg, typ: 'JWT', kid: secret.kid })
    .setExpirationTime(now + expiresIn);
  if (issuedAgo !== null) jwt.setIssuedAt(now - issuedAgo);
  return jwt.sign(new TextEncoder().encode(secret.secret));
}

/** The token with one character of its signature changed. */
export function withFlippedSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const first = signature[0] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${first}${signature.slice(1)}`;
}

/** The token with its payload replaced (the signature kept), as a forger would try. */
export function withPayload(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url(payload)}.${signature}`;
}

/** An unsigned token (`alg: none`) for the email, with a known kid. */
export function unsignedToken(kid: string, email: string): string {
  const exp = Math.floor(Date.now() / 1000) + 600;
  return `${base64url({ alg: 'none', typ: 'JWT', kid })}.${base64url({ email, exp })}.`;
}

function base64url(json: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

/**
 * Everything a refused identify must leave as it was in the workspace: every contact and
 * visitor row with all its fields, and the number of conversations and inbox events.
 */
export async function workspaceState(server: TestServer, workspaceId: string) {
  const { db } = server.app;
  const count = (table: WorkspaceTable) => countWorkspaceRows(db, table, workspaceId);
  return {
    contacts: await db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    visitors: await db
      .selectFrom('visitors')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    conversations: await count('conversations'),
    inboxEvents: await count('inbox_events'),
  };
}
