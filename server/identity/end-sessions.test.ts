/**
 * Ending a person's sessions from outside their browsers: the integrator on a password change
 * or an account deletion (`endContactSessions`), an agent for one visitor (`endVisitorSession`).
 */
import { describe, expect, it } from 'vitest';
import { CloseCode, ForbiddenReason } from '../../protocol/index.ts';
import {
  codeOf,
  fieldOf,
  newVisitorId,
  sharedTestServer,
  type TestWorkspace,
  uniqueEmail,
  type WidgetSocket,
} from '../test/harness.ts';
import { mintIdentityToken } from '../test/identity-tokens.ts';

const END_CONTACT = `mutation ($contactId: ID, $email: String) {
  endContactSessions(input: { contactId: $contactId, email: $email }) { endedVisitorCount }
}`;
const END_VISITOR = `mutation ($visitorId: ID!) {
  endVisitorSession(input: { visitorId: $visitorId }) { endedVisitorCount }
}`;
const VISITOR = 'query { visitor { id } }';
const ENDED = { code: CloseCode.Forbidden, reason: ForbiddenReason.VisitorEnded };

const server = sharedTestServer();

interface JoinedVisitor {
  readonly visitorId: string;
  readonly socket: WidgetSocket;
  /** The server id, as agents see it. */
  readonly id: string;
}

async function joinAs(
  site: TestWorkspace,
  identity: Record<string, unknown> = {},
): Promise<JoinedVisitor> {
  const visitorId = newVisitorId();
  const socket = await server.join({ siteId: site.siteId, visitorId, ...identity });
  await socket.joined;
  const { data } = await socket.execute(VISITOR);
  return { visitorId, socket, id: data?.visitor.id };
}

/** Joins again with the visitorId; resolves with how the server closed it, if it did. */
async function rejoin(site: TestWorkspace, visitorId: string) {
  const socket = await server.join({ siteId: site.siteId, visitorId });
  return Promise.race([
    socket.closed,
    socket.joined.then(async () => (await socket.execute(VISITOR)).errors ?? 'joined'),
  ]);
}

async function contactIdOf(site: TestWorkspace, email: string): Promise<string> {
  const row = await server.app.db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', site.id)
    .where('email_normalized', '=', email.toLowerCase())
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('endContactSessions', () => {
  it('ends every visitor of the contact: their sockets close with 4403 and their visitorIds are refused; others are untouched', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const laptop = await joinAs(site, {
      email,
      identityToken: await mintIdentityToken(site.identitySecret, { email }),
    });
    const phone = await joinAs(site, { email });
    const someoneElse = await joinAs(site, { email: uniqueEmail('other') });
    const anonymous = await joinAs(site);

    const ended = await server.http(END_CONTACT, { email: email.toUpperCase() }, site.apiKey);
    expect(ended.errors).toBeUndefined();
    expect(ended.data?.endContactSessions).toEqual({ endedVisitorCount: 2 });
    expect(await laptop.socket.closed).toEqual(ENDED);
    expect(await phone.socket.closed).toEqual(ENDED);
    expect(await rejoin(site, laptop.visitorId)).toEqual(ENDED);
    expect(await rejoin(site, phone.visitorId)).toEqual(ENDED);

    for (const untouched of [someoneElse, anonymous]) {
      expect((await untouched.socket.execute(VISITOR)).data?.visitor.id).toBe(untouched.id);
      expect(await rejoin(site, untouched.visitorId)).toBe('joined');
    }
    // Nothing is left to end.
    const again = await server.http(END_CONTACT, { email }, site.apiKey);
    expect(again.data?.endContactSessions).toEqual({ endedVisitorCount: 0 });
  });

  it('a token issued before the end no longer verifies, even for a new visitorId; a fresh one does', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    // What a thief copied out of the browser: the visitorId and the token beside it.
    const copied = await mintIdentityToken(site.identitySecret, { email }, { issuedAgo: 60 });
    const laptop = await joinAs(site, { email, identityToken: copied });
    // Without `iat` a token cannot show it is newer, unless its exp is out of a copy's reach.
    const withoutIat = await mintIdentityToken(
      site.identitySecret,
      { email },
      { issuedAgo: null, expiresIn: 3600 },
    );
    expect(
      (await server.http(END_CONTACT, { email }, site.apiKey)).data?.endContactSessions,
    ).toEqual({ endedVisitorCount: 1 });
    expect(await laptop.socket.closed).toEqual(ENDED);

    const thief = await server.join({
      siteId: site.siteId,
      visitorId: newVisitorId(),
      email,
      identityToken: copied,
    });
    expect(await thief.closed).toEqual({
      code: CloseCode.IdentityRejected,
      reason: 'IDENTITY_TOKEN_EXPIRED',
    });
    const anonymous = await joinAs(site);
    const refused = await anonymous.socket.execute(
      `mutation ($email: String!, $token: String) {
        identifyVisitor(input: { email: $email, identityToken: $token }) { visitor { id } }
      }`,
      { email, token: copied },
    );
    expect(codeOf(refused)).toBe('IDENTITY_TOKEN_EXPIRED');
    const refusedWithoutIat = await anonymous.socket.execute(
      `mutation ($email: String!, $token: String) {
        identifyVisitor(input: { email: $email, identityToken: $token }) { visitor { id } }
      }`,
      { email, token: withoutIat },
    );
    expect(codeOf(refusedWithoutIat)).toBe('IDENTITY_TOKEN_EXPIRED');

    // The person logs in again: the page renders a token minted now.
    const relogged = await joinAs(site, {
      email,
      identityToken: await mintIdentityToken(site.identitySecret, { email }),
    });
    const { data } = await relogged.socket.execute('query { visitor { identityVerified } }');
    expect(data?.visitor.identityVerified).toBe(true);
  });

  it('takes a contactId from an agent; NOT_FOUND for another workspace’s contact or an unknown one', async () => {
    const site = await server.createWorkspace();
    const other = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const email = uniqueEmail();
    const mine = await joinAs(site, { email });
    const theirs = await joinAs(other, { email });
    const theirContactId = await contactIdOf(other, email);

    for (const variables of [
      { contactId: theirContactId },
      { contactId: '00000000-0000-4000-8000-000000000000' },
      { contactId: 'not-a-uuid' },
      { email: uniqueEmail('nobody') },
    ]) {
      const refused = await server.http(END_CONTACT, variables, agent.token);
      expect(codeOf(refused), JSON.stringify(variables)).toBe('NOT_FOUND');
    }
    const byOtherKey = await server.http(END_CONTACT, { email }, other.apiKey);
    expect(byOtherKey.data?.endContactSessions.endedVisitorCount).toBe(1);
    expect(await theirs.socket.closed).toEqual(ENDED);
    expect((await mine.socket.execute(VISITOR)).errors).toBeUndefined();

    const byId = await server.http(
      END_CONTACT,
      { contactId: await contactIdOf(site, email) },
      agent.token,
    );
    expect(byId.data?.endContactSessions.endedVisitorCount).toBe(1);
    expect(await mine.socket.closed).toEqual(ENDED);
  });

  it('wants exactly one of contactId and email, and a credential of the workspace', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const visitor = await joinAs(site, { email });
    const contactId = await contactIdOf(site, email);

    for (const variables of [{}, { contactId, email }]) {
      const refused = await server.http(END_CONTACT, variables, site.apiKey);
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(fieldOf(refused)).toBe('input');
    }
    const badEmail = await server.http(END_CONTACT, { email: 'not an email' }, site.apiKey);
    expect(fieldOf(badEmail)).toBe('input.email');
    expect(codeOf(await server.http(END_CONTACT, { email }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await visitor.socket.execute(END_CONTACT, { email }))).toBe('FORBIDDEN');
    expect((await visitor.socket.execute(VISITOR)).errors).toBeUndefined();
  });
});

describe('endVisitorSession', () => {
  it('ends one visitor, anonymous or not, and no other; NOT_FOUND across workspaces', async () => {
    const site = await server.createWorkspace();
    const other = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const target = await joinAs(site);
    const bystander = await joinAs(site);
    const elsewhere = await joinAs(other);

    const crossing = await server.http(END_VISITOR, { visitorId: elsewhere.id }, agent.token);
    expect(codeOf(crossing)).toBe('NOT_FOUND');
    const malformed = await server.http(END_VISITOR, { visitorId: 'x' }, agent.token);
    expect(codeOf(malformed)).toBe('NOT_FOUND');

    const ended = await server.http(END_VISITOR, { visitorId: target.id }, agent.token);
    expect(ended.data?.endVisitorSession).toEqual({ endedVisitorCount: 1 });
    expect(await target.socket.closed).toEqual(ENDED);
    expect(await rejoin(site, target.visitorId)).toEqual(ENDED);
    const twice = await server.http(END_VISITOR, { visitorId: target.id }, site.apiKey);
    expect(twice.data?.endVisitorSession).toEqual({ endedVisitorCount: 0 });

    for (const untouched of [bystander, elsewhere]) {
      expect((await untouched.socket.execute(VISITOR)).errors).toBeUndefined();
    }
  });
});
