import type { Db, WorkspaceRow } from '../db/database.ts';
import { createAgent } from './agents.ts';
import { hashPassword } from './passwords.ts';
import { randomToken } from './secrets.ts';
import { createWorkspace, findFirstWorkspace } from './workspaces.ts';

export const DEMO_WORKSPACE_NAME = 'Demo';
export const DEMO_AGENT_EMAIL = 'demo-agent@sonny.invalid';

export interface DemoWorkspace {
  readonly workspace: WorkspaceRow;
  /** Set only when the workspace was created now, because only a digest of it is stored. */
  readonly apiKey: string | null;
  /** The demo agent's login, or null when the workspace has no demo agent (an operator's own). */
  readonly login: { readonly email: string; readonly password: string } | null;
}

/**
 * The workspace `npm start` shows: the first one in the database, created on the first run
 * with a demo agent. The demo agent gets a fresh random password at every start, printed
 * for the person at the terminal: no password is ever a constant, and none is stored in clear.
 */
export async function ensureDemoWorkspace(db: Db): Promise<DemoWorkspace> {
  const password = `demo-${randomToken(9)}`;
  const existing = await findFirstWorkspace(db);
  if (existing === undefined) {
    const { workspace, apiKey } = await createWorkspace(db, DEMO_WORKSPACE_NAME);
    await createAgent(db, {
      workspaceId: workspace.id,
      email: DEMO_AGENT_EMAIL,
      name: 'Demo Agent',
      password,
    });
    return { workspace, apiKey, login: { email: DEMO_AGENT_EMAIL, password } };
  }
  const renewed = await db
    .updateTable('agents')
    .set({ password_hash: await hashPassword(password) })
    .where('workspace_id', '=', existing.id)
    .where('email_normalized', '=', DEMO_AGENT_EMAIL)
    .returning('id')
    .executeTakeFirst();
  return {
    workspace: existing,
    apiKey: null,
    login: renewed ? { email: DEMO_AGENT_EMAIL, password } : null,
  };
}
