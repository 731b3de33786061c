import {
  findVisitorMessageSeq,
  listVisitorMessagesAfter,
  type MessageModel,
} from '../../conversations/messages.ts';
import type { Db } from '../../db/database.ts';
import { requireActiveVisitor } from '../../identity/visitors.ts';
import { isUuid } from '../../protocol.ts';
import { channels } from '../../realtime/channels.ts';
import { replayThenLive } from '../../realtime/replay.ts';
import { builder } from '../builder.ts';
import { badUserInput } from '../errors.ts';
import { Message } from './message.ts';

interface MessageAddedEvent {
  readonly kind: 'messageAdded';
  readonly message: MessageModel;
}

const VisitorMessageAdded = builder.objectRef<MessageAddedEvent>('VisitorMessageAdded').implement({
  description: 'A message was added to one of the visitor’s conversations, by either side.',
  fields: (t) => ({
    message: t.field({ type: Message, resolve: (event) => event.message }),
  }),
});

const VisitorEvent = builder.unionType('VisitorEvent', {
  types: [VisitorMessageAdded],
  resolveType: () => VisitorMessageAdded,
});

builder.subscriptionField('visitorEvents', (t) =>
  t.withAuth({ visitor: true }).field({
    type: VisitorEvent,
    description:
      'New messages in this visitor’s conversations. With `after` (a message id), first replays every later message, then goes live: a reconnecting widget loses nothing.',
    args: { after: t.arg.id({ required: false }) },
    subscribe: async (_root, { after }, context) => {
      const { db, pubsub } = context;
      const visitor = context.visitorSession.visitor;
      await requireActiveVisitor(db, visitor);
      const afterSeq = after ? await seqOfVisitorMessage(db, visitor.id, after) : null;
      return replayThenLive<MessageModel>({
        listen: (onMessage) => pubsub.listen(channels.visitorMessages(visitor.id), onMessage),
        // Without `after` there is no backlog: the subscription starts now.
        loadBacklog: async () =>
          afterSeq === null ? [] : listVisitorMessagesAfter(db, visitor.id, afterSeq),
        key: (message) => message.id,
      });
    },
    resolve: (message): MessageAddedEvent => ({ kind: 'messageAdded', message }),
  }),
);

async function seqOfVisitorMessage(db: Db, visitorId: string, messageId: string): Promise<string> {
  const seq = isUuid(messageId) ? await findVisitorMessageSeq(db, visitorId, messageId) : undefined;
  if (seq === undefined) {
    throw badUserInput(
      'after',
      'after must be the id of a message in this visitor’s conversations.',
    );
  }
  return seq;
}
