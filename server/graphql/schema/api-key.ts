import { isUuid } from '../../../protocol/index.ts';
import {
  type ApiKeyModel,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from '../../access/api-keys.ts';
import { notFound } from '../../errors.ts';
import { builder } from '../builder.ts';

export const ApiKey = builder.objectRef<ApiKeyModel>('ApiKey').implement({
  description: 'A secret key for server-to-server calls. Only its prefix is ever shown again.',
  fields: (t) => ({
    id: t.exposeID('id'),
    prefix: t.exposeString('prefix', { description: 'The first characters, to recognise it.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (key) => key.createdAt }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.lastUsedAt }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.revokedAt }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.withAuth({ agent: true }).field({
    type: [ApiKey],
    description: 'The workspace’s API keys, newest first, revoked ones included.',
    resolve: (_root, _args, context) => listApiKeys(context.db, context.principal.workspaceId),
  }),
);

const CreateApiKeyPayload = builder
  .objectRef<{ apiKey: ApiKeyModel; secret: string }>('CreateApiKeyPayload')
  .implement({
    fields: (t) => ({
      apiKey: t.field({ type: ApiKey, resolve: (payload) => payload.apiKey }),
      secret: t.exposeString('secret', {
        description: 'The key itself. Shown once: Sonny stores only its digest.',
      }),
    }),
  });

builder.mutationField('createApiKey', (t) =>
  t.withAuth({ agent: true }).field({
    type: CreateApiKeyPayload,
    resolve: (_root, _args, context) => createApiKey(context.db, context.principal.workspaceId),
  }),
);

builder.mutationField('revokeApiKey', (t) =>
  t.withAuth({ agent: true }).field({
    type: ApiKey,
    description: 'Revokes a key at once: the next request with it is refused.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      const revoked = isUuid(id)
        ? await revokeApiKey(context.db, context.principal.workspaceId, id)
        : undefined;
      if (revoked === undefined) throw notFound('API key');
      return revoked;
    },
  }),
);
