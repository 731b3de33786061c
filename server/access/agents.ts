// Owns the tables `agents` and `agent_sessions`: every read and write of them is here.
import { sql } from 'kysely';
import { ErrorCode } from '../../protocol/index.ts';
import type { DomainEventPublisher } from '../conversations/events.ts';
import type { AgentRow, Db, Executor } from '../db/database.ts';
import { type KeysetWindow, microsOf, type Positioned, readWindow } from '../db/keyset.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { badUserInput, SonnyError } from '../errors.ts';
import { emailKey, parseEmail, parseName } from '../identity/identity-input.ts';
import { hashPassword, PASSWORD_LIMITS, UNKNOWN_AGENT_HASH, verifyPassword } from './passwords.ts';
import { randomToken, SESSION_TOKEN_PREFIX, secretDigest } from './secrets.ts';

/** How long a session token from `login` stays valid. */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** An agent as the API shows it: never its password hash. */
export interface AgentModel {
  readonly id: string;
  readonly workspaceId: string;
  readonly email: string;
  readonly name: string;
}

/** The one mapping from an agent row to its API model. */
export function toAgent(row: AgentRow): AgentModel {
  return { id: row.id, workspaceId: row.workspace_id, email: row.email, name: row.name };
}

/** Validates a new password; throws BAD_USER_INPUT naming `field`. */
export function parsePassword(raw: string, field: string): string {
  const length = [...raw].length;
  if (length < PASSWORD_LIMITS.min || length > PASSWORD_LIMITS.max) {
    throw badUserInput(
      field,
      `Password must be ${PASSWORD_LIMITS.min} to ${PASSWORD_LIMITS.max} characters long.`,
    );
  }
  return raw;
}

/**
 * Creates an agent of the workspace. Emails are unique across workspaces because `login`
 * takes an email alone; a taken email is BAD_USER_INPUT on `email`.
 */
export async function createAgent(
  db: Db,
  input: { workspaceId: string; email: string; name: string; password: string },
): Promise<AgentModel> {
  const email = parseEmail(input.email, 'email');
  const name = parseName(input.name, 'name');
  if (name === null) throw badUserInput('name', 'Name is empty.');
  const passwordHash = await hashPassword(parsePassword(input.password, 'password'));
  const row = await db
    .insertInto('agents')
    .values({
      workspace_id: input.workspaceId,
      email: email.display,
      email_normalized: email.normalized,
      name,
      password_hash: passwordHash,
    })
    .onConflict((oc) => oc.column('email_normalized').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) throw badUserInput('email', 'An agent with this email already exists.');
  return toAgent(row);
}

export async function findAgent(db: Executor, agentId: string): Promise<AgentModel | undefined> {
  const row = await db
    .selectFrom('agents')
    .selectAll()
    .where('id', '=', agentId)
    .executeTakeFirst();
  return row && toAgent(row);
}

/** The workspace's agents with these ids, by id; another workspace's are absent. */
export async function findWorkspaceAgents(
  db: Executor,
  workspaceId: string,
  agentIds: readonly string[],
): Promise<Map<string, AgentModel>> {
  if (agentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('agents')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', agentIds)
    .execute();
  return new Map(rows.map((row) => [row.id, toAgent(row)]));
}

/** The workspace's agents in the window of the list by creation, newest first (id breaks ties). */
export async function listWorkspaceAgents(
  db: Executor,
  workspaceId: string,
  window: KeysetWindow,
): Promise<Array<Positioned<AgentModel>>> {
  const query = db
    .selectFrom('agents')
    .selectAll()
    .select(microsOf('created_at').as('position_micros'))
    .where('workspace_id', '=', workspaceId);
  const rows = await readWindow(query, 'created_at', 'id', window).execute();
  return rows.map(({ position_micros, ...row }) => ({
    row: toAgent(row),
    position: { micros: position_micros, id: row.id },
  }));
}

/** The names of these agents, by agent id. */
export async function findAgentNames(
  db: Executor,
  agentIds: readonly string[],
): Promise<Map<string, string>> {
  if (agentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('id', 'in', agentIds)
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** The agent of this email (compared as `login` does), if there is one. */
export async function findAgentByEmail(
  db: Executor,
  email: string,
): Promise<AgentModel | undefined> {
  const row = await findAgentRowByEmail(db, email);
  return row && toAgent(row);
}

async function findAgentRowByEmail(db: Executor, email: string): Promise<AgentRow | undefined> {
  return db
    .selectFrom('agents')
    .selectAll()
    .where('email_normalized', '=', emailKey(email))
    .executeTakeFirst();
}

/** Gives the agent a new password; BAD_USER_INPUT on `password` when it is not a valid one. */
export async function setAgentPassword(
  db: Executor,
  agentId: string,
  password: string,
): Promise<void> {
  const passwordHash = await hashPassword(parsePassword(password, 'password'));
  await db
    .updateTable('agents')
    .set({ password_hash: passwordHash })
    .where('id', '=', agentId)
    .execute();
}

export interface Session {
  /** The session token in clear: returned once, only its digest is stored. */
  readonly token: string;
  readonly expiresAt: Date;
  readonly agent: AgentModel;
}

/**
 * Checks the password and opens a session. A wrong password and an unknown email give the
 * same error after the same work, so neither reveals which agents exist.
 */
export async function login(db: Db, rawEmail: string, password: string): Promise<Session> {
  // No valid password is longer; refusing early keeps huge inputs away from scrypt.
  if ([...password].length > PASSWORD_LIMITS.max) {
    throw new SonnyError(ErrorCode.UNAUTHENTICATED, 'Wrong email or password.');
  }
  const row = await findAgentRowByEmail(db, rawEmail);
  const matches = await verifyPassword(password, row?.password_hash ?? UNKNOWN_AGENT_HASH);
  if (row === undefined || !matches) {
    throw new SonnyError(ErrorCode.UNAUTHENTICATED, 'Wrong email or password.');
  }
  const token = `${SESSION_TOKEN_PREFIX}${randomToken(32)}`;
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await db
    .insertInto('agent_sessions')
    .values({ agent_id: row.id, token_hash: secretDigest(token), expires_at: expiresAt })
    .execute();
  return { token, expiresAt, agent: toAgent(row) };
}

/** An agent's session was revoked: every server instance closes its sockets (`4401`). */
export interface AgentSessionEnded {
  readonly kind: 'agent-session-ended';
  readonly sessionId: string;
}

/**
 * Revokes the session: its token is refused from now on, and the sockets opened with it are
 * closed once this commits (the socket that asked, after its answer).
 */
export async function logout(
  db: Db,
  publisher: DomainEventPublisher,
  sessionId: string,
): Promise<void> {
  await runUnitOfWork(db, publisher, async (work) => {
    const revoked = await work.trx
      .updateTable('agent_sessions')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (revoked.numUpdatedRows > 0n) work.record({ kind: 'agent-session-ended', sessionId });
  });
}

/**
 * The agent and session of a session token, unless unknown, revoked or expired. Lookup is by
 * digest, so no secret is ever compared in application code.
 */
export async function authenticateSession(
  db: Executor,
  token: string,
): Promise<{
  readonly sessionId: string;
  readonly agentId: string;
  readonly workspaceId: string;
} | null> {
  const session = await db
    .selectFrom('agent_sessions')
    .innerJoin('agents', 'agents.id', 'agent_sessions.agent_id')
    .select(['agent_sessions.id as sessionId', 'agents.id as agentId', 'agents.workspace_id'])
    .where('agent_sessions.token_hash', '=', secretDigest(token))
    .where('agent_sessions.revoked_at', 'is', null)
    .where('agent_sessions.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return session === undefined
    ? null
    : { sessionId: session.sessionId, agentId: session.agentId, workspaceId: session.workspace_id };
}
