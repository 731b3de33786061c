import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { ErrorCode } from '../../protocol/index.ts';
import { SonnyError } from '../errors.ts';
import type {
  AgentContext,
  ApiKeyContext,
  Context,
  VisitorContext,
  WorkspaceContext,
} from './context.ts';
import { PAGE_SIZE } from './pagination.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { visitor: boolean; workspace: boolean; agent: boolean; apiKey: boolean };
  AuthContexts: {
    visitor: VisitorContext;
    workspace: WorkspaceContext;
    agent: AgentContext;
    apiKey: ApiKeyContext;
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [RelayPlugin, ScopeAuthPlugin],
  defaultFieldNullability: false,
  relay: {
    // Connections only: ids stay the rows' own, so no Node interface and no node(s) queries.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    pageInfoTypeOptions: {
      description:
        'Where a page of a connection starts and ends, and whether more edges lie beyond.',
    },
    hasNextPageFieldOptions: {
      description:
        'Paging forward (`first`): whether edges follow this page. False paging backward.',
    },
    hasPreviousPageFieldOptions: {
      description:
        'Paging backward (`last`): whether edges precede this page. False paging forward.',
    },
    startCursorFieldOptions: {
      description: 'Pass as `before` for the page before; null on an empty page.',
    },
    endCursorFieldOptions: {
      description: 'Pass as `after` for the next page; null on an empty page.',
    },
    firstArgOptions: {
      description: `The first 1 to ${PAGE_SIZE.max} edges; ${PAGE_SIZE.default} when neither \`first\` nor \`last\` is given.`,
    },
    lastArgOptions: { description: `The last 1 to ${PAGE_SIZE.max} edges; not with \`first\`.` },
    afterArgOptions: { description: 'Only edges after this cursor.' },
    beforeArgOptions: { description: 'Only edges before this cursor.' },
  },
  scopeAuth: {
    // Check subscriptions when they start, not only per event: a refused caller must never
    // get a live stream (or reach the subscribe function without the context it needs).
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      visitor: context.visitorSession !== null,
      workspace: context.principal !== null,
      agent: context.principal?.kind === 'agent',
      apiKey: context.principal?.kind === 'apiKey',
    }),
    unauthorizedError: (_parent, context) => refusal(context),
  },
});

/** Why a field was refused: no credential, a dead one, or one of the wrong kind. */
function refusal(context: Context): SonnyError {
  if (context.rejectedToken) {
    return new SonnyError(
      ErrorCode.UNAUTHENTICATED,
      'The API key or session token is unknown, revoked or expired.',
    );
  }
  if (context.principal !== null || context.visitorSession !== null) {
    return new SonnyError(ErrorCode.FORBIDDEN, 'This credential may not perform this operation.');
  }
  return new SonnyError(
    ErrorCode.UNAUTHENTICATED,
    'This operation needs a credential: a joined visitor socket, an agent session token or an API key.',
  );
}
