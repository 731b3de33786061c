import { sql } from 'kysely';
import { ErrorCode } from '../../protocol/index.ts';
import { secretDigest } from '../access/secrets.ts';
import type { Executor, VisitorRow } from '../db/database.ts';
import { SonnyError } from '../errors.ts';

/** A joined visitor as the server knows it: never the visitorId credential itself. */
export interface VisitorRef {
  readonly id: string;
  readonly workspaceId: string;
}

/**
 * Creates the visitor of this credential, or resumes it (touching `last_seen_at`).
 * Returns the row as it is now, `ended_at` included, so the caller can refuse a reset visitor.
 */
export async function upsertVisitor(
  db: Executor,
  workspaceId: string,
  visitorCredential: string,
): Promise<VisitorRow> {
  return db
    .insertInto('visitors')
    .values({
      workspace_id: workspaceId,
      credential_hash: secretDigest(visitorCredential.toLowerCase()),
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'credential_hash']).doUpdateSet({ last_seen_at: sql`now()` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
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
  if (row === undefined) {
    throw new SonnyError(ErrorCode.UNAUTHENTICATED, 'This visitor was reset; join again.');
  }
  return row;
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

/** A visitor as the API shows it: identity from its contact, never its credential. */
export interface VisitorModel {
  readonly id: string;
  readonly workspaceId: string;
  readonly contactId: string | null;
  readonly email: string | null;
  readonly name: string | null;
  /** Bound through a valid identity token: sees every conversation of its contact. */
  readonly identityVerified: boolean;
}

/** The one mapping from a visitor row and its contact to the API model. */
export function toVisitor(
  row: Pick<VisitorRow, 'id' | 'workspace_id' | 'contact_id' | 'identity_verified'>,
  contact: { email: string; name: string | null } | null,
): VisitorModel {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    contactId: row.contact_id,
    email: contact?.email ?? null,
    name: contact?.name ?? null,
    identityVerified: row.identity_verified,
  };
}

/** The active visitor with its contact's email and name. */
export async function loadVisitor(db: Executor, visitor: VisitorRef): Promise<VisitorModel> {
  const row = await requireActiveVisitor(db, visitor);
  if (row.contact_id === null) return toVisitor(row, null);
  const contact = await db
    .selectFrom('contacts')
    .select(['email', 'name'])
    .where('id', '=', row.contact_id)
    .executeTakeFirstOrThrow();
  return toVisitor(row, contact);
}
