import { isUuid } from '../../protocol/index.ts';
import type { DomainEventPublisher } from '../conversations/events.ts';
import type { Db } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { notFound } from '../errors.ts';
import {
  findContactIdByEmail,
  findContacts,
  lockContact,
  markContactSessionsEnded,
} from './contacts.ts';
import type { EmailAddress } from './identity-input.ts';
import {
  endContactVisitors,
  endVisitor,
  findVisitors,
  lockContactVisitors,
  lockVisitor,
  type VisitorRef,
} from './visitors.ts';

/**
 * Visitors were ended by an agent or the site's backend: every server instance closes their
 * open sockets (`4403`), as after a reset.
 */
export interface VisitorsEnded {
  readonly kind: 'visitors-ended';
  readonly visitorIds: readonly string[];
}

/** Whose sessions to end: a contact by id or by email (matched normalised). */
export type ContactSelector = { readonly contactId: string } | { readonly email: EmailAddress };

/**
 * Ends every visitor bound to the contact, on every device: their visitorIds can no longer
 * join, and their open sockets are closed once this commits. Identity tokens issued before
 * now no longer verify, so a token copied along with a visitorId dies with it. What they wrote
 * stays for the agents. A visitor that identifies as the contact afterwards, with a fresh
 * token or none, starts a new session. Returns how many visitors were ended; NOT_FOUND when
 * the workspace has no such contact.
 */
export async function endContactSessions(
  db: Db,
  publisher: DomainEventPublisher,
  workspaceId: string,
  selector: ContactSelector,
): Promise<number> {
  const contactId =
    'email' in selector
      ? await findContactIdByEmail(db, workspaceId, selector.email)
      : await findContactId(db, workspaceId, selector.contactId);
  if (contactId === undefined) throw notFound('contact');
  return runUnitOfWork(db, publisher, async (work) => {
    await lockContactVisitors(work.trx, workspaceId, contactId);
    await lockContact(work.trx, contactId);
    await markContactSessionsEnded(work.trx, contactId);
    const visitorIds = await endContactVisitors(work.trx, workspaceId, contactId);
    if (visitorIds.length > 0) work.record({ kind: 'visitors-ended', visitorIds });
    return visitorIds.length;
  });
}

/**
 * Ends one visitor of the workspace, as its own reset would: 1 when it was active, 0 when it
 * had ended already; NOT_FOUND when the workspace has no such visitor.
 */
export async function endVisitorSession(
  db: Db,
  publisher: DomainEventPublisher,
  workspaceId: string,
  visitorId: string,
): Promise<number> {
  const found = isUuid(visitorId) ? await findVisitors(db, workspaceId, [visitorId]) : null;
  if (!found?.has(visitorId)) throw notFound('visitor');
  return runUnitOfWork(db, publisher, async (work) => {
    await lockVisitor(work.trx, visitorId);
    const ended = await endVisitor(work.trx, { id: visitorId, workspaceId });
    if (ended) work.record({ kind: 'visitors-ended', visitorIds: [visitorId] });
    return ended ? 1 : 0;
  });
}

/**
 * Ends the joined visitor itself, on its own `reset`: its visitorId can no longer join, and
 * its open sockets are closed once this commits (the socket that asked, after its answer).
 */
export async function resetVisitor(
  db: Db,
  publisher: DomainEventPublisher,
  visitor: VisitorRef,
): Promise<void> {
  await runUnitOfWork(db, publisher, async (work) => {
    await lockVisitor(work.trx, visitor.id);
    if (await endVisitor(work.trx, visitor)) {
      work.record({ kind: 'visitors-ended', visitorIds: [visitor.id] });
    }
  });
}

/** The contact's id if the workspace has it; a malformed id is as unknown as any other. */
async function findContactId(
  db: Db,
  workspaceId: string,
  contactId: string,
): Promise<string | undefined> {
  if (!isUuid(contactId)) return undefined;
  return (await findContacts(db, workspaceId, [contactId])).get(contactId)?.id;
}
