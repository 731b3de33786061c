import { sql } from 'kysely';
import type { ContactRow, Executor } from '../db/database.ts';
import type { EmailAddress } from './identity-input.ts';

/**
 * Creates the contact of this email in the workspace, or updates it. Safe under concurrency:
 * racing callers with one email all get the same row and none gets an error.
 * A given `name` replaces the stored one; `null` keeps it. The stored display email is kept.
 * With `vouch` (a verified identify or an integrator) the contact is marked verified; without
 * it, the name of a contact someone vouched for is never replaced.
 */
export async function upsertContact(
  db: Executor,
  workspaceId: string,
  email: EmailAddress,
  name: string | null,
  { vouch = false }: { vouch?: boolean } = {},
): Promise<ContactRow> {
  const newName = vouch
    ? sql<string | null>`coalesce(excluded.name, contacts.name)`
    : sql<
        string | null
      >`case when contacts.verified_at is null then coalesce(excluded.name, contacts.name) else contacts.name end`;
  return db
    .insertInto('contacts')
    .values({
      workspace_id: workspaceId,
      email: email.display,
      email_normalized: email.normalized,
      name,
      verified_at: vouch ? sql<Date>`now()` : null,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'email_normalized']).doUpdateSet({
        name: newName,
        last_seen_at: sql`now()`,
        updated_at: sql`case when ${newName} is distinct from contacts.name then now() else contacts.updated_at end`,
        verified_at: vouch ? sql`coalesce(contacts.verified_at, now())` : sql`contacts.verified_at`,
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
