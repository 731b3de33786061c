import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { Context, VisitorContext } from './context.ts';
import { ErrorCode, SonnyError } from './errors.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { visitor: boolean };
  AuthContexts: { visitor: VisitorContext };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({ visitor: context.visitorSession !== null }),
    unauthorizedError: () =>
      new SonnyError(
        ErrorCode.UNAUTHENTICATED,
        'This operation needs a joined visitor: connect over WebSocket with a join payload.',
      ),
  },
});
