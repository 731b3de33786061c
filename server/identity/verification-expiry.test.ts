/**
 * A visitor's verification lasts as long as the token that verified it: past the token's
 * `exp` its visitorId (in its own browser, or copied out of it) reads only its own
 * conversations again, live ones included, until a fresh token extends it.
 */
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/index.ts';
import {
  newVisitorId,
  sharedTestServer,
  type TestWorkspace,
  uniqueEmail,
  type WidgetSocket,
} from '../test/harness.ts';
import { mintIdentityToken } from '../test/identity-tokens.ts';

const VISITOR = `query { visitor {
  identityVerified conversations { messages { body } }
} }`;
const IDENTIFY = `mutation ($email: String!, $token: String) {
  identifyVisitor(input: { email: $email, identityToken: $token }) { visitor { identityVerified } }
}`;
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id }
}`;
const EVENTS = `subscription ($after: ID) {
  visitorEvents(after: $after) { ... on VisitorMessageAdded { message { body } } }
}`;
const CONTACT_VISITORS = `query ($id: ID!) {
  contact(id: $id) { visitors { edges { node { id identityVerified } } } }
}`;

/** Long enough for the steps before expiry on a loaded machine, short enough to wait for. */
const SHORT_LIFETIME_SECONDS = 6;

const server = sharedTestServer();

async function joinAs(site: TestWorkspace, payload: Record<string, unknown> = {}) {
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId(), ...payload });
  await socket.joined;
  return socket;
}

let sent = 0;
async function send(socket: WidgetSocket, body: string): Promise<string> {
  const result = await socket.execute(SEND, { body, id: `m${++sent}` });
  expect(result.errors).toBeUndefined();
  return result.data?.sendMessage.id;
}

/** What the visitor reads of itself: whether verified, and the bodies of its history. */
async function seenBy(socket: WidgetSocket) {
  const { data, errors } = await socket.execute(VISITOR);
  expect(errors).toBeUndefined();
  const bodies = data?.visitor.conversations.flatMap(
    (conversation: { messages: Array<{ body: string }> }) =>
      conversation.messages.map((message) => message.body),
  );
  return { verified: data?.visitor.identityVerified, bodies: bodies.sort() };
}

/** The `exp` of a compact JWT, in epoch milliseconds. */
function expOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
  return payload.exp * 1000;
}

async function waitUntilPast(epochMs: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now() + 100)));
}

async function visitorRow(site: TestWorkspace, visitorDbId: string) {
  return server.app.db
    .selectFrom('visitors')
    .selectAll()
    .where('workspace_id', '=', site.id)
    .where('id', '=', visitorDbId)
    .executeTakeFirstOrThrow();
}

describe('a verification past its token’s exp', () => {
  it('reads only the visitor’s own conversations again, replayed and live, until a fresh token extends it', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const email = uniqueEmail();
    const laptop = await joinAs(site, {
      email,
      identityToken: await mintIdentityToken(site.identitySecret, { email }, { expiresIn: 3600 }),
    });
    const fromLaptop = await send(laptop, 'From the laptop');

    const visitorId = newVisitorId();
    const phone = await server.join({ siteId: site.siteId, visitorId });
    await phone.joined;
    await send(phone, 'From the phone');
    const short = await mintIdentityToken(
      site.identitySecret,
      { email },
      { expiresIn: SHORT_LIFETIME_SECONDS },
    );
    const verified = await phone.execute(IDENTIFY, { email, token: short });
    expect(verified.data?.identifyVisitor.visitor.identityVerified).toBe(true);
    const live = phone.subscribe(EVENTS);
    // While the token holds: the contact's history, and the laptop's messages live.
    expect(await seenBy(phone)).toEqual({
      verified: true,
      bodies: ['From the laptop', 'From the phone'],
    });
    await send(laptop, 'Before expiry');
    expect((await live.next()).data?.visitorEvents.message.body).toBe('Before expiry');

    // Verified until the token's exp exactly: no clock-skew grace lengthens it.
    const { data } = await phone.execute('query { visitor { id } }');
    const phoneDbId: string = data?.visitor.id;
    expect((await visitorRow(site, phoneDbId)).identity_verified_until?.getTime()).toBe(
      expOf(short),
    );
    await waitUntilPast(expOf(short));

    expect(await seenBy(phone)).toEqual({ verified: false, bodies: ['From the phone'] });
    // The open subscription stops carrying the other device's messages, not its own.
    await send(laptop, 'After expiry');
    await send(phone, 'Phone after expiry');
    expect((await live.next()).data?.visitorEvents.message.body).toBe('Phone after expiry');
    await live.expectSilence(300);

    // The visitorId copied into another client fares no better, live or replayed.
    const copy = await server.join({ siteId: site.siteId, visitorId });
    await copy.joined;
    expect(await seenBy(copy)).toEqual({
      verified: false,
      bodies: ['From the phone', 'Phone after expiry'],
    });
    const replay = copy.subscribe(EVENTS, { after: fromLaptop });
    expect((await replay.next()).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    const copyLive = copy.subscribe(EVENTS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send(laptop, 'Still private');
    await copyLive.expectSilence(300);

    // Agents see the lapse; the conversation it wrote while verified stays verified.
    const contactId = (
      await server.app.db
        .selectFrom('visitors')
        .select('contact_id')
        .where('id', '=', phoneDbId)
        .executeTakeFirstOrThrow()
    ).contact_id;
    const visitors = await server.http(CONTACT_VISITORS, { id: contactId }, agent.token);
    expect(
      visitors.data?.contact.visitors.edges.find(
        (edge: { node: { id: string } }) => edge.node.id === phoneDbId,
      )?.node,
    ).toEqual({ id: phoneDbId, identityVerified: false });

    // A fresh token verifies it again, until its own exp.
    const fresh = await mintIdentityToken(site.identitySecret, { email }, { expiresIn: 600 });
    const renewed = await copy.execute(IDENTIFY, { email, token: fresh });
    expect(renewed.data?.identifyVisitor.visitor.identityVerified).toBe(true);
    expect((await seenBy(phone)).verified).toBe(true);
    expect((await seenBy(phone)).bodies).toContain('Still private');
    expect((await visitorRow(site, phoneDbId)).identity_verified_until?.getTime()).toBe(
      expOf(fresh),
    );
  });

  it('a shorter token never cuts a verification short, and an identify without one never ends it', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const long = await mintIdentityToken(site.identitySecret, { email }, { expiresIn: 3600 });
    const socket = await joinAs(site, { email, identityToken: long });
    const short = await mintIdentityToken(site.identitySecret, { email }, { expiresIn: 60 });
    expect((await socket.execute(IDENTIFY, { email, token: short })).errors).toBeUndefined();
    expect((await socket.execute(IDENTIFY, { email })).errors).toBeUndefined();
    const { data } = await socket.execute('query { visitor { id identityVerified } }');
    expect(data?.visitor.identityVerified).toBe(true);
    expect((await visitorRow(site, data?.visitor.id)).identity_verified_until?.getTime()).toBe(
      expOf(long),
    );
  });

  it('under requireVerifiedIdentity, a lapsed visitor must bring a fresh token to identify again', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    await server.http(
      'mutation { updateWorkspaceSettings(input: { requireVerifiedIdentity: true }) { id } }',
      {},
      agent.token,
    );
    const email = uniqueEmail();
    const visitorId = newVisitorId();
    const short = await mintIdentityToken(
      site.identitySecret,
      { email },
      { expiresIn: SHORT_LIFETIME_SECONDS },
    );
    const first = await server.join({
      siteId: site.siteId,
      visitorId,
      email,
      identityToken: short,
    });
    await first.joined;
    // While verified, the widget may rejoin with the email alone.
    const again = await server.join({ siteId: site.siteId, visitorId, email });
    await again.joined;
    await waitUntilPast(expOf(short));

    const lapsed = await server.join({ siteId: site.siteId, visitorId, email });
    expect(await lapsed.closed).toEqual({
      code: CloseCode.IdentityRejected,
      reason: 'IDENTITY_VERIFICATION_REQUIRED',
    });
    // Without an identity it still joins, unverified.
    const anonymous = await server.join({ siteId: site.siteId, visitorId });
    await anonymous.joined;
    expect((await seenBy(anonymous)).verified).toBe(false);
  });
});
