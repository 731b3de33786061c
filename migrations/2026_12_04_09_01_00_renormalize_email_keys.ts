import { domainToASCII } from 'node:url';
import { type Kysely, sql } from 'kysely';

// The identity key of an email was its NFC, lower-cased form. It now also folds compatibility
// forms (NFKC: `ｊane` is `jane`) and turns the domain into its ASCII form (IDNA: `bücher.de`
// is `xn--bcher-kva.de`), so every spelling of one address is one contact. This migration
// recomputes the keys of existing contacts and agents. A copy of the rule, frozen here as
// migrations are: it must keep giving today's keys whatever the application does later.
function emailKey(address: string): string {
  const trimmed = address.trim().normalize('NFC');
  const at = trimmed.lastIndexOf('@');
  const fold = (text: string) => text.normalize('NFKC').toLowerCase();
  if (at < 0) return fold(trimmed);
  const domain = trimmed.slice(at + 1).normalize('NFKC');
  return `${fold(trimmed.slice(0, at))}@${domainToASCII(domain) || domain.toLowerCase()}`;
}

// Only addresses with a character outside ASCII can get another key: for ASCII ones both rules
// are plain lower-casing.
const NON_ASCII = sql<boolean>`email ~ '[^\\x01-\\x7f]'`;

interface ContactRow {
  id: string;
  workspace_id: string;
  email: string;
  email_normalized: string;
  name: string | null;
  created_at: Date;
  last_seen_at: Date;
  verified_at: Date | null;
  sessions_ended_at: Date | null;
}

export async function up(db: Kysely<any>): Promise<void> {
  const candidates = (await db
    .selectFrom('contacts')
    .selectAll()
    .where(NON_ASCII)
    .orderBy('created_at')
    .orderBy('id')
    .execute()) as ContactRow[];
  for (const candidate of candidates) {
    const key = emailKey(candidate.email);
    // As it is now: an earlier candidate of the same address may have merged it already.
    const self = (await db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', candidate.id)
      .executeTakeFirst()) as ContactRow | undefined;
    if (self === undefined || self.email_normalized === key) continue;
    const holder = (await db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', self.workspace_id)
      .where('email_normalized', '=', key)
      .executeTakeFirst()) as ContactRow | undefined;
    if (holder === undefined) {
      await db
        .updateTable('contacts')
        .set({ email_normalized: key })
        .where('id', '=', self.id)
        .execute();
    } else {
      await mergeContacts(db, self, holder, key);
    }
  }
  await renormalizeAgents(db);
}

/**
 * Two contacts of one workspace turned out to be one address: they become one. The survivor is
 * the vouched one (an integrator or a verified identify stood behind it), else the older one;
 * it keeps its id, its spelling of the address and its name (the other's when it has none).
 * Visitors, conversations and inbox events of the other move to it, and the other is deleted.
 * Visitors that move stop being verified (their conversations leave the verified history,
 * their reading of it ends): they proved an address that was another contact's when they did,
 * and this migration must never widen what anyone may read. They verify again with their next
 * identity token.
 */
async function mergeContacts(
  db: Kysely<any>,
  one: ContactRow,
  other: ContactRow,
  key: string,
): Promise<void> {
  const [survivor, merged] = prefersFirst(one, other) ? [one, other] : [other, one];
  await db
    .updateTable('visitors')
    .set({ contact_id: survivor.id, identity_verified: false, identity_verified_until: null })
    .where('contact_id', '=', merged.id)
    .execute();
  await db
    .updateTable('conversations')
    .set({ contact_id: survivor.id })
    .where('contact_id', '=', merged.id)
    .execute();
  await db
    .updateTable('inbox_events')
    .set({ contact_id: survivor.id })
    .where('contact_id', '=', merged.id)
    .execute();
  await db.deleteFrom('contacts').where('id', '=', merged.id).execute();
  await db
    .updateTable('contacts')
    .set({
      email_normalized: key,
      // A vouched contact is never named by one nobody vouched for.
      name:
        survivor.name ??
        (merged.verified_at !== null || survivor.verified_at === null ? merged.name : null),
      verified_at: sql`least(verified_at, ${merged.verified_at}::timestamptz)`,
      last_seen_at: sql`greatest(last_seen_at, ${merged.last_seen_at}::timestamptz)`,
      // Tokens retired by ending either contact's sessions stay retired.
      sessions_ended_at: sql`greatest(sessions_ended_at, ${merged.sessions_ended_at}::timestamptz)`,
      updated_at: sql`now()`,
    })
    .where('id', '=', survivor.id)
    .execute();
}

function prefersFirst(one: ContactRow, other: ContactRow): boolean {
  if ((one.verified_at === null) !== (other.verified_at === null)) return one.verified_at !== null;
  return one.created_at.getTime() <= other.created_at.getTime();
}

/**
 * Agents log in by the same key. Emails are unique across agents; should two agents' addresses
 * now be one, the newer keeps its old key, which no login can produce any more, and is named
 * here for the operator to remove or change.
 */
async function renormalizeAgents(db: Kysely<any>): Promise<void> {
  const agents: Array<{ id: string; email: string; email_normalized: string }> = await db
    .selectFrom('agents')
    .select(['id', 'email', 'email_normalized'])
    .where(NON_ASCII)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const agent of agents) {
    const key = emailKey(agent.email);
    if (key === agent.email_normalized) continue;
    const taken = await db
      .selectFrom('agents')
      .select('id')
      .where('email_normalized', '=', key)
      .executeTakeFirst();
    if (taken !== undefined) {
      console.warn(
        `Agent ${agent.email} (${agent.id}) has the same address as another agent once compatibility forms and the domain are normalised; it can no longer log in until it gets another email.`,
      );
      continue;
    }
    await db
      .updateTable('agents')
      .set({ email_normalized: key })
      .where('id', '=', agent.id)
      .execute();
  }
}

// Old keys are not restored: the new ones stay valid identity keys, and merged contacts stay one.
export async function down(): Promise<void> {}
