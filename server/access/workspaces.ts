import type { Db, Executor, WorkspaceRow } from '../db/database.ts';
import { API_KEY_PREFIX, randomToken, secretDigest } from './secrets.ts';

export interface CreatedWorkspace {
  readonly workspace: WorkspaceRow;
  /** The secret API key in clear: shown once, only its digest is stored. */
  readonly apiKey: string;
}

/** Creates a workspace with a public siteId and its first secret API key, atomically. */
export async function createWorkspace(db: Db, name: string): Promise<CreatedWorkspace> {
  return db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto('workspaces')
      .values({ name, site_id: `site_${randomToken(12)}` })
      .returningAll()
      .executeTakeFirstOrThrow();
    const apiKey = `${API_KEY_PREFIX}${randomToken(32)}`;
    await trx
      .insertInto('api_keys')
      .values({
        workspace_id: workspace.id,
        display_prefix: apiKey.slice(0, API_KEY_PREFIX.length + 4),
        secret_hash: secretDigest(apiKey),
      })
      .execute();
    return { workspace, apiKey };
  });
}

export async function findWorkspaceBySiteId(
  db: Executor,
  siteId: string,
): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('site_id', '=', siteId).executeTakeFirst();
}

/** The oldest workspace, which `npm start` treats as the demo workspace. */
export async function findFirstWorkspace(db: Executor): Promise<WorkspaceRow | undefined> {
  return db
    .selectFrom('workspaces')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}
