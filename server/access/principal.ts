import type { Executor } from '../db/database.ts';
import { authenticateSession } from './agents.ts';
import { authenticateApiKey } from './api-keys.ts';
import { API_KEY_PREFIX, SESSION_TOKEN_PREFIX } from './secrets.ts';

/** An agent signed in with a session token. */
export interface AgentPrincipal {
  readonly kind: 'agent';
  readonly workspaceId: string;
  readonly agentId: string;
  readonly sessionId: string;
}

/** An integrator's backend, calling with a secret API key. */
export interface ApiKeyPrincipal {
  readonly kind: 'apiKey';
  readonly workspaceId: string;
  readonly apiKeyId: string;
}

/** Who is asking on behalf of a workspace: an agent or an API key. */
export type Principal = AgentPrincipal | ApiKeyPrincipal;

/** The token of `Authorization: Bearer <token>`, or null when the header is absent or not Bearer. */
export function bearerToken(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

/**
 * The principal of an API key or an agent session token, or null when the token is unknown,
 * revoked or expired.
 */
export async function authenticate(db: Executor, token: string): Promise<Principal | null> {
  if (token.startsWith(API_KEY_PREFIX)) {
    const key = await authenticateApiKey(db, token);
    return key && { kind: 'apiKey', workspaceId: key.workspaceId, apiKeyId: key.id };
  }
  if (token.startsWith(SESSION_TOKEN_PREFIX)) {
    const session = await authenticateSession(db, token);
    return session && { kind: 'agent', ...session };
  }
  return null;
}
