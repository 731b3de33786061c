import { Limits } from '../../../protocol/index.ts';
import {
  type AgentModel,
  findAgent,
  findWorkspaceAgents,
  listWorkspaceAgents,
  login,
  logout,
  type Session,
} from '../../access/agents.ts';
import { enforceRateLimit } from '../../access/rate-limit.ts';
import { findWorkspace } from '../../access/workspaces.ts';
import { badUserInput } from '../../errors.ts';
import { batchLoader } from '../batch.ts';
import { builder } from '../builder.ts';
import { keysetPage } from '../pagination.ts';
import { Workspace } from './workspace.ts';

/** The workspace's agents by id, for fields that point at one (a conversation's assignee). */
export const agentOfWorkspace = batchLoader((context, ids) =>
  context.principal === null
    ? Promise.resolve(new Map<string, AgentModel>())
    : findWorkspaceAgents(context.db, context.principal.workspaceId, ids),
);

export const Agent = builder.objectRef<AgentModel>('Agent').implement({
  description: 'A person who answers visitors in the inbox.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    workspace: t.field({
      type: Workspace,
      resolve: async (agent, _args, context) => {
        const workspace = await findWorkspace(context.db, agent.workspaceId);
        if (workspace === undefined) throw new Error('The agent’s workspace is gone.');
        return workspace;
      },
    }),
  }),
});

builder.queryField('me', (t) =>
  t.withAuth({ agent: true }).field({
    type: Agent,
    description: 'The signed-in agent.',
    resolve: async (_root, _args, context) => {
      const agent = await findAgent(context.db, context.principal.agentId);
      if (agent === undefined) throw new Error('The session’s agent is gone.');
      return agent;
    },
  }),
);

builder.queryField('agents', (t) =>
  t.withAuth({ workspace: true }).connection(
    {
      type: Agent,
      description:
        'The workspace’s agents, newest first: who a conversation can be assigned to. Pages forward with `first` and `after`, backward with `last` and `before`.',
      resolve: (_root, args, context) =>
        keysetPage(args, (window) =>
          listWorkspaceAgents(context.db, context.principal.workspaceId, window),
        ),
    },
    { name: 'AgentConnection' },
    { name: 'AgentEdge' },
  ),
);

const LoginPayload = builder.objectRef<Session>('LoginPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', {
      description:
        'The session token: send it as `Authorization: Bearer <token>` or as `{ authToken }` in connection_init. Shown once.',
    }),
    expiresAt: t.field({ type: 'DateTime', resolve: (session) => session.expiresAt }),
    agent: t.field({ type: Agent, resolve: (session) => session.agent }),
  }),
});

builder.mutationField('login', (t) =>
  t.field({
    type: LoginPayload,
    description:
      'Signs an agent in. A wrong password and an unknown email both answer UNAUTHENTICATED.',
    args: {
      email: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
    },
    resolve: async (_root, { email, password }, context) => {
      // Sizes first: no limit, hash or log ever sees an oversized argument.
      if (email.length > Limits.emailLength) {
        throw badUserInput(
          'email',
          `Email address is longer than ${Limits.emailLength} characters.`,
        );
      }
      await enforceRateLimit(
        context.rateLimits.loginsByIp,
        context.clientAddress,
        'Too many login attempts from this address; wait a moment.',
      );
      await enforceRateLimit(
        context.rateLimits.loginAttempts,
        email.trim().toLowerCase(),
        'Too many login attempts; wait a moment.',
      );
      return login(context.db, email, password);
    },
  }),
);

builder.mutationField('logout', (t) =>
  t.withAuth({ agent: true }).boolean({
    description:
      'Revokes the session token of this request; sockets opened with it are closed (4401).',
    resolve: async (_root, _args, context) => {
      const { sessionId } = context.principal;
      await logout(context.db, context.publisher, sessionId);
      return true;
    },
  }),
);
