import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/index.ts';
import {
  newVisitorId,
  sharedTestServer,
  type TestWorkspace,
  uniqueEmail,
  type WidgetSocket,
} from '../test/harness.ts';
import {
  mintIdentityToken,
  unsignedToken,
  withFlippedSignature,
  withPayload,
  workspaceState,
} from '../test/identity-tokens.ts';

const VISITOR = `query { visitor {
  id email name identified identityVerified
  conversations { id identityVerified messages { body } }
} }`;
const IDENTIFY = `mutation ($email: String!, $name: String, $token: String) {
  identifyVisitor(input: { email: $email, name: $name, identityToken: $token }) {
    contact { id email name verified }
    visitor { id identified identityVerified }
    linkedConversationCount
  }
}`;
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id body conversationId }
}`;
const EVENTS = `subscription ($after: ID) {
  visitorEvents(after: $after) { ... on VisitorMessageAdded { message { id body } } }
}`;
const REQUIRE = `mutation ($on: Boolean) {
  updateWorkspaceSettings(input: { requireVerifiedIdentity: $on }) { requireVerifiedIdentity }
}`;
const IDENTIFY_CONTACT = `mutation ($email: String!, $name: String) {
  identifyContact(input: { email: $email, name: $name }) { id email name verified }
}`;

const server = sharedTestServer();

/** A widget socket that joined; fails the test if the join was refused. */
async function joinAs(site: TestWorkspace, extra: Record<string, unknown> = {}) {
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId(), ...extra });
  await socket.joined;
  return socket;
}

let messageCounter = 0;
async function send(socket: WidgetSocket, body: string) {
  const result = await socket.execute(SEND, { body, id: `m${++messageCounter}` });
  expect(result.errors).toBeUndefined();
  return result.data?.sendMessage as { id: string; conversationId: string };
}

async function visitorOf(socket: WidgetSocket) {
  const result = await socket.execute(VISITOR);
  expect(result.errors).toBeUndefined();
  return result.data?.visitor;
}

async function contactRow(site: TestWorkspace, email: string) {
  return server.app.db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', site.id)
    .where('email_normalized', '=', email.toLowerCase())
    .executeTakeFirst();
}

describe('a verified identify', () => {
  it('binds the visitor as verified, vouches for the contact and stores the signed name', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const socket = await joinAs(site);
    const token = await mintIdentityToken(site.identitySecret, { email, name: 'Jane Signed' });

    const { data, errors } = await socket.execute(IDENTIFY, {
      email: email.toUpperCase(),
      name: 'Typed In The Widget',
      token,
    });
    expect(errors).toBeUndefined();
    expect(data?.identifyVisitor.contact).toMatchObject({ name: 'Jane Signed', verified: true });
    expect(data?.identifyVisitor.visitor).toMatchObject({
      identified: true,
      identityVerified: true,
    });
    expect(await visitorOf(socket)).toMatchObject({ identityVerified: true, name: 'Jane Signed' });
    expect((await contactRow(site, email))?.verified_at).toBeInstanceOf(Date);
  });

  it('from the join payload, before the first operation', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const identityToken = await mintIdentityToken(site.identitySecret, { email });
    const socket = await joinAs(site, { email, name: 'Jane', identityToken });
    expect(await visitorOf(socket)).toMatchObject({ email, name: 'Jane', identityVerified: true });
  });

  it('upgrades a visitor that identified without a token, bringing its conversations into the verified history', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const phone = await joinAs(site, { email });
    const early = await send(phone, 'Before I logged in');
    expect(await visitorOf(phone)).toMatchObject({ identified: true, identityVerified: false });

    const { errors } = await phone.execute(IDENTIFY, {
      email,
      token: await mintIdentityToken(site.identitySecret, { email }),
    });
    expect(errors).toBeUndefined();
    expect(await visitorOf(phone)).toMatchObject({ identityVerified: true });

    const laptop = await joinAs(site, {
      email,
      identityToken: await mintIdentityToken(site.identitySecret, { email }),
    });
    const seen = await visitorOf(laptop);
    expect(seen.conversations.map((c: { id: string }) => c.id)).toEqual([early.conversationId]);
    expect(seen.conversations[0]).toMatchObject({
      identityVerified: true,
      messages: [{ body: 'Before I logged in' }],
    });
  });
});

describe('cross-device history', () => {
  it('a verified visitor sees the conversations of the contact’s other verified visitors, live and replayed', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const mint = () => mintIdentityToken(site.identitySecret, { email });
    const laptop = await joinAs(site, { email, identityToken: await mint() });
    const first = await send(laptop, 'From the laptop');

    const phone = await joinAs(site, { email, identityToken: await mint() });
    const seen = await visitorOf(phone);
    expect(seen.conversations).toEqual([
      {
        id: first.conversationId,
        identityVerified: true,
        messages: [{ body: 'From the laptop' }],
      },
    ]);

    const live = phone.subscribe(EVENTS);
    const laptopLive = laptop.subscribe(EVENTS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await send(laptop, 'Second, from the laptop');
    expect((await live.next()).data?.visitorEvents.message).toEqual({
      id: second.id,
      body: 'Second, from the laptop',
    });
    const fromPhone = await send(phone, 'From the phone');
    const onLaptop = [(await laptopLive.next()).data, (await laptopLive.next()).data];
    expect(onLaptop.map((event) => event?.visitorEvents.message.body)).toEqual([
      'Second, from the laptop',
      'From the phone',
    ]);

    // A reconnecting phone replays from a message of the laptop's conversation.
    const replay = phone.subscribe(EVENTS, { after: first.id });
    expect((await replay.next()).data?.visitorEvents.message.id).toBe(second.id);
    expect((await replay.next()).data?.visitorEvents.message.id).toBe(fromPhone.id);
  });

  it('a verified person has one thread: a verified device without its own writes into the open one; unverified and lapsed visitors keep their own', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const email = uniqueEmail();
    const mint = () => mintIdentityToken(site.identitySecret, { email });
    const laptop = await joinAs(site, { email, identityToken: await mint() });
    const phone = await joinAs(site, { email, identityToken: await mint() });
    const lapsed = await joinAs(site, { email, identityToken: await mint() });
    const stranger = await joinAs(site, { email });
    const lapsedVisitor = await visitorOf(lapsed);
    await server.app.db
      .updateTable('visitors')
      .set({ identity_verified_until: new Date(Date.now() - 1000) })
      .where('id', '=', lapsedVisitor.id)
      .execute();

    const fromLaptop = await send(laptop, 'Where is my order?');
    const fromPhone = await send(phone, 'Sent from my phone, same question');
    expect(fromPhone.conversationId).toBe(fromLaptop.conversationId);
    const fromLapsed = await send(lapsed, 'An old tab of mine');
    const fromStranger = await send(stranger, 'I am Jane, honest');
    expect(fromLapsed.conversationId).not.toBe(fromLaptop.conversationId);
    expect(fromStranger.conversationId).not.toBe(fromLaptop.conversationId);

    const { data } = await server.http(
      `query { conversations(status: OPEN, first: 10) {
        edges { node { id identityVerified messages { body } } }
      } }`,
      {},
      agent.token,
    );
    const threads = data?.conversations.edges.map(
      (edge: { node: { id: string; messages: Array<{ body: string }> } }) => ({
        id: edge.node.id,
        bodies: edge.node.messages.map((message) => message.body),
      }),
    );
    expect(threads).toHaveLength(3);
    expect(threads).toEqual(
      expect.arrayContaining([
        {
          id: fromLaptop.conversationId,
          bodies: ['Where is my order?', 'Sent from my phone, same question'],
        },
        { id: fromLapsed.conversationId, bodies: ['An old tab of mine'] },
        { id: fromStranger.conversationId, bodies: ['I am Jane, honest'] },
      ]),
    );
  });

  it('an unverified visitor with the same email sees none of it, and its own conversation stays out of the verified history', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const laptop = await joinAs(site, {
      email,
      identityToken: await mintIdentityToken(site.identitySecret, { email }),
    });
    const secret = await send(laptop, 'My account number is 1234');
    const laptopLive = laptop.subscribe(EVENTS);

    const stranger = await joinAs(site, { email });
    expect(await visitorOf(stranger)).toMatchObject({
      identified: true,
      identityVerified: false,
      conversations: [],
    });
    const live = stranger.subscribe(EVENTS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send(laptop, 'Another secret');
    await live.expectSilence(300);

    const replay = stranger.subscribe(EVENTS, { after: secret.id });
    const refused = await replay.next();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });

    // The stranger's own messages reach neither the verified history nor the laptop's events.
    const own = await send(stranger, 'I am Jane, honest');
    expect((await laptopLive.next()).data?.visitorEvents.message.body).toBe('Another secret');
    await laptopLive.expectSilence(300);
    const history = await visitorOf(laptop);
    expect(history.conversations.map((c: { id: string }) => c.id)).toEqual([secret.conversationId]);
    expect((await visitorOf(stranger)).conversations).toEqual([
      {
        id: own.conversationId,
        identityVerified: false,
        messages: [{ body: 'I am Jane, honest' }],
      },
    ]);
  });
});

describe('agents', () => {
  it('a reply reaches every verified device of the contact but no unverified visitor, and agents see who was verified', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const email = uniqueEmail();
    const laptop = await joinAs(site, {
      email,
      identityToken: await mintIdentityToken(site.identitySecret, { email }),
    });
    const asked = await send(laptop, 'Where is my order?');
    const phone = await joinAs(site, {
      email,
      identityToken: await mintIdentityToken(site.identitySecret, { email }),
    });
    const stranger = await joinAs(site, { email });
    const strangerAsked = await send(stranger, 'Me too');
    const onPhone = phone.subscribe(EVENTS);
    const onStranger = stranger.subscribe(EVENTS);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const reply = await server.http(
      `mutation ($id: ID!) {
        replyToConversation(input: { conversationId: $id, body: "It ships today", clientMessageId: "r1" }) { id }
      }`,
      { id: asked.conversationId },
      agent.token,
    );
    expect(reply.errors).toBeUndefined();
    expect((await onPhone.next()).data?.visitorEvents.message).toEqual({
      id: reply.data?.replyToConversation.id,
      body: 'It ships today',
    });
    await onStranger.expectSilence(300);

    const CONVERSATION = 'query ($id: ID!) { conversation(id: $id) { identityVerified } }';
    const verified = await server.http(CONVERSATION, { id: asked.conversationId }, agent.token);
    const unverified = await server.http(
      CONVERSATION,
      { id: strangerAsked.conversationId },
      agent.token,
    );
    expect(verified.data?.conversation.identityVerified).toBe(true);
    expect(unverified.data?.conversation.identityVerified).toBe(false);
  });
});

describe('unverified identify', () => {
  it('identifyContact then a visitor identify give the same contact, whose vouched name the visitor cannot change', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const vouched = await server.http(
      IDENTIFY_CONTACT,
      { email, name: 'Jane From CRM' },
      site.apiKey,
    );
    expect(vouched.errors).toBeUndefined();

    const socket = await joinAs(site);
    const { data, errors } = await socket.execute(IDENTIFY, {
      email: ` ${email.toUpperCase()} `,
      name: 'Mallory',
    });
    expect(errors).toBeUndefined();
    // Bound to the same contact, but shown only what it gave.
    expect(data?.identifyVisitor.contact).toEqual({
      id: vouched.data?.identifyContact.id,
      email: email.toUpperCase(),
      name: 'Mallory',
      verified: false,
    });
    expect(data?.identifyVisitor.visitor.identityVerified).toBe(false);
    expect((await contactRow(site, email))?.name).toBe('Jane From CRM');

    // A verified identify may rename it, and sees the contact as stored.
    const verified = await joinAs(site);
    const renamed = await verified.execute(IDENTIFY, {
      email,
      name: 'Jane Doe',
      token: await mintIdentityToken(site.identitySecret, { email }),
    });
    expect(renamed.data?.identifyVisitor.contact).toEqual({
      id: vouched.data?.identifyContact.id,
      email,
      name: 'Jane Doe',
      verified: true,
    });
  });

  it('reveals nothing stored about an existing contact to a stranger, by identify or by join', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail('Jane.Smith');
    const jane = await joinAs(site, {
      email,
      name: 'Jane Smith',
      identityToken: await mintIdentityToken(site.identitySecret, { email, name: 'Jane Smith' }),
    });
    expect(await visitorOf(jane)).toMatchObject({ name: 'Jane Smith', identityVerified: true });
    const stored = [email, 'Jane Smith'];
    const revealsNothingStored = (answer: unknown) => {
      const text = JSON.stringify(answer);
      for (const secret of stored) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/"verified":true|"identityVerified":true/);
    };
    const FULL_IDENTIFY = `mutation ($email: String!, $name: String) {
      identifyVisitor(input: { email: $email, name: $name }) {
        contact { id email name verified }
        visitor { id email name identified identityVerified conversations { id identityVerified } }
        linkedConversationCount
      }
    }`;

    // By identify, with a name and then without one.
    const stranger = await joinAs(site);
    const given = email.toLowerCase();
    const named = await stranger.execute(FULL_IDENTIFY, { email: given, name: 'X' });
    expect(named.errors).toBeUndefined();
    expect(named.data?.identifyVisitor).toMatchObject({
      contact: { email: given, name: 'X', verified: false },
      visitor: { email: given, name: 'X', identified: true, identityVerified: false },
      linkedConversationCount: 0,
    });
    revealsNothingStored(named.data);
    revealsNothingStored(await visitorOf(stranger));
    expect(await visitorOf(stranger)).toMatchObject({ email: given, name: 'X' });

    const unnamed = await joinAs(site);
    const bare = await unnamed.execute(FULL_IDENTIFY, { email: given });
    expect(bare.data?.identifyVisitor.contact).toMatchObject({ name: null, verified: false });
    revealsNothingStored(bare.data);
    revealsNothingStored(await visitorOf(unnamed));

    // By join.
    const joined = await joinAs(site, { email: given, name: 'X' });
    expect(await visitorOf(joined)).toMatchObject({ email: given, name: 'X', identified: true });
    revealsNothingStored(await visitorOf(joined));

    // The contact itself is untouched, and Jane still sees it as stored.
    expect(await contactRow(site, email)).toMatchObject({ email, name: 'Jane Smith' });
    expect(await visitorOf(jane)).toMatchObject({ email, name: 'Jane Smith' });
  });

  it('still names a contact nobody vouched for', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    await joinAs(site, { email, name: 'First' });
    await joinAs(site, { email, name: 'Second' });
    expect(await contactRow(site, email)).toMatchObject({ name: 'Second', verified_at: null });
  });
});

describe('requireVerifiedIdentity', () => {
  it('refuses an unverified identify with IDENTITY_VERIFICATION_REQUIRED while on, and only then', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const on = await server.http(REQUIRE, { on: true }, agent.token);
    expect(on.data).toEqual({ updateWorkspaceSettings: { requireVerifiedIdentity: true } });

    const email = uniqueEmail();
    const before = await workspaceState(server, site.id);
    const joining = await server.join({ siteId: site.siteId, visitorId: newVisitorId(), email });
    expect(await joining.closed).toEqual({
      code: CloseCode.IdentityRejected,
      reason: 'IDENTITY_VERIFICATION_REQUIRED',
    });
    const anonymous = await joinAs(site);
    const afterJoin = await workspaceState(server, site.id);
    const refused = await anonymous.execute(IDENTIFY, { email });
    expect(refused.errors?.[0]?.extensions?.code).toBe('IDENTITY_VERIFICATION_REQUIRED');
    expect(await workspaceState(server, site.id)).toEqual(afterJoin);
    expect(afterJoin.contacts).toEqual(before.contacts);

    // A token passes, and the verified visitor may rejoin with its email alone.
    const identityToken = await mintIdentityToken(site.identitySecret, { email });
    const visitorId = newVisitorId();
    const verified = await server.join({ siteId: site.siteId, visitorId, email, identityToken });
    await verified.joined;
    await verified.dispose();
    const rejoined = await server.join({ siteId: site.siteId, visitorId, email });
    await rejoined.joined;
    expect(await visitorOf(rejoined)).toMatchObject({ identityVerified: true });

    // Absent leaves the setting alone; off lets unverified identifies in again.
    const unchanged = await server.http(REQUIRE, {}, agent.token);
    expect(unchanged.data?.updateWorkspaceSettings.requireVerifiedIdentity).toBe(true);
    await server.http(REQUIRE, { on: false }, agent.token);
    expect((await anonymous.execute(IDENTIFY, { email })).errors).toBeUndefined();
  });
});

describe('a refused token changes nothing', () => {
  it('answers each bad token with its code, over the socket and in the join', async () => {
    const site = await server.createWorkspace();
    const other = await server.createWorkspace();
    const email = uniqueEmail();
    // The contact exists with a name, so a wrongly accepted token would show as a change.
    const known = await joinAs(site, { email, name: 'Jane' });
    await send(known, 'Hello');
    const secret = site.identitySecret;
    const good = await mintIdentityToken(secret, { email });
    const nowSeconds = Math.floor(Date.now() / 1000);

    const cases: Array<[string, string, string]> = [
      [
        'another email',
        await mintIdentityToken(secret, { email: uniqueEmail() }),
        'IDENTITY_VERIFICATION_FAILED',
      ],
      [
        'expired',
        await mintIdentityToken(secret, { email }, { expiresIn: -60 }),
        'IDENTITY_TOKEN_EXPIRED',
      ],
      ['a flipped signature byte', withFlippedSignature(good), 'IDENTITY_VERIFICATION_FAILED'],
      [
        'a changed payload',
        withPayload(await mintIdentityToken(secret, { email: uniqueEmail() }), {
          email,
          exp: nowSeconds + 600,
        }),
        'IDENTITY_VERIFICATION_FAILED',
      ],
      [
        'an expired token with a pushed exp',
        withPayload(await mintIdentityToken(secret, { email }, { expiresIn: -60 }), {
          email,
          exp: nowSeconds + 600,
        }),
        'IDENTITY_VERIFICATION_FAILED',
      ],
      [
        'an unknown kid',
        await mintIdentityToken({ kid: 'kid_unknown', secret: secret.secret }, { email }),
        'IDENTITY_VERIFICATION_FAILED',
      ],
      [
        'another workspace’s secret',
        await mintIdentityToken(other.identitySecret, { email }),
        'IDENTITY_VERIFICATION_FAILED',
      ],
      [
        'HS512',
        await mintIdentityToken(secret, { email }, { alg: 'HS512' }),
        'IDENTITY_VERIFICATION_FAILED',
      ],
      ['alg none', unsignedToken(secret.kid, email), 'IDENTITY_VERIFICATION_FAILED'],
      [
        'a lifetime over 24 hours',
        await mintIdentityToken(secret, { email }, { expiresIn: 3 * 86_400 }),
        'IDENTITY_VERIFICATION_FAILED',
      ],
      ['not a JWT', 'not-a-token', 'IDENTITY_VERIFICATION_FAILED'],
      ['empty', '', 'IDENTITY_VERIFICATION_FAILED'],
    ];

    const visitor = await joinAs(site);
    const before = await workspaceState(server, site.id);
    for (const [what, token, code] of cases) {
      const result = await visitor.execute(IDENTIFY, { email, name: 'Mallory', token });
      expect(result.errors?.[0]?.extensions?.code, what).toBe(code);
      const joining = await server.join({
        siteId: site.siteId,
        visitorId: newVisitorId(),
        email,
        name: 'Mallory',
        identityToken: token,
      });
      expect(await joining.closed, what).toEqual({
        code: CloseCode.IdentityRejected,
        reason: code,
      });
    }
    expect(await workspaceState(server, site.id)).toEqual(before);
    expect(await visitorOf(visitor)).toMatchObject({ identified: false, identityVerified: false });

    // The same visitor then verifies with the good token.
    const accepted = await visitor.execute(IDENTIFY, { email, token: good });
    expect(accepted.data?.identifyVisitor.visitor.identityVerified).toBe(true);
  });

  it('refuses a token in the join that comes without an email', async () => {
    const site = await server.createWorkspace();
    const identityToken = await mintIdentityToken(site.identitySecret, { email: uniqueEmail() });
    const joining = await server.join({
      siteId: site.siteId,
      visitorId: newVisitorId(),
      identityToken,
    });
    expect(await joining.closed).toEqual({
      code: CloseCode.IdentityRejected,
      reason: 'BAD_USER_INPUT',
    });
    expect((await workspaceState(server, site.id)).visitors).toEqual([]);
  });
});
