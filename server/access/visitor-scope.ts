import type { VisitorModel } from '../identity/visitors.ts';

/**
 * The conversations a visitor may read. A visitor verified by an identity token sees the
 * conversations of its contact held by verified visitors (its own devices, from any browser);
 * any other visitor sees only its own, even when it identified with an email: an unsigned
 * email proves nothing. Conversations of unverified visitors stay out of a verified history
 * too, since anyone could have written them under that email; a visitor that later verifies
 * brings its conversations in.
 */
export type VisitorScope =
  | { readonly kind: 'visitor'; readonly visitorId: string }
  | { readonly kind: 'contact'; readonly contactId: string };

/** The one rule deciding a visitor's scope. */
export function visitorScope(
  visitor: Pick<VisitorModel, 'id' | 'contactId' | 'identityVerified'>,
): VisitorScope {
  return visitor.identityVerified && visitor.contactId !== null
    ? { kind: 'contact', contactId: visitor.contactId }
    : { kind: 'visitor', visitorId: visitor.id };
}
