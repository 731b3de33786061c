// Owns the table `contacts`: every read and write of it is here.
import { type Expression, type Kysely, sql } from 'kysely';
import type { ContactRow, Database, Executor, Transaction } from '../db/database.ts';
import { type KeysetWindow, microsOf, type Positioned, readWindow } from '../db/keyset.ts';
import { type Arguments, prepared } from '../db/prepared.ts';
import type { EmailAddress } from './identity-input.ts';

/** What {@link contactUpsert} writes: a contact's key, given name, and whether it is vouched. */
export interface ContactUpsert {
  readonly workspaceId: string;
  /** The email as given, stored only when the contact is created. */
  readonly email: string;
  readonly emailNormalized: string;
  readonly name: string | null;
  readonly vouch: boolean;
}

/**
 * What an identify changes on a contact that exists: the name this identify gives (`given`;
 * null keeps the stored one, and only a vouching identify renames a vouched contact), its
 * last visit, and with `vouch` when it was first vouched for.
 */
function contactRenewal(given: Expression<string | null>, vouch: Expression<boolean>) {
  const name = sql<
    string | null
  >`case when ${vouch} or contacts.verified_at is null then coalesce(${given}, contacts.name) else contacts.name end`;
  return {
    name,
    last_seen_at: sql<Date>`now()`,
    updated_at: sql<Date>`case when ${name} is distinct from contacts.name then now() else contacts.updated_at end`,
    verified_at: sql<Date | null>`case when ${vouch} then coalesce(contacts.verified_at, now()) else contacts.verified_at end`,
  };
}

/**
 * The upsert of {@link upsertContact}, as a statement to run or to continue with (the join's
 * identify binds its visitor in the same statement). Returns the contact as it is now, with
 * `created` when this statement inserted it.
 */
export function contactUpsert(db: Kysely<Database>, args: Arguments<ContactUpsert>) {
  return (
    db
      .insertInto('contacts')
      .values({
        workspace_id: args.workspaceId,
        email: args.email,
        email_normalized: args.emailNormalized,
        name: args.name,
        verified_at: sql<Date | null>`case when ${args.vouch} then now() end`,
      })
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'email_normalized'])
          .doUpdateSet(contactRenewal(sql`excluded.name`, args.vouch)),
      )
      .returningAll()
      // xmax is 0 on a row this statement inserted, set on one it updated.
      .returning(sql<boolean>`xmax = 0`.as('created'))
  );
}

/**
 * The contact's renewal by an identify without a token, as {@link contactUpsert} renews a
 * contact that exists: for a statement that knows the contact's id already.
 */
export function unverifiedContactRenewal(
  db: Kysely<Database>,
  args: Arguments<{ contactId: string; name: string | null }>,
) {
  return db
    .updateTable('contacts')
    .set(contactRenewal(args.name, sql.lit(false)))
    .where('id', '=', args.contactId)
    .returning('id');
}

const upsertContactStatement = prepared('sonny_upsert_contact', contactUpsert);

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
): Promise<ContactRow & { readonly created: boolean }> {
  return upsertContactStatement.one(db, {
    workspaceId,
    email: email.display,
    emailNormalized: email.normalized,
    name,
    vouch,
  });
}

/** The longest contact search: an email address's maximum length. */
export const MAX_CONTACT_SEARCH_LENGTH = 254;

/**
 * The LIKE pattern of a contact search: the term, trimmed, NFC-normalised and lower-cased,
 * with LIKE's own characters (`%`, `_` and the escape `\`) escaped, as a prefix. Null for a
 * blank term, which searches nothing.
 */
export function contactSearchPattern(search: string | null): string | null {
  const term = search?.trim().normalize('NFC').toLowerCase() ?? '';
  if (term === '') return null;
  return `${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * The workspace's contacts in the window of the list newest first (id breaks ties), as the
 * window reads them; with a search pattern only those whose email or name starts with it,
 * ignoring case.
 */
export async function listWorkspaceContacts(
  db: Executor,
  workspaceId: string,
  options: { pattern: string | null; window: KeysetWindow },
): Promise<Array<Positioned<ContactRow>>> {
  let query = db
    .selectFrom('contacts')
    .selectAll()
    .select(microsOf('created_at').as('position_micros'))
    .where('workspace_id', '=', workspaceId);
  const { pattern } = options;
  if (pattern !== null) {
    // email_normalized is lower-cased already; lower() on both sides keeps the fold the same.
    query = query.where(
      sql<boolean>`(lower(email_normalized) like lower(${pattern}) escape '\\' or lower(name) like lower(${pattern}) escape '\\')`,
    );
  }
  const rows = await readWindow(query, 'created_at', 'id', options.window).execute();
  return rows.map(({ position_micros, ...row }) => ({
    row,
    position: { micros: position_micros, id: row.id },
  }));
}

/** The workspace's contacts with these ids, by id. */
export async function findContacts(
  db: Executor,
  workspaceId: string,
  contactIds: readonly string[],
): Promise<Map<string, ContactRow>> {
  if (contactIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', contactIds)
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** The id of the workspace's contact with this email (matched normalised), if there is one. */
export async function findContactIdByEmail(
  db: Executor,
  workspaceId: string,
  email: EmailAddress,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('email_normalized', '=', email.normalized)
    .executeTakeFirst();
  return row?.id;
}

/**
 * Marks the contact's sessions ended now: identity tokens issued before this second no longer
 * verify (see {@link tokenPredatesEndedSessions}).
 */
export async function markContactSessionsEnded(trx: Transaction, contactId: string): Promise<void> {
  await trx
    .updateTable('contacts')
    .set({ sessions_ended_at: sql`now()` })
    .where('id', '=', contactId)
    .execute();
}

/**
 * Whether a token issued at `issuedAt` (its `iat`) predates the contact's ended sessions, and
 * so may have been copied along with one of them. `iat` counts whole seconds: a token of the
 * very second the sessions ended passes, so a page that re-renders at once with a fresh token
 * works.
 */
export function tokenPredatesEndedSessions(
  issuedAt: Date,
  contact: Pick<ContactRow, 'sessions_ended_at'>,
): boolean {
  const ended = contact.sessions_ended_at;
  return ended !== null && issuedAt.getTime() < Math.floor(ended.getTime() / 1000) * 1000;
}

/**
 * Locks the contact's row until the transaction ends. Writers of messages into the contact's
 * conversations take it, because its verified visitors replay them by seq across all its
 * visitors: serialising the contact's writes makes seq order equal commit order there too.
 */
export async function lockContact(trx: Transaction, contactId: string): Promise<void> {
  await trx.selectFrom('contacts').select('id').where('id', '=', contactId).forUpdate().execute();
}
