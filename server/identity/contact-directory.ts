import { sql } from 'kysely';
import type { ContactRow, Executor } from '../db/database.ts';
import { type KeysetWindow, microsOf, type Positioned, readWindow } from '../db/keyset.ts';
import { toVisitor, type VisitorModel } from './visitors.ts';

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

function visitorsWithContacts(db: Executor) {
  return db
    .selectFrom('visitors')
    .leftJoin('contacts', 'contacts.id', 'visitors.contact_id')
    .select([
      'visitors.id',
      'visitors.workspace_id',
      'visitors.contact_id',
      'visitors.identity_verified',
      'visitors.created_at',
      'contacts.email',
      'contacts.name',
    ]);
}

type VisitorWithContact = Awaited<
  ReturnType<ReturnType<typeof visitorsWithContacts>['execute']>
>[number];

function toVisitorWithContact(row: VisitorWithContact): VisitorModel {
  return toVisitor(row, row.email === null ? null : { email: row.email, name: row.name });
}

/** The workspace's visitors with these ids (ended ones too), by id. */
export async function findVisitors(
  db: Executor,
  workspaceId: string,
  visitorIds: readonly string[],
): Promise<Map<string, VisitorModel>> {
  if (visitorIds.length === 0) return new Map();
  const rows = await visitorsWithContacts(db)
    .where('visitors.workspace_id', '=', workspaceId)
    .where('visitors.id', 'in', visitorIds)
    .execute();
  return new Map(rows.map((row) => [row.id, toVisitorWithContact(row)]));
}

/** The visitors bound to each contact, newest first, by contact id. */
export async function listContactsVisitors(
  db: Executor,
  contactIds: readonly string[],
): Promise<Map<string, VisitorModel[]>> {
  const byContact = new Map<string, VisitorModel[]>();
  if (contactIds.length === 0) return byContact;
  const rows = await visitorsWithContacts(db)
    .where('visitors.contact_id', 'in', contactIds)
    .orderBy('visitors.created_at', 'desc')
    .orderBy('visitors.id', 'desc')
    .execute();
  for (const row of rows) {
    if (row.contact_id === null) continue;
    const list = byContact.get(row.contact_id) ?? [];
    list.push(toVisitorWithContact(row));
    byContact.set(row.contact_id, list);
  }
  return byContact;
}
