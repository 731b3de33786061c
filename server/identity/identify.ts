import { sql } from 'kysely';
import { ErrorCode } from '../../protocol/index.ts';
import type { SecretBox } from '../access/secret-box.ts';
import { findWorkspace, joiningWorkspace } from '../access/workspaces.ts';
import { conversationLinking } from '../conversations/conversations.ts';
import type { DomainEventPublisher } from '../conversations/events.ts';
import { appendInboxEvent, type InboxEventAppended } from '../conversations/inbox-events.ts';
import type { ContactRow, Db, WorkspaceRow } from '../db/database.ts';
import { type Arguments, prepared } from '../db/prepared.ts';
import { runUnitOfWork, type UnitOfWork } from '../db/unit-of-work.ts';
import { SonnyError } from '../errors.ts';
import {
  type ContactUpsert,
  contactUpsert,
  findContacts,
  tokenPredatesEndedSessions,
  unverifiedContactRenewal,
  upsertContact,
} from './contacts.ts';
import type { EmailAddress } from './identity-input.ts';
import { type VerifiedIdentityClaims, verifyIdentityToken } from './identity-tokens.ts';
import {
  boundVisitorLock,
  type IdentifyingVisitor,
  isVerifiedAt,
  type JoinStart,
  lockVisitorForIdentify,
  ownIdentity,
  type ResumeArguments,
  type ResumedJoin,
  resumeArguments,
  resumedJoin,
  toVisitor,
  type VisitorModel,
  type VisitorRef,
  visitorBinding,
} from './visitors.ts';

export interface Identity {
  readonly email: EmailAddress;
  readonly name: string | null;
  /** An identity token from the site's backend; null for an unverified identify. */
  readonly identityToken: string | null;
}

/**
 * Checks an identify runs before it makes something new, inside its unit of work: each may
 * throw (RATE_LIMITED) and so roll everything back.
 */
export interface IdentifyGuards {
  /** Before a visitor not bound to any contact yet is bound to one. */
  readonly beforeFirstBinding?: () => Promise<void>;
  /** After a contact was created in this workspace, before the unit of work commits. */
  readonly afterNewContact?: (workspaceId: string) => Promise<void>;
}

/**
 * The answer to the identifying visitor: only what it may see. After an unverified identify
 * that is the email and name it gave, never the stored contact's name, spelling or vouching.
 */
export interface IdentifyResult {
  readonly contact: IdentifiedContact;
  /** The visitor as it sees itself. */
  readonly visitor: VisitorModel;
  /** How many of this visitor's conversations this call linked to the contact. */
  readonly linkedConversationCount: number;
}

/** The contact a visitor is bound to, as that visitor may see it. */
export interface IdentifiedContact {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  /** Whether the visitor proved this identity; only then are the email and name the contact's. */
  readonly verified: boolean;
}

/** {@link identifyVisitorIn} in a unit of work of its own. */
export async function identifyVisitor(
  db: Db,
  publisher: DomainEventPublisher,
  secrets: SecretBox,
  visitor: VisitorRef,
  identity: Identity,
  guards: IdentifyGuards = {},
): Promise<IdentifyResult> {
  return runUnitOfWork(db, publisher, (work) =>
    identifyVisitorIn(work, secrets, visitor, identity, guards),
  );
}

/**
 * Binds the visitor to the contact of this email, creating or updating the contact, and links
 * the visitor's conversations that have no contact yet. Idempotent for the same email.
 * A visitor bound to another contact gets IDENTITY_CONFLICT: a shared browser must reset
 * before a second person identifies, or they would see the first one's conversations.
 *
 * With a valid identity token the identify is verified: the visitor may read every
 * conversation of the contact until the token's `exp`, the contact is marked vouched, and the
 * token's signed `name` (else the given one) is stored. An unverified visitor, or one whose
 * verification lapsed, that later presents a valid token for its email is verified the same
 * way; a fresh token extends a verification, and an identify without one never ends it. A
 * token issued before the contact's sessions were ended counts as expired.
 * Without a token the identify is unverified: it never renames a vouched contact, and the
 * workspace may refuse it (`requireVerifiedIdentity`) unless the visitor is verified, right
 * now, for this very email. Every check happens before the first write but one: whether the
 * token predates the contact's ended sessions is read under the contact's lock, after its
 * upsert, which a refusal rolls back. A first binding or a verification is news for the
 * inbox, published when `work` commits.
 * The answer tells an unverified visitor nothing about the contact it may have found: it
 * carries the email and name the visitor gave, and is built the same way whether the contact
 * is new or not.
 * Runs inside `work`: on any error the caller's unit of work rolls everything back.
 */
export async function identifyVisitorIn(
  work: UnitOfWork<InboxEventAppended>,
  secrets: SecretBox,
  visitor: VisitorRef,
  identity: Identity,
  guards: IdentifyGuards = {},
): Promise<IdentifyResult> {
  const current = await lockVisitorForIdentify(work.trx, visitor);
  return identifyLockedVisitor(work, secrets, current, identity, guards);
}

/**
 * {@link identifyVisitorIn} of a visitor whose row this unit of work has locked already, as
 * it found it (the join's upsert locks it). `workspace`, when the caller has read it, spares
 * reading whether the workspace requires verified identities.
 */
export async function identifyLockedVisitor(
  work: UnitOfWork<InboxEventAppended>,
  secrets: SecretBox,
  current: IdentifyingVisitor,
  identity: Identity,
  guards: IdentifyGuards = {},
  workspace?: Pick<WorkspaceRow, 'require_verified_identity'>,
): Promise<IdentifyResult> {
  const { trx } = work;
  const workspaceId = current.workspace_id;
  if (current.contact_id !== null) {
    const boundKey =
      current.bound_email_normalized ??
      (await findContacts(trx, workspaceId, [current.contact_id])).get(current.contact_id)
        ?.email_normalized;
    if (boundKey !== identity.email.normalized) {
      throw new SonnyError(
        ErrorCode.IDENTITY_CONFLICT,
        'This visitor is already identified as someone else. Reset the visitor before identifying a different person.',
      );
    }
  }

  let name = identity.name;
  let claims: VerifiedIdentityClaims | null = null;
  if (identity.identityToken !== null) {
    claims = await verifyIdentityToken(
      trx,
      secrets,
      workspaceId,
      identity.identityToken,
      identity.email,
    );
    name = claims.name ?? identity.name;
  } else if (!(isVerifiedAt(current.identity_verified_until) && current.contact_id !== null)) {
    const settings = workspace ?? (await findWorkspace(trx, workspaceId));
    if (settings === undefined || settings.require_verified_identity) {
      throw new SonnyError(
        ErrorCode.IDENTITY_VERIFICATION_REQUIRED,
        'This site accepts only verified identities: pass an identityToken from its backend.',
      );
    }
  }

  if (current.contact_id === null) await guards.beforeFirstBinding?.();
  const verified = claims !== null;
  // One statement: the contact's upsert, the binding and the linking. What follows may still
  // refuse the identify, which rolls all three back.
  const written = await identifyStatement.one(trx, {
    workspaceId,
    email: identity.email.display,
    emailNormalized: identity.email.normalized,
    name,
    vouch: verified,
    visitorId: current.id,
    verified,
    verifiedUntil: claims?.expiresAt ?? null,
    givenName: identity.name,
  });
  const contact = {
    id: written.contact_id,
    email: written.contact_email,
    name: written.contact_name,
    sessions_ended_at: written.contact_sessions_ended_at,
  };
  // Read under the contact's lock, so a concurrent endContactSessions is either seen or waits.
  if (claims !== null && tokenPredatesEndedSessions(claims.issuedAt, contact)) {
    throw new SonnyError(
      ErrorCode.IDENTITY_TOKEN_EXPIRED,
      'The identity token was issued before this person’s sessions were ended; ask your backend for a fresh one.',
    );
  }
  if (written.contact_created) await guards.afterNewContact?.(workspaceId);
  // News for the inbox: the first binding, or a verification. Not a repeat: a widget re-sends
  // its identity on every join.
  if (current.contact_id === null || (verified && !current.identity_verified)) {
    await appendInboxEvent(work, {
      workspaceId,
      kind: 'visitor_identified',
      visitorId: current.id,
      contactId: contact.id,
    });
  }
  const bound = {
    id: current.id,
    workspace_id: workspaceId,
    contact_id: contact.id,
    identity_verified_until: written.identity_verified_until,
    given_email: written.given_email,
    given_name: written.given_name,
  };
  const own = ownIdentity(bound, contact) ?? { email: identity.email.display, name: null };
  return {
    contact: { id: contact.id, ...own, verified: isVerifiedAt(bound.identity_verified_until) },
    visitor: toVisitor(bound, own),
    linkedConversationCount: Number(written.linked_count),
  };
}

/** What the identify writes in its one statement. */
interface IdentifyWrite extends ContactUpsert {
  readonly visitorId: string;
  /** Whether this identify was verified (the visitor stays verified once any identify was). */
  readonly verified: boolean;
  readonly verifiedUntil: Date | null;
  /** The name the visitor gave, which it sees of itself (the contact may keep a signed one). */
  readonly givenName: string | null;
}

/**
 * The contact's upsert, the visitor's binding to it and the linking of the visitor's
 * conversations, in one statement (one round trip). Each part is its table owner's.
 */
const identifyStatement = prepared('sonny_identify', (db, args: Arguments<IdentifyWrite>) =>
  db
    .with('contact', () => contactUpsert(db, args))
    .with('bound', (qc) =>
      visitorBinding(db, {
        visitorId: args.visitorId,
        contactId: qc.selectFrom('contact').select('contact.id').$asScalar(),
        verified: args.verified,
        verifiedUntil: args.verifiedUntil,
        givenEmail: args.email,
        givenName: args.givenName,
      }),
    )
    .with('linked', (qc) =>
      conversationLinking(db, {
        visitorId: args.visitorId,
        contactId: qc.selectFrom('contact').select('contact.id').$asScalar(),
      }),
    )
    .selectFrom(['contact', 'bound'])
    .select([
      'contact.id as contact_id',
      'contact.email as contact_email',
      'contact.name as contact_name',
      'contact.created as contact_created',
      'contact.sessions_ended_at as contact_sessions_ended_at',
      'bound.identity_verified_until',
      'bound.given_email',
      'bound.given_name',
    ])
    .select((eb) =>
      eb.selectFrom('linked').select(eb.fn.countAll<string>().as('count')).as('linked_count'),
    ),
);

/** What a repeated identify gives: where the join comes from, and the identity again. */
interface RepeatedIdentify extends ResumeArguments {
  readonly email: string;
  readonly emailNormalized: string;
  readonly name: string | null;
}

const repeatedIdentifyStatement = prepared(
  'sonny_repeated_identify',
  (db, args: Arguments<RepeatedIdentify>) =>
    db
      .with('workspace', () => joiningWorkspace(db, args))
      .with('visitor', (qc) =>
        boundVisitorLock(db, {
          workspaceId: qc
            .selectFrom('workspace')
            .select('id')
            .where('admits', '=', true)
            .where('require_verified_identity', '=', false)
            .$asScalar(),
          credentialHash: args.credentialHash,
          emailNormalized: args.emailNormalized,
        }),
      )
      .with('bound', (qc) =>
        visitorBinding(db, {
          visitorId: qc.selectFrom('visitor').select('visitor.id').$asScalar(),
          contactId: qc.selectFrom('visitor').select('visitor.contact_id').$asScalar(),
          verified: sql.lit(false),
          verifiedUntil: sql<Date | null>`null`,
          givenEmail: args.email,
          givenName: args.name,
        }),
      )
      .with('contact', (qc) =>
        unverifiedContactRenewal(db, {
          contactId: qc.selectFrom('visitor').select('visitor.contact_id').$asScalar(),
          name: args.name,
        }),
      )
      .with('linked', (qc) =>
        conversationLinking(db, {
          visitorId: qc.selectFrom('visitor').select('visitor.id').$asScalar(),
          contactId: qc.selectFrom('visitor').select('visitor.contact_id').$asScalar(),
        }),
      )
      .selectFrom('workspace')
      .leftJoin('visitor', (join) => join.onTrue())
      .selectAll('workspace')
      .select('visitor.id as visitor_id'),
);

/**
 * A join's first statement when it carries an identity without a token: reads the workspace
 * and, when the page may join, resumes the visitor if its identify only repeats the one
 * before, as a widget re-sends its identity at every page view: the visitor is active and
 * bound to the contact of this very email, and the workspace does not require verified
 * identities. Such an identify refuses nothing, passes no guard and records no event, so it
 * runs in this one statement without a transaction of its own, writing what
 * {@link identifyLockedVisitor} would: the visit, the contact's name and last visit, what the
 * visitor gave, and the linking. No visitor when it is not such a join (a new visitor, an
 * ended one, an unbound one or one bound to another contact): then nothing was written, and
 * the caller takes the path that decides.
 */
export async function repeatIdentify(
  db: Db,
  start: JoinStart,
  /** The identity of a join without a token. */
  identity: Pick<Identity, 'email' | 'name'>,
): Promise<ResumedJoin> {
  const row = await repeatedIdentifyStatement.first(db, {
    ...resumeArguments(start),
    email: identity.email.display,
    emailNormalized: identity.email.normalized,
    name: identity.name,
  });
  return resumedJoin(row);
}

/**
 * The integrator's identify: creates or updates the contact of this email and vouches for it,
 * so visitors identifying without a token can no longer rename it. A given name replaces the
 * stored one; `null` keeps it.
 */
export async function identifyContact(
  db: Db,
  workspaceId: string,
  identity: { readonly email: EmailAddress; readonly name: string | null },
): Promise<ContactRow> {
  return upsertContact(db, workspaceId, identity.email, identity.name, { vouch: true });
}
