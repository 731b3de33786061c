import { ownScope, type VisitorScope } from '../access/visitor-scope.ts';
import { isScopeConversation } from '../conversations/conversations.ts';
import type { MessageModel } from '../conversations/messages.ts';
import type { Executor } from '../db/database.ts';
import { findVerifiedUntil, isVerifiedAt } from '../identity/visitors.ts';
import { channels } from './channels.ts';
import type { PubSub } from './pubsub.ts';

/**
 * Follows a visitor's scope through a subscription: a verified scope holds until its
 * verification expires, then shrinks to the visitor's own conversations, unless a fresh token
 * extended the verification meanwhile (read again from the database once the known expiry has
 * passed). Every read of a live subscription, live or caught up, asks it first.
 */
export function trackScope(db: Executor, scope: VisitorScope): () => Promise<VisitorScope> {
  if (scope.kind === 'visitor') return async () => scope;
  const own = ownScope(scope.visitorId);
  let verifiedUntil: Date | null = scope.verifiedUntil;
  return async () => {
    if (isVerifiedAt(verifiedUntil)) return scope;
    verifiedUntil = await findVerifiedUntil(db, scope.visitorId);
    return isVerifiedAt(verifiedUntil) ? scope : own;
  };
}

/**
 * Listens to every new message of the scope, in publication order. A verified visitor
 * listens on its contact's channel, which also carries messages of the contact's unverified
 * visitors: those are dropped after a look-up (a conversation once visible stays visible,
 * so only visible ones are remembered). Each message is checked against `currentScope`: once
 * the verification has expired, only messages of the visitor's own conversations go through.
 */
export function listenToScope(
  db: Executor,
  pubsub: PubSub,
  scope: VisitorScope,
  onMessage: (message: MessageModel) => void,
  /** Told when a message could not be checked (the look-up failed) and was dropped. */
  onDropped: (error: unknown) => void,
  currentScope: () => Promise<VisitorScope> = trackScope(db, scope),
): () => void {
  if (scope.kind === 'visitor') {
    return pubsub.listen(channels.visitorMessages(scope.visitorId), onMessage);
  }
  const visible = new Set<string>();
  let delivered = Promise.resolve();
  const admit = async (message: MessageModel): Promise<boolean> => {
    const current = await currentScope();
    if (current !== scope) {
      visible.clear();
      return isScopeConversation(db, current, message.conversationId);
    }
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
      .catch(onDropped);
  });
}
