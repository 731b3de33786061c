import { ownScope, type VisitorScope } from '../access/visitor-scope.ts';
import { isScopeConversation } from '../conversations/conversations.ts';
import type { MessageModel } from '../conversations/messages.ts';
import type { Executor } from '../db/database.ts';
import { findVerifiedUntil, isVerifiedAt } from '../identity/visitors.ts';
import { channels } from './channels.ts';
import type { PubSub } from './pubsub.ts';

/**
 * Listens to every new message of the scope, in publication order. A verified visitor
 * listens on its contact's channel, which also carries messages of the contact's unverified
 * visitors: those are dropped after a look-up (a conversation once visible stays visible,
 * so only visible ones are remembered). Once the scope's verification has expired, each
 * message is checked afresh: if the visitor presented no fresh token meanwhile, only messages
 * of its own conversations still go through.
 */
export function listenToScope(
  db: Executor,
  pubsub: PubSub,
  scope: VisitorScope,
  onMessage: (message: MessageModel) => void,
): () => void {
  if (scope.kind === 'visitor') {
    return pubsub.listen(channels.visitorMessages(scope.visitorId), onMessage);
  }
  const visible = new Set<string>();
  let verifiedUntil: Date | null = scope.verifiedUntil;
  let delivered = Promise.resolve();
  /** The scope that holds now: the contact's while verified, else the visitor's own. */
  const currentScope = async (): Promise<VisitorScope> => {
    if (isVerifiedAt(verifiedUntil)) return scope;
    // Read again: a fresh verified identify may have extended the verification.
    verifiedUntil = await findVerifiedUntil(db, scope.visitorId);
    if (isVerifiedAt(verifiedUntil)) return scope;
    visible.clear();
    return ownScope(scope.visitorId);
  };
  const admit = async (message: MessageModel): Promise<boolean> => {
    const current = await currentScope();
    if (current !== scope) return isScopeConversation(db, current, message.conversationId);
    if (visible.has(message.conversationId)) return true;
    const found = await isScopeConversation(db, scope, message.conversationId);
    if (found) visible.add(message.conversationId);
    return found;
  };
  return pubsub.listen(channels.contactMessages(scope.contactId), (message) => {
    // Chained, so a look-up never lets a later message overtake an earlier one.
    delivered = delivered
      .then(async () => {
        if (await admit(message)) onMessage(message);
      })
      .catch((error: unknown) => console.error('Dropped a message for a verified visitor:', error));
  });
}
