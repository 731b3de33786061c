// Owns the table `api_keys`: every read and write of it is here.
import { sql } from 'kysely';
import type { ApiKeyRow, Db, Executor } from '../db/database.ts';
import { API_KEY_PREFIX, randomToken, secretDigest } from './secrets.ts';

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

/**
 * Adds a secret API key to the workspace; the clear key is returned once, never stored. A
 * `demo` key is the one `npm start` prints for its demo workspace (see {@link replaceDemoApiKey}).
 */
export async function insertApiKey(
  db: Executor,
  workspaceId: string,
  { demo = false }: { readonly demo?: boolean } = {},
): Promise<{ id: string; secret: string }> {
  const secret = `${API_KEY_PREFIX}${randomToken(32)}`;
  const { id } = await db
    .insertInto('api_keys')
    .values({
      workspace_id: workspaceId,
      display_prefix: secret.slice(0, API_KEY_PREFIX.length + 4),
      secret_hash: secretDigest(secret),
      demo,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, secret };
}

/**
 * Revokes the workspace's demo keys and mints another: `npm start` prints a working key at every
 * start although only digests are stored, and the key a previous start printed stops working.
 * The workspace's other keys are left alone. Returns the new key in clear.
 */
export async function replaceDemoApiKey(db: Db, workspaceId: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql`now()` })
      .where('workspace_id', '=', workspaceId)
      .where('demo', '=', true)
      .where('revoked_at', 'is', null)
      .execute();
    const { secret } = await insertApiKey(trx, workspaceId, { demo: true });
    return secret;
  });
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

/**
 * The key of this secret, unless unknown or revoked. Lookup is by digest, so no secret is
 * ever compared in application code.
 */
export async function authenticateApiKey(
  db: Executor,
  secret: string,
): Promise<{ readonly id: string; readonly workspaceId: string } | null> {
  const key = await db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'last_used_at'])
    .where('secret_hash', '=', secretDigest(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (key === undefined) return null;
  // last_used_at is for humans: a minute's precision spares a write on every request.
  if (key.last_used_at === null || Date.now() - key.last_used_at.getTime() > 60_000) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql`now()` })
      .where('id', '=', key.id)
      .execute();
  }
  return { id: key.id, workspaceId: key.workspace_id };
}
