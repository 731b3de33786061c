import { sql } from 'kysely';
import type { ApiKeyRow, Executor } from '../db/database.ts';
import { insertApiKey } from './workspaces.ts';

/** An API key as agents see it: its recognisable prefix, never the secret. */
export interface ApiKeyModel {
  readonly id: string;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** The one mapping from an API key row to its API model. */
export function toApiKey(row: ApiKeyRow): ApiKeyModel {
  return {
    id: row.id,
    prefix: row.display_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Creates a key; the secret is in the answer and nowhere else. */
export async function createApiKey(
  db: Executor,
  workspaceId: string,
): Promise<{ apiKey: ApiKeyModel; secret: string }> {
  const { id, secret } = await insertApiKey(db, workspaceId);
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { apiKey: toApiKey(row), secret };
}

/** The workspace's keys, newest first, revoked ones included. */
export async function listApiKeys(db: Executor, workspaceId: string): Promise<ApiKeyModel[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toApiKey);
}

/** Revokes a key of the workspace; undefined when the workspace has no such key. */
export async function revokeApiKey(
  db: Executor,
  workspaceId: string,
  keyId: string,
): Promise<ApiKeyModel | undefined> {
  const row = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', keyId)
    .where('workspace_id', '=', workspaceId)
    .returningAll()
    .executeTakeFirst();
  return row && toApiKey(row);
}
