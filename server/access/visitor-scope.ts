import type { VisitorModel } from '../identity/visitors.ts';

/**
 * The conversations a visitor may read. A visitor verified by an identity token sees the
 * conversations of its contact held by verified visitors (its own devices, from any browser),
 * until that token's `exp`; any other visitor sees only its own, even when it identified with
 * an email: an unsigned email proves nothing. So does a verified visitor once its token has
 * expired, until a fresh one extends its verification: a visitorId copied out of a browser
 * reads the contact's history for the token's lifetime at most. Conversations of unverified
 * visitors stay out of a verified history too, since anyone could have written them under
 * that email; a visitor that later verifies brings its conversations in.
 */
export type VisitorScope =
  | { readonly kind: 'visitor'; readonly visitorId: string }
  | {
      readonly kind: 'contact';
      readonly contactId: string;
      /** The verified visitor whose scope this is. */
      readonly visitorId: string;
      /** When the scope shrinks to the visitor's own, unless its verification was extended. */
      readonly verifiedUntil: Date;
    };

/** The one rule deciding a visitor's scope, as the visitor model was read. */
export function visitorScope(
  visitor: Pick<VisitorModel, 'id' | 'contactId' | 'identityVerified' | 'identityVerifiedUntil'>,
): VisitorScope {
  const { id, contactId, identityVerified, identityVerifiedUntil } = visitor;
  return identityVerified && contactId !== null && identityVerifiedUntil !== null
    ? { kind: 'contact', contactId, visitorId: id, verifiedUntil: identityVerifiedUntil }
    : ownScope(id);
}

/** The scope of a visitor that is not (or no longer) verified: its own conversations. */
export function ownScope(visitorId: string): VisitorScope {
  return { kind: 'visitor', visitorId };
}
