import type { Db, Executor, WorkspaceRow } from '../db/database.ts';
import { findCurrentIdentitySecret, type IdentitySecret } from '../identity/identity-secrets.ts';
import { type AgentModel, createAgent, findAgentByEmail, setAgentPassword } from './agents.ts';
import { replaceDemoApiKey } from './api-keys.ts';
import type { SecretBox } from './secret-box.ts';
import { randomToken } from './secrets.ts';
import { createWorkspace, findFirstWorkspace, findWorkspace } from './workspaces.ts';

export const DEMO_WORKSPACE_NAME = 'Demo';
/** Agent emails are unique across workspaces, so this agent marks the one demo workspace. */
export const DEMO_AGENT_EMAIL = 'demo-agent@sonny.invalid';

export interface DemoWorkspace {
  readonly workspace: WorkspaceRow;
  /** What the banner shows to use the demo; null when the workspace shown is an operator's own. */
  readonly credentials: DemoCredentials | null;
}

/** Everything needed to try the demo workspace, valid from this start on. */
export interface DemoCredentials {
  /** A secret API key minted at this start; the previous start's demo key is revoked. */
  readonly apiKey: string;
  /** The workspace's current identity secret, read back (it is stored sealed, not hashed). */
  readonly identitySecret: IdentitySecret;
  /** The demo agent's inbox login, with a password new at this start. */
  readonly login: { readonly email: string; readonly password: string };
}

/**
 * The workspace `npm start` shows. The demo workspace (the one with the demo agent) when there
 * is one; on an empty database it is created; a database that already holds an operator's
 * workspaces gets no demo forced on it and its first workspace is shown, without credentials.
 *
 * Every start hands out the demo's credentials afresh: a new API key replacing the last start's
 * (keys are stored as digests, so an old one cannot be shown again) and a new random password
 * for the demo agent. A start that fails after this loses nothing: the next one prints its own.
 */
export async function ensureDemoWorkspace(db: Db, secrets: SecretBox): Promise<DemoWorkspace> {
  const password = `demo-${randomToken(9)}`;
  const demo = await findDemo(db);
  if (demo === undefined) {
    const first = await findFirstWorkspace(db);
    if (first !== undefined) return { workspace: first, credentials: null };
    return createDemoWorkspace(db, secrets, password);
  }
  const { agent, workspace } = demo;
  await setAgentPassword(db, agent.id, password);
  const apiKey = await replaceDemoApiKey(db, workspace.id);
  return {
    workspace,
    credentials: {
      apiKey,
      identitySecret: await findCurrentIdentitySecret(db, secrets, workspace.id),
      login: { email: DEMO_AGENT_EMAIL, password },
    },
  };
}

/** Creates the demo workspace and its demo agent. Fails if a demo agent exists already. */
export async function createDemoWorkspace(
  db: Db,
  secrets: SecretBox,
  password = `demo-${randomToken(9)}`,
): Promise<DemoWorkspace> {
  const { workspace, apiKey, identitySecret } = await createWorkspace(
    db,
    secrets,
    DEMO_WORKSPACE_NAME,
    { demoKey: true },
  );
  await createAgent(db, {
    workspaceId: workspace.id,
    email: DEMO_AGENT_EMAIL,
    name: 'Demo Agent',
    password,
  });
  return {
    workspace,
    credentials: { apiKey, identitySecret, login: { email: DEMO_AGENT_EMAIL, password } },
  };
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
