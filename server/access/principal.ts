import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { API_KEY_PREFIX, SESSION_TOKEN_PREFIX, secretDigest } from './secrets.ts';

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
 * revoked or expired. Lookup is by digest, so no secret is ever compared in application code.
 */
export async function authenticate(db: Executor, token: string): Promise<Principal | null> {
  if (token.startsWith(API_KEY_PREFIX)) {
    const key = await db
      .selectFrom('api_keys')
      .select(['id', 'workspace_id', 'last_used_at'])
      .where('secret_hash', '=', secretDigest(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    // last_used_at is for humans: a minute's precision spares a write on every request.
    if (key && (key.last_used_at === null || Date.now() - key.last_used_at.getTime() > 60_000)) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: sql`now()` })
        .where('id', '=', key.id)
        .execute();
    }
    return key ? { kind: 'apiKey', workspaceId: key.workspace_id, apiKeyId: key.id } : null;
  }
  if (token.startsWith(SESSION_TOKEN_PREFIX)) {
    const session = await db
      .selectFrom('agent_sessions')
      .innerJoin('agents', 'agents.id', 'agent_sessions.agent_id')
      .select(['agent_sessions.id as sessionId', 'agents.id as agentId', 'agents.workspace_id'])
      .where('agent_sessions.token_hash', '=', secretDigest(token))
      .where('agent_sessions.revoked_at', 'is', null)
      .where('agent_sessions.expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return session
      ? {
          kind: 'agent',
          workspaceId: session.workspace_id,
          agentId: session.agentId,
          sessionId: session.sessionId,
        }
      : null;
  }
  return null;
}
