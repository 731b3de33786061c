import type { Db, WorkspaceRow } from '../db/database.ts';
import { createWorkspace, findFirstWorkspace } from './workspaces.ts';

export const DEMO_WORKSPACE_NAME = 'Demo';

/**
 * The workspace `npm start` shows: the first one in the database, created on the first run.
 * `apiKey` is set only when it was created now, because only a digest of it is stored.
 */
export async function ensureDemoWorkspace(
  db: Db,
): Promise<{ workspace: WorkspaceRow; apiKey: string | null }> {
  const existing = await findFirstWorkspace(db);
  if (existing !== undefined) return { workspace: existing, apiKey: null };
  return createWorkspace(db, DEMO_WORKSPACE_NAME);
}
