import SchemaBuilder from '@pothos/core';
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
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
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
