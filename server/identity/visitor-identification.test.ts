import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/index.ts';
import { newVisitorId, sharedTestServer, uniqueEmail } from '../test/harness.ts';
import { countWorkspaceRows, type WorkspaceTable } from '../test/rows.ts';

const VISITOR = `query { visitor { id email name identified conversations { id messages { body } } } }`;
const IDENTIFY = `mutation ($email: String!, $name: String) {
  identifyVisitor(input: { email: $email, name: $name }) {
    contact { id email name }
    visitor { id email name identified }
    linkedConversationCount
  }
}`;
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id body conversationId }
}`;
const RESET = 'mutation { resetVisitor { endedVisitorId } }';

const server = sharedTestServer();

async function contactsOf(workspaceId: string) {
  return server.app.db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** The workspace's one visitor, as stored. */
async function visitorRow(workspaceId: string) {
  return server.app.db
    .selectFrom('visitors')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
}

async function rowCounts(workspaceId: string) {
  const count = (table: WorkspaceTable) => countWorkspaceRows(server.app.db, table, workspaceId);
  return {
    contacts: await count('contacts'),
    visitors: await count('visitors'),
    conversations: await count('conversations'),
  };
}

describe('How it works (the seed page, step by step)', () => {
  it('joins with the stored identity, upserts the contact, links conversations and reports the visitor identified', async () => {
    const site = await server.createWorkspace();
    const visitorId = newVisitorId();

    // An anonymous visit first: the visitor writes before anyone knows who they are.
    const anonymous = await server.join({ siteId: site.siteId, visitorId });
    await anonymous.joined;
    const sent = await anonymous.execute(SEND, { body: 'Hello?', id: 'm1' });
    expect(sent.errors).toBeUndefined();
    await anonymous.dispose();

    // 1. Widget loads and connects, sending the stored identity along with the join.
    const email = uniqueEmail();
    const socket = await server.join({ siteId: site.siteId, visitorId, email, name: 'Jane Smith' });
    await socket.joined;

    // 2. The server upserted a contact by email and workspace.
    const contacts = await contactsOf(site.id);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ email, name: 'Jane Smith' });

    // 3. The visitor's conversation without a contact is linked to it; the first operation sees it.
    const { data } = await socket.execute(VISITOR);
    expect(data?.visitor).toMatchObject({ email, name: 'Jane Smith', identified: true });
    const conversation = await server.app.db
      .selectFrom('conversations')
      .select('contact_id')
      .where('id', '=', sent.data?.sendMessage.conversationId)
      .executeTakeFirstOrThrow();
    expect(conversation.contact_id).toBe(contacts[0]?.id);

    // 4. Identified, so the widget skips the email prompt: that is `identified: true` above,
    //    and it survives a reconnect without the identity in the join.
    await socket.dispose();
    const resumed = await server.join({ siteId: site.siteId, visitorId });
    await resumed.joined;
    expect((await resumed.execute(VISITOR)).data?.visitor).toMatchObject({
      email,
      identified: true,
    });
  });
});

describe('identify', () => {
  it('after the join: links the anonymous conversation and counts it', async () => {
    const site = await server.createWorkspace();
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await socket.joined;
    expect((await socket.execute(VISITOR)).data?.visitor).toMatchObject({
      email: null,
      identified: false,
    });
    await socket.execute(SEND, { body: 'Anyone there?', id: 'a' });

    const email = uniqueEmail();
    const { data, errors } = await socket.execute(IDENTIFY, { email, name: 'Jane' });
    expect(errors).toBeUndefined();
    expect(data?.identifyVisitor).toMatchObject({
      contact: { email, name: 'Jane' },
      visitor: { email, name: 'Jane', identified: true },
      linkedConversationCount: 1,
    });
    const conversations = await server.app.db
      .selectFrom('conversations')
      .select('contact_id')
      .where('workspace_id', '=', site.id)
      .execute();
    expect(conversations).toEqual([{ contact_id: data?.identifyVisitor.contact.id }]);
  });

  it('before any conversation: links nothing and still identifies', async () => {
    const site = await server.createWorkspace();
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const { data } = await socket.execute(IDENTIFY, { email: uniqueEmail() });
    expect(data?.identifyVisitor.linkedConversationCount).toBe(0);
    expect(data?.identifyVisitor.visitor.identified).toBe(true);
  });

  it('twice with the same email: one contact, nothing linked the second time, name kept when absent', async () => {
    const site = await server.createWorkspace();
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await socket.execute(SEND, { body: 'hi', id: 'x' });
    const email = uniqueEmail();
    const first = await socket.execute(IDENTIFY, { email, name: 'Jane' });
    const second = await socket.execute(IDENTIFY, { email });
    expect(first.data?.identifyVisitor.linkedConversationCount).toBe(1);
    expect(second.data?.identifyVisitor).toMatchObject({
      contact: { id: first.data?.identifyVisitor.contact.id, name: 'Jane' },
      linkedConversationCount: 0,
    });
    expect(await contactsOf(site.id)).toHaveLength(1);
  });

  it('updates the name when a new one is given', async () => {
    const site = await server.createWorkspace();
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const email = uniqueEmail();
    await socket.execute(IDENTIFY, { email, name: 'Jane' });
    const { data } = await socket.execute(IDENTIFY, { email, name: 'Jane Smith' });
    expect(data?.identifyVisitor.contact.name).toBe('Jane Smith');
  });

  it('treats mixed case and surrounding spaces as the same contact, keeping the first spelling', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail('Jane.Doe');
    const a = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const b = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const first = await a.execute(IDENTIFY, { email });
    const second = await b.execute(IDENTIFY, { email: `  ${email.toUpperCase()} ` });
    expect(second.data?.identifyVisitor.contact.id).toBe(first.data?.identifyVisitor.contact.id);
    // Each visitor is shown its own spelling; the contact keeps the first.
    expect(first.data?.identifyVisitor.contact.email).toBe(email);
    expect(second.data?.identifyVisitor.contact.email).toBe(email.toUpperCase());
    expect((await contactsOf(site.id)).map((contact) => contact.email)).toEqual([email]);
  });

  it('treats compatibility forms and Unicode or ASCII domains of one address as one contact', async () => {
    const site = await server.createWorkspace();
    const local = `jane${newVisitorId().slice(0, 8)}`;
    const spellings = [
      `${local}@bücher.de`,
      `${local}@BÜCHER.de`,
      `${local}@xn--bcher-kva.de`,
      `\uff4a${local.slice(1)}@bücher.de`,
      `${local}@b\uff55\u0308cher.de`,
    ];
    const ids = new Set<string>();
    for (const email of spellings) {
      const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
      const { data, errors } = await socket.execute(IDENTIFY, { email });
      expect(errors, email).toBeUndefined();
      ids.add(data?.identifyVisitor.contact.id);
    }
    expect(ids.size).toBe(1);
    expect(await contactsOf(site.id)).toMatchObject([
      { email: spellings[0], email_normalized: `${local}@xn--bcher-kva.de` },
    ]);
  });

  it('keeps the same email in two workspaces as two contacts', async () => {
    const one = await server.createWorkspace('One');
    const two = await server.createWorkspace('Two');
    const email = uniqueEmail();
    const a = await server.join({ siteId: one.siteId, visitorId: newVisitorId(), email });
    const b = await server.join({ siteId: two.siteId, visitorId: newVisitorId(), email });
    await Promise.all([a.joined, b.joined]);
    const [inOne, inTwo] = [await contactsOf(one.id), await contactsOf(two.id)];
    expect(inOne).toHaveLength(1);
    expect(inTwo).toHaveLength(1);
    expect(inOne[0]?.id).not.toBe(inTwo[0]?.id);
  });

  it('50 visitors identifying one email at once: one contact, 50 visitors bound, no error', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const sockets = await Promise.all(
      Array.from({ length: 50 }, () =>
        server.join({ siteId: site.siteId, visitorId: newVisitorId() }),
      ),
    );
    await Promise.all(sockets.map((socket) => socket.joined));
    const results = await Promise.all(sockets.map((socket) => socket.execute(IDENTIFY, { email })));
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const contacts = await contactsOf(site.id);
    expect(contacts).toHaveLength(1);
    expect(new Set(results.map((result) => result.data?.identifyVisitor.contact.id))).toEqual(
      new Set([contacts[0]?.id]),
    );
    const bound = await server.app.db
      .selectFrom('visitors')
      .select('contact_id')
      .where('workspace_id', '=', site.id)
      .execute();
    expect(bound).toHaveLength(50);
    expect(bound.every((visitor) => visitor.contact_id === contacts[0]?.id)).toBe(true);
    await Promise.all(sockets.map((socket) => socket.dispose()));
  });

  it('refuses a different email for an identified visitor with IDENTITY_CONFLICT and changes nothing', async () => {
    const site = await server.createWorkspace();
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const jane = uniqueEmail('jane');
    await socket.execute(IDENTIFY, { email: jane, name: 'Jane' });
    const before = await rowCounts(site.id);

    const { errors, data } = await socket.execute(IDENTIFY, {
      email: uniqueEmail('john'),
      name: 'John',
    });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('IDENTITY_CONFLICT');
    expect(await rowCounts(site.id)).toEqual(before);
    expect((await socket.execute(VISITOR)).data?.visitor).toMatchObject({
      email: jane,
      name: 'Jane',
    });
  });
});

describe('bad identify input', () => {
  const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}.com`;
  it.each([
    ['an empty email', { email: '' }, 'input.email'],
    ['an email without @', { email: 'jane.example.com' }, 'input.email'],
    ['an email with a space', { email: 'jane doe@example.com' }, 'input.email'],
    ['an email over 254 characters', { email: long }, 'input.email'],
    [
      'a name over 200 characters',
      { email: 'ok@example.com', name: 'n'.repeat(201) },
      'input.name',
    ],
    [
      'a name with a control character',
      { email: 'ok@example.com', name: 'Jane\u0007' },
      'input.name',
    ],
    [
      'a name with a right-to-left override',
      { email: 'ok@example.com', name: 'Jane\u202eevil' },
      'input.name',
    ],
  ])(
    'refuses %s with BAD_USER_INPUT on its field and writes nothing',
    async (_case, input, field) => {
      const site = await server.createWorkspace();
      const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
      await socket.execute(SEND, { body: 'hi', id: 'h' });
      const before = await rowCounts(site.id);
      const { data, errors } = await socket.execute(IDENTIFY, input);
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await rowCounts(site.id)).toEqual(before);
      expect((await socket.execute(VISITOR)).data?.visitor.identified).toBe(false);
    },
  );

  it('accepts an internationalised address', async () => {
    const site = await server.createWorkspace();
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const { data } = await socket.execute(IDENTIFY, { email: 'José.Müller@exämple.de' });
    expect(data?.identifyVisitor.contact.email).toBe('José.Müller@exämple.de');
  });
});

describe('the join', () => {
  it('creates a visitor for a new visitorId and resumes it for a known one', async () => {
    const site = await server.createWorkspace();
    const visitorId = newVisitorId();
    const first = await server.join({ siteId: site.siteId, visitorId });
    const firstId = (await first.execute(VISITOR)).data?.visitor.id;
    await first.dispose();
    const again = await server.join({ siteId: site.siteId, visitorId });
    expect((await again.execute(VISITOR)).data?.visitor.id).toBe(firstId);
    expect(firstId).not.toBe(visitorId);
    expect((await rowCounts(site.id)).visitors).toBe(1);
  });

  it('closes with 4403 for an unknown siteId or a malformed visitorId', async () => {
    const site = await server.createWorkspace();
    const unknownSite = await server.join({ siteId: 'site_nope', visitorId: newVisitorId() });
    expect(await unknownSite.closed).toEqual({
      code: CloseCode.Forbidden,
      reason: 'Unknown siteId',
    });
    const malformed = await server.join({ siteId: site.siteId, visitorId: 'not-a-uuid' });
    expect(await malformed.closed).toEqual({
      code: CloseCode.Forbidden,
      reason: 'visitorId must be a UUID',
    });
    const missing = await server.join({});
    expect((await missing.closed).code).toBe(CloseCode.Forbidden);
    expect((await rowCounts(site.id)).visitors).toBe(0);
  });

  it('refuses an identity the server rejects with 4400 and the error code, writing nothing', async () => {
    const site = await server.createWorkspace();
    const badEmail = await server.join({
      siteId: site.siteId,
      visitorId: newVisitorId(),
      email: 'not an email',
    });
    expect(await badEmail.closed).toEqual({
      code: CloseCode.IdentityRejected,
      reason: 'BAD_USER_INPUT',
    });
    expect(await rowCounts(site.id)).toEqual({ contacts: 0, visitors: 0, conversations: 0 });

    const visitorId = newVisitorId();
    const jane = await server.join({ siteId: site.siteId, visitorId, email: uniqueEmail('jane') });
    await jane.joined;
    await jane.dispose();
    const before = await rowCounts(site.id);
    const conflicting = await server.join({
      siteId: site.siteId,
      visitorId,
      email: uniqueEmail('john'),
    });
    expect(await conflicting.closed).toEqual({
      code: CloseCode.IdentityRejected,
      reason: 'IDENTITY_CONFLICT',
    });
    expect(await rowCounts(site.id)).toEqual(before);
  });

  it('repeating its identity at each page view: the contact takes a new name, keeps it when none is given, and the visitor sees the email as it gave it last', async () => {
    const site = await server.createWorkspace();
    const visitorId = newVisitorId();
    const email = uniqueEmail('Jane');
    const first = await server.join({ siteId: site.siteId, visitorId, email, name: 'Jane' });
    await first.execute(SEND, { body: 'hi', id: 'p1' });
    await first.dispose();
    const visited = await visitorRow(site.id);

    const lower = email.toLowerCase();
    const renamed = await server.join({ siteId: site.siteId, visitorId, email: lower, name: 'J' });
    expect((await renamed.execute(VISITOR)).data?.visitor).toMatchObject({
      email: lower,
      name: 'J',
      identified: true,
      conversations: [{ messages: [{ body: 'hi' }] }],
    });
    await renamed.dispose();
    const unnamed = await server.join({ siteId: site.siteId, visitorId, email });
    expect((await unnamed.execute(VISITOR)).data?.visitor).toMatchObject({ email, name: 'J' });

    expect(await contactsOf(site.id)).toEqual([expect.objectContaining({ email, name: 'J' })]);
    expect((await visitorRow(site.id)).last_seen_at.getTime()).toBeGreaterThan(
      visited.last_seen_at.getTime(),
    );
    expect(await rowCounts(site.id)).toEqual({ contacts: 1, visitors: 1, conversations: 1 });
  });

  it('repeating its identity after the integrator vouched for the contact: the stored name stays, the visitor sees the one it gave', async () => {
    const site = await server.createWorkspace();
    const visitorId = newVisitorId();
    const email = uniqueEmail();
    await (await server.join({ siteId: site.siteId, visitorId, email, name: 'Jane' })).dispose();
    const vouched = await server.http(
      `mutation ($email: String!) { identifyContact(input: { email: $email, name: "Jane Doe" }) { id } }`,
      { email },
      site.apiKey,
    );
    expect(vouched.errors).toBeUndefined();

    const again = await server.join({ siteId: site.siteId, visitorId, email, name: 'Janet' });
    expect((await again.execute(VISITOR)).data?.visitor).toMatchObject({ email, name: 'Janet' });
    expect(await contactsOf(site.id)).toEqual([
      expect.objectContaining({ name: 'Jane Doe', verified_at: expect.any(Date) }),
    ]);
  });

  it('a reset visitorId is refused with its identity too, and the contact is left as it was', async () => {
    const site = await server.createWorkspace();
    const visitorId = newVisitorId();
    const email = uniqueEmail();
    const tab = await server.join({ siteId: site.siteId, visitorId, email, name: 'Jane' });
    expect((await tab.execute(RESET)).errors).toBeUndefined();
    const [before] = await contactsOf(site.id);

    const rejoin = await server.join({ siteId: site.siteId, visitorId, email, name: 'Other' });
    expect((await rejoin.closed).code).toBe(CloseCode.Forbidden);
    expect(await contactsOf(site.id)).toEqual([before]);
  });
});

describe('reset', () => {
  it('answers, closes every socket of the visitor, refuses its visitorId afterwards, and keeps its data', async () => {
    const site = await server.createWorkspace();
    const visitorId = newVisitorId();
    const email = uniqueEmail();
    const tab1 = await server.join({ siteId: site.siteId, visitorId, email });
    const tab2 = await server.join({ siteId: site.siteId, visitorId });
    await Promise.all([tab1.joined, tab2.joined]);
    await tab1.execute(SEND, { body: 'keep me', id: 'k' });

    const { data, errors } = await tab1.execute(RESET);
    expect(errors).toBeUndefined();
    expect(data?.resetVisitor.endedVisitorId).toEqual(expect.any(String));
    expect((await tab1.closed).code).toBe(CloseCode.Forbidden);
    expect((await tab2.closed).code).toBe(CloseCode.Forbidden);

    const rejoin = await server.join({ siteId: site.siteId, visitorId });
    expect(await rejoin.closed).toEqual({
      code: CloseCode.Forbidden,
      reason: 'This visitorId was reset; start over with a new one',
    });

    // The agents keep everything: contact, conversation and message.
    expect(await rowCounts(site.id)).toEqual({ contacts: 1, visitors: 1, conversations: 1 });
    const messages = await server.app.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select('body')
      .where('conversations.workspace_id', '=', site.id)
      .execute();
    expect(messages).toEqual([{ body: 'keep me' }]);

    // A fresh visitorId starts over as an anonymous visitor.
    const fresh = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    expect((await fresh.execute(VISITOR)).data?.visitor).toMatchObject({
      identified: false,
      email: null,
      conversations: [],
    });
  });
});

describe('access', () => {
  it('without a joined visitor, visitor operations fail with UNAUTHENTICATED over HTTP', async () => {
    for (const query of [
      VISITOR,
      RESET,
      'mutation { identifyVisitor(input: { email: "a@b.co" }) { linkedConversationCount } }',
    ]) {
      const result = await server.http(query);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a visitor sees only its own conversations and messages', async () => {
    const site = await server.createWorkspace();
    const alice = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const bob = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const aliceMessage = await alice.execute(SEND, { body: 'alice secret', id: 'same-id' });
    await bob.execute(SEND, { body: 'bob hello', id: 'bob-1' });

    const bobView = (await bob.execute(VISITOR)).data?.visitor;
    expect(JSON.stringify(bobView)).not.toContain('alice secret');
    expect(bobView.conversations).toHaveLength(1);

    // Reusing another visitor's clientMessageId creates Bob's own message, never returns Alice's.
    const reused = await bob.execute(SEND, { body: 'bob again', id: 'same-id' });
    expect(reused.data?.sendMessage.body).toBe('bob again');
    expect(reused.data?.sendMessage.id).not.toBe(aliceMessage.data?.sendMessage.id);

    // Alice's message id is no cursor for Bob.
    const events = bob.subscribe(
      'subscription ($after: ID) { visitorEvents(after: $after) { ... on VisitorMessageAdded { message { body } } } }',
      { after: aliceMessage.data?.sendMessage.id },
    );
    const refused = await events.next();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });
});
