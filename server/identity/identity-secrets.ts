// Owns the table `identity_secrets`: every read and write of it is here. Secrets are stored
// sealed by the SecretBox (encrypted with SONNY_SECRET_KEY when it is set) and opened here only.
import { sql } from 'kysely';
import type { SecretBox } from '../access/secret-box.ts';
import { randomToken } from '../access/secrets.ts';
import type { Db, Executor, Transaction } from '../db/database.ts';
import { parseWholeSeconds } from './identity-input.ts';

/** How long tokens of the previous secret keep verifying after a rotation, unless told. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;
/** The longest grace a rotation may give the previous secret: 7 days. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;

/** An identity secret in clear, as tokens are signed and verified with it. */
export interface IdentitySecret {
  /** The JWT `kid` header that selects it. */
  readonly kid: string;
  /** The HMAC key: the UTF-8 bytes of this string. */
  readonly secret: string;
}

/** Makes a new current identity secret for the workspace, with a fresh `kid`. */
export async function insertIdentitySecret(
  trx: Transaction,
  secrets: SecretBox,
  workspaceId: string,
): Promise<IdentitySecret> {
  const created = { kid: `kid_${randomToken(9)}`, secret: randomToken(32) };
  await trx
    .insertInto('identity_secrets')
    .values({
      workspace_id: workspaceId,
      kid: created.kid,
      secret: secrets.seal(created.secret, created.kid),
    })
    .execute();
  return created;
}

/** The secret new tokens are signed with: the one without an end. */
export async function findCurrentIdentitySecret(
  db: Executor,
  secrets: SecretBox,
  workspaceId: string,
): Promise<IdentitySecret> {
  const row = await db
    .selectFrom('identity_secrets')
    .select(['kid', 'secret'])
    .where('workspace_id', '=', workspaceId)
    .where('expires_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { kid: row.kid, secret: secrets.open(row.secret, row.kid) };
}

/** The `kid` of the workspace's current secret, which new tokens carry. */
export async function findCurrentIdentitySecretKid(
  db: Executor,
  workspaceId: string,
): Promise<string> {
  const row = await db
    .selectFrom('identity_secrets')
    .select('kid')
    .where('workspace_id', '=', workspaceId)
    .where('expires_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.kid;
}

/**
 * The secret of this `kid` if it belongs to the workspace and still verifies: the current one,
 * or a rotated one within its grace. The database clock decides, like it set `expires_at`.
 */
export async function findVerifyingIdentitySecret(
  db: Executor,
  secrets: SecretBox,
  workspaceId: string,
  kid: string,
): Promise<IdentitySecret | undefined> {
  const row = await db
    .selectFrom('identity_secrets')
    .select(['kid', 'secret'])
    .where('workspace_id', '=', workspaceId)
    .where('kid', '=', kid)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  return row && { kid: row.kid, secret: secrets.open(row.secret, row.kid) };
}

/** Deletes the rotated secrets whose grace is over: they verify nothing any more. */
export async function deleteExpiredIdentitySecrets(db: Executor): Promise<number> {
  const deleted = await db
    .deleteFrom('identity_secrets')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/**
 * Readies the stored identity secrets for this server, at start: deletes those past their
 * grace; with a key, encrypts those still stored in clear (written before the key was set);
 * then proves the secrets open with this configuration, so a missing or wrong
 * `SONNY_SECRET_KEY` stops the start (a {@link SecretKeyError}) instead of failing every
 * verified identify later. Returns how many secrets it encrypted.
 */
export async function prepareIdentitySecrets(db: Db, secrets: SecretBox): Promise<number> {
  await deleteExpiredIdentitySecrets(db);
  let sealed = 0;
  if (secrets.encrypts) {
    const clear = await db
      .selectFrom('identity_secrets')
      .select(['id', 'kid', 'secret'])
      .where('secret', 'not like', 'enc:%')
      .execute();
    for (const row of clear) {
      // Only if still as read: another instance starting at once may have sealed it already.
      const updated = await db
        .updateTable('identity_secrets')
        .set({ secret: secrets.seal(row.secret, row.kid) })
        .where('id', '=', row.id)
        .where('secret', '=', row.secret)
        .executeTakeFirst();
      sealed += Number(updated.numUpdatedRows);
    }
  }
  const stored = await db
    .selectFrom('identity_secrets')
    .select(['kid', 'secret'])
    .where('secret', 'like', 'enc:%')
    .limit(1)
    .executeTakeFirst();
  if (stored !== undefined) secrets.open(stored.secret, stored.kid);
  return sealed;
}

export interface RotatedIdentitySecret extends IdentitySecret {
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
 * leaves only the new secret valid. Secrets whose grace is over are deleted.
 */
export async function rotateIdentitySecret(
  db: Db,
  secrets: SecretBox,
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
    await trx
      .deleteFrom('identity_secrets')
      .where('workspace_id', '=', workspaceId)
      .where('expires_at', '<=', sql<Date>`now()`)
      .execute();
    const created = await insertIdentitySecret(trx, secrets, workspaceId);
    return { ...created, previousKidExpiresAt: previous?.expires_at ?? null };
  });
}
