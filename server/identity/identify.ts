import { sql } from 'kysely';
import type { ContactRow, Db, Transaction, VisitorRow } from '../db/database.ts';
import { ErrorCode, SonnyError } from '../graphql/errors.ts';
import { upsertContact } from './contacts.ts';
import type { EmailAddress } from './identity-input.ts';
import { requireActiveVisitor, type VisitorRef } from './visitors.ts';

export interface Identity {
  readonly email: EmailAddress;
  readonly name: string | null;
}

export interface IdentifyResult {
  readonly contact: ContactRow;
  readonly visitor: VisitorRow;
  /** How many of this visitor's conversations this call linked to the contact. */
  readonly linkedConversationCount: number;
}

/** {@link identifyVisitorIn} in a transaction of its own. */
export async function identifyVisitor(
  db: Db,
  visitor: VisitorRef,
  identity: Identity,
): Promise<IdentifyResult> {
  return db.transaction().execute((trx) => identifyVisitorIn(trx, visitor, identity));
}

/**
 * Binds the visitor to the contact of this email, creating or updating the contact, and links
 * the visitor's conversations that have no contact yet. Idempotent for the same email.
 * A visitor bound to another contact gets IDENTITY_CONFLICT: a shared browser must reset
 * before a second person identifies, or they would see the first one's conversations.
 * Runs inside `trx`: on any error the caller's transaction rolls everything back.
 */
export async function identifyVisitorIn(
  trx: Transaction,
  visitor: VisitorRef,
  identity: Identity,
): Promise<IdentifyResult> {
  const current = await requireActiveVisitor(trx, visitor, { forUpdate: true });
  if (current.contact_id !== null) {
    const bound = await trx
      .selectFrom('contacts')
      .select('email_normalized')
      .where('id', '=', current.contact_id)
      .executeTakeFirstOrThrow();
    if (bound.email_normalized !== identity.email.normalized) {
      throw new SonnyError(
        ErrorCode.IDENTITY_CONFLICT,
        'This visitor is already identified as someone else. Reset the visitor before identifying a different person.',
      );
    }
  }

  const contact = await upsertContact(trx, visitor.workspaceId, identity.email, identity.name);
  const bound = await trx
    .updateTable('visitors')
    .set({ contact_id: contact.id, identified_at: sql`coalesce(identified_at, now())` })
    .where('id', '=', visitor.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const linked = await trx
    .updateTable('conversations')
    .set({ contact_id: contact.id })
    .where('visitor_id', '=', visitor.id)
    .where('contact_id', 'is', null)
    .executeTakeFirst();
  return { contact, visitor: bound, linkedConversationCount: Number(linked.numUpdatedRows) };
}
