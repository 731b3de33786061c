// Owns the table `identity_secrets`: every read and write of it is here.
import { sql } from 'kysely';
import { randomToken } from '../access/secrets.ts';
import type { Db, Executor, IdentitySecretRow, Transaction } from '../db/database.ts';
import { parseWholeSeconds } from './identity-input.ts';

/** How long tokens of the previous secret keep verifying after a rotation, unless told. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;
/** The longest grace a rotation may give the previous secret: 7 days. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;

/** Makes a new current identity secret for the workspace, with a fresh `kid`. */
export async function insertIdentitySecret(
  trx: Transaction,
  workspaceId: string,
): Promise<{ kid: string; secret: string }> {
  const created = { kid: `kid_${randomToken(9)}`, secret: randomToken(32) };
  await trx
    .insertInto('identity_secrets')
    .values({ workspace_id: workspaceId, ...created })
    .execute();
  return created;
}

/** The secret new tokens are signed with: the one without an end. */
export async function findCurrentIdentitySecret(
  db: Executor,
  workspaceId: string,
): Promise<IdentitySecretRow> {
  return db
    .selectFrom('identity_secrets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('expires_at', 'is', null)
    .executeTakeFirstOrThrow();
}

/**
 * The secret of this `kid` if it belongs to the workspace and still verifies: the current one,
 * or a rotated one within its grace. The database clock decides, like it set `expires_at`.
 */
export async function findVerifyingIdentitySecret(
  db: Executor,
  workspaceId: string,
  kid: string,
): Promise<IdentitySecretRow | undefined> {
  return db
    .selectFrom('identity_secrets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kid', '=', kid)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
}

export interface RotatedIdentitySecret {
  readonly kid: string;
  /** The new HMAC key in clear: integrators that mint tokens themselves switch to it. */
  readonly secret: string;
  /** Until when tokens of the previous secret still verify. */
  readonly previousKidExpiresAt: Date | null;
}

/** Validates a rotation's grace period; `null` means the default of 24 hours. */
export function parseGraceSeconds(raw: number | null | undefined, field: string): number {
  return parseWholeSeconds(
    raw,
    field,
    { min: 0, max: MAX_ROTATION_GRACE_SECONDS, fallback: DEFAULT_ROTATION_GRACE_SECONDS },
    `graceSeconds must be a whole number from 0 to ${MAX_ROTATION_GRACE_SECONDS} (7 days).`,
  );
}

/** Namespace of the advisory locks below, so they never collide with another use of them. */
const ROTATION_LOCK = 0x1d5e;

/**
 * Makes a new current identity secret with a new `kid`. Every older secret that still
 * verifies does so for at most `graceSeconds` more: a rotation with grace 0 after a leak
 * leaves only the new secret valid.
 */
export async function rotateIdentitySecret(
  db: Db,
  workspaceId: string,
  graceSeconds: number,
): Promise<RotatedIdentitySecret> {
  return db.transaction().execute(async (trx) => {
    // Serialises concurrent rotations of one workspace until commit: each sees the other's
    // new secret.
    await sql`select pg_advisory_xact_lock(${ROTATION_LOCK}, hashtext(${workspaceId}))`.execute(
      trx,
    );
    const end = sql<Date>`now() + make_interval(secs => ${graceSeconds}::int)`;
    const previous = await trx
      .updateTable('identity_secrets')
      .set({ expires_at: end })
      .where('workspace_id', '=', workspaceId)
      .where('expires_at', 'is', null)
      .returning('expires_at')
      .executeTakeFirst();
    await trx
      .updateTable('identity_secrets')
      .set({ expires_at: end })
      .where('workspace_id', '=', workspaceId)
      .where('expires_at', '>', end)
      .execute();
    const created = await insertIdentitySecret(trx, workspaceId);
    return { ...created, previousKidExpiresAt: previous?.expires_at ?? null };
  });
}
