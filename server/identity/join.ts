import { ErrorCode, isUuid } from '../../protocol/index.ts';
import { isOriginAllowed } from '../access/allowed-origins.ts';
import type { SecretBox } from '../access/secret-box.ts';
import { findWorkspaceBySiteId } from '../access/workspaces.ts';
import type { DomainEventPublisher } from '../conversations/events.ts';
import type { Db } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { badUserInput, SonnyError } from '../errors.ts';
import { unacceptableString } from '../text-input.ts';
import {
  type IdentifyGuards,
  type Identity,
  identifyLockedVisitor,
  repeatIdentify,
} from './identify.ts';
import { parseEmail, parseName } from './identity-input.ts';
import {
  type ResumedJoin,
  resumeVisitor,
  upsertJoiningVisitor,
  type VisitorRef,
} from './visitors.ts';

/** Why a join was refused; the transport decides how to tell the client. */
export type JoinRefusal =
  | { readonly kind: 'malformed-join' }
  | { readonly kind: 'malformed-visitor-id' }
  | { readonly kind: 'unknown-site' }
  /** The workspace lists allowed origins and the join's `Origin` is not one of them. */
  | { readonly kind: 'origin-not-allowed' }
  | { readonly kind: 'visitor-ended' }
  /** A limit on new visitors, identifies or contacts refused it; nothing was written. */
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }
  /** The identity the join carried was refused; nothing was written. */
  | { readonly kind: 'identity-rejected'; readonly code: ErrorCode };

export type JoinOutcome =
  | {
      readonly accepted: true;
      readonly visitor: VisitorRef;
      /** Whether the join identified the visitor, and how: with an identity token or not. */
      readonly identified: 'verified' | 'unverified' | null;
    }
  | { readonly accepted: false; readonly refusal: JoinRefusal };

/** What the transport knows of a join beside its payload. */
export interface JoinTransport {
  /** The `Origin` header of the socket's upgrade request; null when there was none. */
  readonly origin: string | null;
}

/**
 * Admits a widget's socket: validates the join payload and the page's origin, creates or
 * resumes the visitor and, when the join carries an identity, identifies it, all in one unit
 * of work (a returning visitor's join that decides nothing, in one statement: see
 * {@link startJoin}). A refused join writes and publishes nothing.
 */
export async function joinVisitor(
  db: Db,
  publisher: DomainEventPublisher,
  secrets: SecretBox,
  payload: unknown,
  options: JoinOptions,
): Promise<JoinOutcome> {
  const request = readJoin(payload);
  if (request === null) return refused({ kind: 'malformed-join' });
  if (!isUuid(request.visitorId)) return refused({ kind: 'malformed-visitor-id' });
  // No site has an id with a NUL, a lone surrogate or 50,000 characters: none is looked up.
  if (unacceptableString(request.siteId) !== null) return refused({ kind: 'unknown-site' });
  // Read first, refused only after the site and the origin were checked: a join is answered
  // in that order.
  let identity: Identity | null = null;
  let badIdentity: SonnyError | null = null;
  try {
    identity = readIdentity(request);
  } catch (error) {
    if (!(error instanceof SonnyError)) throw error;
    badIdentity = error;
  }
  const { workspace, visitor: resumed } =
    badIdentity === null
      ? await startJoin(db, request, identity, options.origin)
      : { workspace: await findWorkspaceBySiteId(db, request.siteId), visitor: null };
  if (workspace === undefined) return refused({ kind: 'unknown-site' });
  if (!isOriginAllowed(workspace.allowed_origins, options.origin)) {
    return refused({ kind: 'origin-not-allowed' });
  }
  if (badIdentity !== null) return refused({ kind: 'identity-rejected', code: badIdentity.code });
  if (resumed !== null) {
    return { accepted: true, visitor: resumed, identified: identity && 'unverified' };
  }

  try {
    return await runUnitOfWork(db, publisher, async (work) => {
      const visitor = await upsertJoiningVisitor(work.trx, workspace.id, request.visitorId);
      if (visitor.ended_at !== null) throw new VisitorEnded();
      if (visitor.created) await options.afterNewVisitor?.();
      const ref = { id: visitor.id, workspaceId: workspace.id };
      if (identity === null) return { accepted: true, visitor: ref, identified: null } as const;
      // The upsert locked the visitor's row: the identify goes on from it.
      await identifyLockedVisitor(work, secrets, visitor, identity, options, workspace);
      const identified = identity.identityToken === null ? 'unverified' : 'verified';
      return { accepted: true, visitor: ref, identified } as const;
    });
  } catch (error) {
    if (error instanceof VisitorEnded) return refused({ kind: 'visitor-ended' });
    if (error instanceof SonnyError && error.code === ErrorCode.RATE_LIMITED) {
      const retryAfterSeconds = Number(error.details.retryAfterSeconds ?? 1);
      return refused({ kind: 'rate-limited', retryAfterSeconds });
    }
    if (error instanceof SonnyError) {
      return refused({ kind: 'identity-rejected', code: error.code });
    }
    throw error;
  }
}

/**
 * The join's first statement. Most joins are a returning visitor's next page view, which
 * decides nothing: the statement reads the workspace and, when the page may join, resumes the
 * visitor, anonymous or repeating the identity it is bound to, without a transaction. With
 * an identity token there is always something to decide: the workspace only is read.
 */
async function startJoin(
  db: Db,
  request: JoinRequest,
  identity: Identity | null,
  origin: string | null,
): Promise<ResumedJoin> {
  const start = { siteId: request.siteId, origin, visitorCredential: request.visitorId };
  if (identity === null) return resumeVisitor(db, start);
  if (identity.identityToken === null) return repeatIdentify(db, start, identity);
  return { workspace: await findWorkspaceBySiteId(db, request.siteId), visitor: null };
}

/** The checks of an identify, and one before a join creates a visitor (in its unit of work). */
export interface JoinGuards extends IdentifyGuards {
  /** After a visitor was created, before the unit of work commits. */
  readonly afterNewVisitor?: () => Promise<void>;
}

/** What the transport knows of a join, and the checks it runs on it. */
export interface JoinOptions extends JoinTransport, JoinGuards {}

interface JoinRequest {
  readonly siteId: string;
  readonly visitorId: string;
  readonly email: unknown;
  readonly name: unknown;
  readonly identityToken: unknown;
}

function readJoin(payload: unknown): JoinRequest | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { siteId, visitorId, email, name, identityToken } = payload as Record<string, unknown>;
  if (typeof siteId !== 'string' || typeof visitorId !== 'string') return null;
  return { siteId, visitorId, email, name, identityToken };
}

/** The identity a join carries, if any; throws BAD_USER_INPUT like `identifyVisitor` would. */
function readIdentity({ email, name, identityToken }: JoinRequest): Identity | null {
  for (const [field, value] of Object.entries({ email, name, identityToken })) {
    const reason = typeof value === 'string' ? unacceptableString(value) : null;
    if (reason !== null) throw badUserInput(field, `${field} ${reason}`);
  }
  const token = identityToken ?? null;
  if (token !== null && typeof token !== 'string') {
    throw badUserInput('identityToken', 'identityToken must be a string.');
  }
  if (email === undefined || email === null) {
    if (token !== null) {
      throw badUserInput('email', 'identityToken needs the email it vouches for.');
    }
    return null;
  }
  if (typeof email !== 'string') throw badUserInput('email', 'email must be a string.');
  if (name !== undefined && name !== null && typeof name !== 'string') {
    throw badUserInput('name', 'name must be a string.');
  }
  return { email: parseEmail(email, 'email'), name: parseName(name, 'name'), identityToken: token };
}

function refused(refusal: JoinRefusal): JoinOutcome {
  return { accepted: false, refusal };
}

/** Rolls the join's transaction back when the visitorId was reset. */
class VisitorEnded extends Error {}
