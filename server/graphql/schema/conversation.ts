import type { ConversationModel } from '../../conversations/conversations.ts';
import { listMessages } from '../../conversations/messages.ts';
import { builder } from '../builder.ts';
import { Message } from './message.ts';

export const ConversationStatus = builder.enumType('ConversationStatus', {
  values: {
    OPEN: { value: 'open' },
    CLOSED: { value: 'closed' },
  } as const,
});

export const Conversation = builder.objectRef<ConversationModel>('Conversation').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: ConversationStatus, resolve: (conversation) => conversation.status }),
    createdAt: t.field({ type: 'DateTime', resolve: (conversation) => conversation.createdAt }),
    lastActivityAt: t.field({
      type: 'DateTime',
      resolve: (conversation) => conversation.lastActivityAt,
    }),
    identityVerified: t.boolean({
      description:
        'Whether the visitor of this conversation identified with a valid identity token.',
      resolve: async (conversation, _args, context) => {
        const visitor = await context.db
          .selectFrom('visitors')
          .select('identity_verified')
          .where('id', '=', conversation.visitorId)
          .executeTakeFirstOrThrow();
        return visitor.identity_verified;
      },
    }),
    messages: t.field({
      type: [Message],
      description: 'Every message of the conversation, oldest first.',
      resolve: (conversation, _args, context) => listMessages(context.db, [conversation.id]),
    }),
  }),
});
