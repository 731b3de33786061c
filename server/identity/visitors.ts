// Owns the table `visitors`: every read and write of it is here. Its reads join `contacts`
// for the email and name a visitor identified with.
import { type Kysely, sql } from 'kysely';
import { ErrorCode } from '../../protocol/index.ts';
import { originKey } from '../access/allowed-origins.ts';
import { secretDigest } from '../access/secrets.ts';
import { joiningWorkspace } from '../access/workspaces.ts';
import type { Database, Executor, Transaction, VisitorRow, WorkspaceRow } from '../db/database.ts';
import { type KeysetWindow, microsOf, type Positioned, readWindow } from '../db/keyset.ts';
import { type Arguments, prepared } from '../db/prepared.ts';
import { SonnyError } from '../errors.ts';

/** A joined visitor as the server knows it: never the visitorId credential itself. */
export interface VisitorRef {
  readonly id: string;
  readonly workspaceId: string;
}

/**
 * A visitor as an identify finds it, its row locked until the transaction ends: the row as it
 * is now, and the key of the contact it is bound to.
 */
export type IdentifyingVisitor = VisitorRow & {
  /**
   * The `email_normalized` of its contact. Null when it is bound to none, and also when it was
   * bound, while this statement waited for the lock, to a contact created after the statement
   * began (which it cannot see): read that contact again.
   */
  readonly bound_email_normalized: string | null;
};

const upsertJoiningVisitorStatement = prepared(
  'sonny_upsert_joining_visitor',
  (db, args: Arguments<{ workspaceId: string; credentialHash: string }>) =>
    db
      .with('visitor', () =>
        db
          .insertInto('visitors')
          .values({ workspace_id: args.workspaceId, credential_hash: args.credentialHash })
          .onConflict((oc) =>
            oc
              .columns(['workspace_id', 'credential_hash'])
              .doUpdateSet({ last_seen_at: sql`now()` }),
          )
          .returningAll()
          // xmax is 0 on a row this statement inserted, set on one it updated.
          .returning(sql<boolean>`xmax = 0`.as('created')),
      )
      .selectFrom('visitor')
      .leftJoin('contacts', 'contacts.id', 'visitor.contact_id')
      .selectAll('visitor')
      .select('contacts.email_normalized as bound_email_normalized'),
);

/**
 * Creates the visitor of this credential, or resumes it (touching `last_seen_at`), and holds
 * its row's lock until the transaction ends, as {@link lockVisitorForIdentify} does. Returns
 * the row as it is now, `ended_at` included, so the caller can refuse a reset visitor.
 */
export async function upsertJoiningVisitor(
  trx: Transaction,
  workspaceId: string,
  visitorCredential: string,
): Promise<IdentifyingVisitor & { readonly created: boolean }> {
  return upsertJoiningVisitorStatement.one(trx, {
    workspaceId,
    credentialHash: credentialHashOf(visitorCredential),
  });
}

/** Where a join comes from: the site it names, its page's `Origin`, its visitorId. */
export interface JoinStart {
  readonly siteId: string;
  readonly origin: string | null;
  readonly visitorCredential: string;
}

/** What a join's first statement found: the workspace, and the visitor if it resumed it. */
export interface ResumedJoin {
  /** The workspace of the siteId; undefined for an unknown one. */
  readonly workspace: WorkspaceRow | undefined;
  /** The visitor, resumed; null when the statement wrote nothing. */
  readonly visitor: VisitorRef | null;
}

/** The arguments of a statement that reads a join's workspace and resumes its visitor. */
export interface ResumeArguments {
  readonly siteId: string;
  readonly originKey: string | null;
  readonly credentialHash: string;
}

/** A {@link JoinStart} as a resuming statement takes it. */
export function resumeArguments(start: JoinStart): ResumeArguments {
  return {
    siteId: start.siteId,
    originKey: originKey(start.origin),
    credentialHash: credentialHashOf(start.visitorCredential),
  };
}

/** The {@link ResumedJoin} of a resuming statement's row. */
export function resumedJoin(
  row:
    | (WorkspaceRow & { readonly admits: boolean; readonly visitor_id: string | null })
    | undefined,
): ResumedJoin {
  if (row === undefined) return { workspace: undefined, visitor: null };
  const { admits: _admits, visitor_id, ...workspace } = row;
  return {
    workspace,
    visitor: visitor_id === null ? null : { id: visitor_id, workspaceId: workspace.id },
  };
}

const resumeVisitorStatement = prepared(
  'sonny_resume_visitor',
  (db, args: Arguments<ResumeArguments>) =>
    db
      .with('workspace', () => joiningWorkspace(db, args))
      .with('resumed', (qc) =>
        db
          .updateTable('visitors')
          .set({ last_seen_at: sql`now()` })
          .where(
            'workspace_id',
            '=',
            qc.selectFrom('workspace').select('id').where('admits', '=', true).$asScalar(),
          )
          .where('credential_hash', '=', args.credentialHash)
          .where('ended_at', 'is', null)
          .returning('id'),
      )
      .selectFrom('workspace')
      .leftJoin('resumed', (join) => join.onTrue())
      .selectAll('workspace')
      .select('resumed.id as visitor_id'),
);

/**
 * Reads the join's workspace and, when it admits the page, resumes the active visitor of the
 * credential, touching `last_seen_at` as {@link upsertJoiningVisitor} does: one statement,
 * for a join with nothing to decide. No visitor when there is none to resume (a new one, or
 * an ended one) or the page may not join; then nothing was written.
 */
export async function resumeVisitor(db: Executor, start: JoinStart): Promise<ResumedJoin> {
  return resumedJoin(await resumeVisitorStatement.first(db, resumeArguments(start)));
}

const lockVisitorForIdentifyStatement = prepared(
  'sonny_lock_visitor_for_identify',
  (db, args: Arguments<VisitorRef>) =>
    db
      .selectFrom('visitors')
      .leftJoin('contacts', 'contacts.id', 'visitors.contact_id')
      .selectAll('visitors')
      .select('contacts.email_normalized as bound_email_normalized')
      .where('visitors.id', '=', args.id)
      .where('visitors.workspace_id', '=', args.workspaceId)
      .where('visitors.ended_at', 'is', null)
      .forUpdate('visitors'),
);

/**
 * Loads the visitor for an identify if it still may act, locking its row (see
 * {@link requireActiveVisitor}).
 */
export async function lockVisitorForIdentify(
  trx: Transaction,
  visitor: VisitorRef,
): Promise<IdentifyingVisitor> {
  const row = await lockVisitorForIdentifyStatement.first(trx, visitor);
  if (row === undefined) throw visitorWasReset();
  return row;
}

function visitorWasReset(): SonnyError {
  return new SonnyError(ErrorCode.UNAUTHENTICATED, 'This visitor was reset; join again.');
}

/**
 * Loads the visitor if it still may act, locking its row when `forUpdate` is set.
 * Every write touching a visitor's conversations takes this lock first, which serialises
 * them: message order then equals commit order, and `visitorEvents(after)` misses nothing.
 */
export async function requireActiveVisitor(
  db: Executor,
  visitor: VisitorRef,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<VisitorRow> {
  let query = db
    .selectFrom('visitors')
    .selectAll()
    .where('id', '=', visitor.id)
    .where('workspace_id', '=', visitor.workspaceId)
    .where('ended_at', 'is', null);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row === undefined) throw visitorWasReset();
  return row;
}

/**
 * Locks the visitor's row until the transaction ends: every write touching its conversations
 * takes this lock first (see {@link requireActiveVisitor}).
 */
export async function lockVisitor(trx: Transaction, visitorId: string): Promise<void> {
  await trx.selectFrom('visitors').select('id').where('id', '=', visitorId).forUpdate().execute();
}

/** What {@link visitorBinding} writes. */
export interface VisitorBinding {
  readonly visitorId: string;
  readonly contactId: string;
  /** Whether this identify was verified: the visitor stays verified once any identify was. */
  readonly verified: boolean;
  /** The `exp` of the token this identify presented; null for an unverified identify. */
  readonly verifiedUntil: Date | null;
  /** The email as this identify gave it. */
  readonly givenEmail: string;
  /** The name this identify gave; null keeps the one given before. */
  readonly givenName: string | null;
}

/**
 * Binds the visitor to its contact, marking when it first identified and last visited, and
 * what it gave (the email as given, and the name unless none was given this time); a token's
 * `verifiedUntil` extends its verification to then, never shortens it (`greatest` ignores a
 * null). Returns the row as it is now. A statement to continue with: an identify runs it with
 * its contact's upsert. The caller holds the visitor's lock.
 */
export function visitorBinding(db: Kysely<Database>, args: Arguments<VisitorBinding>) {
  return db
    .updateTable('visitors')
    .set({
      contact_id: args.contactId,
      identified_at: sql`coalesce(identified_at, now())`,
      last_seen_at: sql`now()`,
      identity_verified: sql<boolean>`identity_verified or ${args.verified}`,
      identity_verified_until: sql<Date | null>`greatest(identity_verified_until, ${args.verifiedUntil}::timestamptz)`,
      given_email: args.givenEmail,
      given_name: sql<string | null>`coalesce(${args.givenName}::text, visitors.given_name)`,
    })
    .where('id', '=', args.visitorId)
    .returningAll();
}

/**
 * The active visitor of this credential, if it is bound to the contact of this email key,
 * locked until the transaction ends: a join whose identify only repeats the one before.
 */
export function boundVisitorLock(
  db: Kysely<Database>,
  args: Arguments<{ workspaceId: string; credentialHash: string; emailNormalized: string }>,
) {
  return db
    .selectFrom('visitors')
    .innerJoin('contacts', 'contacts.id', 'visitors.contact_id')
    .select(['visitors.id', 'contacts.id as contact_id'])
    .where('visitors.workspace_id', '=', args.workspaceId)
    .where('visitors.credential_hash', '=', args.credentialHash)
    .where('visitors.ended_at', 'is', null)
    .where('contacts.email_normalized', '=', args.emailNormalized)
    .forUpdate('visitors');
}

/** How a visitorId is stored: its digest, so the table never holds the credential itself. */
export function credentialHashOf(visitorCredential: string): string {
  return secretDigest(visitorCredential.toLowerCase());
}

/**
 * Whether a verification lasting until `verifiedUntil` holds at `now`. Past it the visitor is
 * treated as unverified until it presents a fresh token.
 */
export function isVerifiedAt(verifiedUntil: Date | null, now: Date = new Date()): boolean {
  return verifiedUntil !== null && verifiedUntil.getTime() > now.getTime();
}

/** Until when the visitor's verification holds as stored now; null if it never verified. */
export async function findVerifiedUntil(db: Executor, visitorId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('visitors')
    .select('identity_verified_until')
    .where('id', '=', visitorId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return row?.identity_verified_until ?? null;
}

/** Ends the visitor: its credential can no longer join. Its data stays for the agents. */
export async function endVisitor(db: Executor, visitor: VisitorRef): Promise<boolean> {
  const result = await db
    .updateTable('visitors')
    .set({ ended_at: sql`now()` })
    .where('id', '=', visitor.id)
    .where('workspace_id', '=', visitor.workspaceId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Locks the active visitors bound to the contact, in id order. Writers lock a visitor before
 * its contact; ending a contact's visitors takes the same order (these, then the contact).
 */
export async function lockContactVisitors(
  trx: Transaction,
  workspaceId: string,
  contactId: string,
): Promise<void> {
  await trx
    .selectFrom('visitors')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('ended_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * Ends every active visitor bound to the contact; returns their ids. Take the locks first
 * ({@link lockContactVisitors}, then the contact's): an identify binding another visitor to the
 * contact meanwhile then either committed before this reads, and its visitor is ended too, or
 * waits until this commits.
 */
export async function endContactVisitors(
  trx: Transaction,
  workspaceId: string,
  contactId: string,
): Promise<string[]> {
  const rows = await trx
    .updateTable('visitors')
    .set({ ended_at: sql`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('ended_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** A visitor as the API shows it: identity from its contact, never its credential. */
export interface VisitorModel {
  readonly id: string;
  readonly workspaceId: string;
  readonly contactId: string | null;
  readonly email: string | null;
  readonly name: string | null;
  /**
   * Bound through a valid identity token whose `exp` has not passed (when the model was read):
   * sees every conversation of its contact.
   */
  readonly identityVerified: boolean;
  /** Until when its verification holds; null if it never verified. */
  readonly identityVerifiedUntil: Date | null;
}

/** The one mapping from a visitor row and its contact to the API model. */
export function toVisitor(
  row: Pick<VisitorRow, 'id' | 'workspace_id' | 'contact_id' | 'identity_verified_until'>,
  contact: { email: string; name: string | null } | null,
): VisitorModel {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    contactId: row.contact_id,
    email: contact?.email ?? null,
    name: contact?.name ?? null,
    identityVerified: isVerifiedAt(row.identity_verified_until),
    identityVerifiedUntil: row.identity_verified_until,
  };
}

/** An email and a name, as a visitor or a contact has them. */
export interface EmailAndName {
  readonly email: string;
  readonly name: string | null;
}

/**
 * What a visitor is shown of its own identity. A visitor verified right now proved its email,
 * so it sees its contact's stored email and name; any other visitor (never verified, or past
 * its token's `exp`) sees only what it gave itself, never what the contact holds: an unsigned
 * email proves nothing, and the contact may be someone else's. Null while the visitor is not
 * bound to a contact.
 */
export function ownIdentity(
  row: Pick<VisitorRow, 'contact_id' | 'identity_verified_until' | 'given_email' | 'given_name'>,
  contact: EmailAndName,
  now: Date = new Date(),
): EmailAndName | null {
  if (row.contact_id === null) return null;
  if (isVerifiedAt(row.identity_verified_until, now)) return contact;
  return row.given_email === null ? null : { email: row.given_email, name: row.given_name };
}

const loadVisitorStatement = prepared('sonny_load_visitor', (db, args: Arguments<VisitorRef>) =>
  db
    .selectFrom('visitors')
    .leftJoin('contacts', 'contacts.id', 'visitors.contact_id')
    .selectAll('visitors')
    .select(['contacts.email as contact_email', 'contacts.name as contact_name'])
    .where('visitors.id', '=', args.id)
    .where('visitors.workspace_id', '=', args.workspaceId)
    .where('visitors.ended_at', 'is', null),
);

/** The active visitor as it sees itself (see {@link ownIdentity}). */
export async function loadVisitor(db: Executor, visitor: VisitorRef): Promise<VisitorModel> {
  const row = await loadVisitorStatement.first(db, visitor);
  if (row === undefined) throw visitorWasReset();
  const { contact_email: email, contact_name: name } = row;
  return toVisitor(row, email === null ? null : ownIdentity(row, { email, name }));
}

/** What a visitor's API model is made of ({@link toVisitor}), and `created_at`, lists' order. */
const VISITOR_MODEL_COLUMNS = [
  'visitors.id',
  'visitors.workspace_id',
  'visitors.contact_id',
  'visitors.identity_verified_until',
  'visitors.created_at',
] as const;

function visitorsWithContacts(db: Executor) {
  return db
    .selectFrom('visitors')
    .leftJoin('contacts', 'contacts.id', 'visitors.contact_id')
    .select([...VISITOR_MODEL_COLUMNS, 'contacts.email', 'contacts.name']);
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

/**
 * The window of each contact's visitors in the list newest first (id breaks ties), as the
 * window reads them, by contact id (contacts without any are absent). One query for every
 * contact: each reads its own window and stops.
 */
export async function listContactsVisitors(
  db: Executor,
  contactIds: readonly string[],
  window: KeysetWindow,
): Promise<Map<string, Array<Positioned<VisitorModel>>>> {
  const byContact = new Map<string, Array<Positioned<VisitorModel>>>();
  if (contactIds.length === 0) return byContact;
  const direction = window.fromEnd ? sql`asc` : sql`desc`;
  const rows = await db
    .selectFrom('contacts')
    .innerJoinLateral(
      (eb) =>
        readWindow(
          eb
            .selectFrom('visitors')
            .select(VISITOR_MODEL_COLUMNS)
            .select(microsOf('visitors.created_at').as('position_micros'))
            .whereRef('visitors.contact_id', '=', 'contacts.id'),
          'visitors.created_at',
          'visitors.id',
          window,
        ).as('page'),
      (join) => join.onTrue(),
    )
    .selectAll('page')
    .select(['contacts.email', 'contacts.name'])
    .where('contacts.id', 'in', contactIds)
    .orderBy('page.contact_id')
    .orderBy(sql`page.created_at ${direction}`)
    .orderBy(sql`page.id ${direction}`)
    .execute();
  for (const { position_micros, email, name, ...row } of rows) {
    if (row.contact_id === null) continue;
    const list = byContact.get(row.contact_id) ?? [];
    // Agents see the contact's email and name, as findVisitors gives them.
    list.push({
      row: toVisitor(row, { email, name }),
      position: { micros: position_micros, id: row.id },
    });
    byContact.set(row.contact_id, list);
  }
  return byContact;
}

/** Whether each visitor identified with a valid identity token, by visitor id. */
export async function identityVerifiedOf(
  db: Executor,
  visitorIds: readonly string[],
): Promise<Map<string, boolean>> {
  if (visitorIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('visitors')
    .select(['id', 'identity_verified'])
    .where('id', 'in', visitorIds)
    .execute();
  return new Map(rows.map((row) => [row.id, row.identity_verified]));
}
