import { isUuid } from '../../../protocol/index.ts';
import { type VisitorScope, visitorScope } from '../../access/visitor-scope.ts';
import {
  findScopeMessageSeq,
  listScopeMessagesAfter,
  type MessageModel,
  newestScopeMessageSeq,
} from '../../conversations/messages.ts';
import type { Db } from '../../db/database.ts';
import { badUserInput } from '../../errors.ts';
import { loadVisitor } from '../../identity/visitors.ts';
import { replayThenLive } from '../../realtime/replay.ts';
import { listenToScope, trackScope } from '../../realtime/scope-messages.ts';
import { builder } from '../builder.ts';
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
      'New messages in this visitor’s conversations, and for a verified visitor in the conversations of its contact’s verified visitors (its other devices). With `after` (a message id), first replays every later message, then goes live: a reconnecting widget loses nothing. The scope is fixed when the subscription starts (subscribe again after a verified identifyVisitor), except that it shrinks to the visitor’s own conversations once its verification expires.',
    args: { after: t.arg.id({ required: false }) },
    subscribe: async (_root, { after }, context) => {
      const { db, pubsub } = context;
      const scope = visitorScope(await loadVisitor(db, context.visitorSession.visitor));
      // Live and caught-up reads alike narrow once a verification expires.
      const currentScope = trackScope(db, scope);
      return replayThenLive<MessageModel>({
        listen: (onMessage) =>
          listenToScope(
            db,
            pubsub,
            scope,
            onMessage,
            (error) =>
              context.log.error({ err: error }, 'Dropped a message for a verified visitor'),
            currentScope,
          ),
        onResumed: (listener) => pubsub.onResumed(listener),
        after: after ? await seqOfVisibleMessage(db, scope, after) : null,
        newestPosition: () => newestScopeMessageSeq(db, scope),
        loadAfter: async (seq) => listScopeMessagesAfter(db, await currentScope(), seq),
        key: (message) => message.id,
        position: (message) => message.seq,
        onError: (message, error) => context.log.error({ err: error }, message),
      });
    },
    resolve: (message): MessageAddedEvent => ({ kind: 'messageAdded', message }),
  }),
);

async function seqOfVisibleMessage(
  db: Db,
  scope: VisitorScope,
  messageId: string,
): Promise<string> {
  const seq = isUuid(messageId) ? await findScopeMessageSeq(db, scope, messageId) : undefined;
  if (seq === undefined) {
    throw badUserInput(
      'after',
      'after must be the id of a message in this visitor’s conversations.',
    );
  }
  return seq;
}
