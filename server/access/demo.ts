import type { Db, Executor, WorkspaceRow } from '../db/database.ts';
import { type AgentModel, createAgent, findAgentByEmail, setAgentPassword } from './agents.ts';
import type { SecretBox } from './secret-box.ts';
import { randomToken } from './secrets.ts';
import { createWorkspace, findFirstWorkspace, findWorkspace } from './workspaces.ts';

export const DEMO_WORKSPACE_NAME = 'Demo';
/** Agent emails are unique across workspaces, so this agent marks the one demo workspace. */
export const DEMO_AGENT_EMAIL = 'demo-agent@sonny.invalid';

export interface DemoWorkspace {
  readonly workspace: WorkspaceRow;
  /** Set only when the workspace was created now, because only a digest of it is stored. */
  readonly apiKey: string | null;
  /** The demo agent's login, or null when the workspace shown is an operator's own. */
  readonly login: { readonly email: string; readonly password: string } | null;
}

/**
 * The workspace `npm start` shows. The demo workspace (the one with the demo agent) when there
 * is one; on an empty database it is created; a database that already holds an operator's
 * workspaces gets no demo forced on it and its first workspace is shown. The demo agent gets a
 * fresh random password at every start, printed for the person at the terminal: no password
 * is ever a constant, and none is stored in clear.
 */
export async function ensureDemoWorkspace(db: Db, secrets: SecretBox): Promise<DemoWorkspace> {
  const password = `demo-${randomToken(9)}`;
  const demo = await findDemo(db);
  if (demo !== undefined) {
    await setAgentPassword(db, demo.agent.id, password);
    return {
      workspace: demo.workspace,
      apiKey: null,
      login: { email: DEMO_AGENT_EMAIL, password },
    };
  }
  const first = await findFirstWorkspace(db);
  if (first !== undefined) return { workspace: first, apiKey: null, login: null };
  return createDemoWorkspace(db, secrets, password);
}

/** Creates the demo workspace and its demo agent. Fails if a demo agent exists already. */
export async function createDemoWorkspace(
  db: Db,
  secrets: SecretBox,
  password = `demo-${randomToken(9)}`,
): Promise<DemoWorkspace> {
  const { workspace, apiKey } = await createWorkspace(db, secrets, DEMO_WORKSPACE_NAME);
  await createAgent(db, {
    workspaceId: workspace.id,
    email: DEMO_AGENT_EMAIL,
    name: 'Demo Agent',
    password,
  });
  return { workspace, apiKey, login: { email: DEMO_AGENT_EMAIL, password } };
}

/** The workspace of the demo agent, if `npm start` made one in this database. */
export async function findDemoWorkspace(db: Executor): Promise<WorkspaceRow | undefined> {
  return (await findDemo(db))?.workspace;
}

async function findDemo(
  db: Executor,
): Promise<{ agent: AgentModel; workspace: WorkspaceRow } | undefined> {
  const agent = await findAgentByEmail(db, DEMO_AGENT_EMAIL);
  const workspace = agent && (await findWorkspace(db, agent.workspaceId));
  return agent && workspace && { agent, workspace };
}
