import { sql } from 'kysely';
import type { ContactRow, Executor } from '../db/database.ts';
import type { EmailAddress } from './identity-input.ts';

/**
 * Creates the contact of this email in the workspace, or updates it. Safe under concurrency:
 * racing callers with one email all get the same row and none gets an error.
 * A given `name` replaces the stored one; `null` keeps it. The stored display email is kept.
 */
export async function upsertContact(
  db: Executor,
  workspaceId: string,
  email: EmailAddress,
  name: string | null,
): Promise<ContactRow> {
  return db
    .insertInto('contacts')
    .values({
      workspace_id: workspaceId,
      email: email.display,
      email_normalized: email.normalized,
      name,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'email_normalized']).doUpdateSet({
        name: sql`coalesce(excluded.name, contacts.name)`,
        last_seen_at: sql`now()`,
        updated_at: sql`case when excluded.name is distinct from contacts.name and excluded.name is not null then now() else contacts.updated_at end`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findContact(
  db: Executor,
  workspaceId: string,
  contactId: string,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', contactId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}
