import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIST_DIR } from '../server/config.ts';
import { newVisitorId, uniqueEmail } from '../server/test/harness.ts';
import { INBOX_BUILD_DIR, INBOX_CONTENT_SECURITY_POLICY } from '../server/web/inbox.ts';
import { browserSuite } from '../test/browser/fixture.ts';
import {
  graphql,
  logIn,
  screenshot,
  sessionToken,
  watchedPages,
  workspaceWithAgent,
} from './test/support.ts';
import type { Visitor } from './test/visitor.ts';
import { widgetVisitor } from './test/widget-visitor.ts';

const suite = browserSuite();
// No test may leave an error in the console of the inbox.
const openWatched = watchedPages(suite);

async function agentPage(viewport?: { width: number; height: number }): Promise<Page> {
  return (await openWatched(viewport)).page;
}

/** A visitor on a customer's page with the real widget, in a browser context of its own. */
function visitor(siteId: string): Promise<Visitor> {
  return widgetVisitor(suite, siteId);
}

const IDENTIFY_CONTACT = `mutation($input: IdentifyContactInput!) {
  identifyContact(input: $input) { id email name }
}`;

function rowOf(page: Page, text: string) {
  return page.locator('.conversation-row').filter({ hasText: text });
}

describe('the agent inbox in Chromium', () => {
  it('runs under its Content-Security-Policy, from a build without source maps', async () => {
    const { origin } = suite.server;
    const response = await fetch(`${origin}/inbox/`);
    expect(response.headers.get('content-security-policy')).toBe(INBOX_CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const builtInbox = join(DEFAULT_DIST_DIR, INBOX_BUILD_DIR);
    const built = readdirSync(builtInbox, { recursive: true, encoding: 'utf8' });
    expect(built.filter((file) => file.endsWith('.map'))).toEqual([]);
    const scripts = built.filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(readFileSync(join(builtInbox, script), 'utf8')).not.toContain('sourceMappingURL');
      expect((await fetch(`${origin}/inbox/${script}.map`)).status).toBe(404);
    }
    // The policy holds in the browser: the inbox loads and connects with no violation, which
    // Chromium also reports in the console (every test here fails on a console error).
    const { agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) =>
        (window as unknown as { reportViolation(text: string): void }).reportViolation(
          `${event.violatedDirective} ${event.blockedURI}`,
        ),
      );
    });
    await logIn(page, origin, agent);
    expect(violations).toEqual([]);
  });

  it('logs in, refuses a wrong password in words, stays logged in across a reload, logs out', async () => {
    const { agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    await page.goto(`${suite.server.origin}/inbox/`);

    await page.getByLabel('Email').fill(agent.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    expect(await page.locator('.agent').textContent()).toBe(agent.name);

    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    expect(await page.getByRole('link', { name: 'Conversations' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await page.getByLabel('Email').isVisible()).toBe(true);
    expect(await page.locator('.notice').count()).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();

    // A session revoked elsewhere ends this one too, and the agent is told why.
    await logIn(page, suite.server.origin, agent);
    const token = await page.evaluate(
      () => JSON.parse(localStorage.getItem('sonny.inbox.session') ?? '{}').token,
    );
    expect((await graphql(suite.server, token, 'mutation { logout }')).data).toEqual({
      logout: true,
    });
    await page.getByText('Your session has ended. Log in again.').waitFor();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });

  it('shows a new conversation live, then the identify of its visitor in the row and the sidebar', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const jane = await visitor(workspace.siteId);
    await jane.send('Hello, is anyone there?');
    const row = rowOf(page, 'Hello, is anyone there?');
    await row.waitFor();
    expect(await row.locator('.name').textContent()).toBe('Anonymous visitor');
    expect(await row.locator('.unread').textContent()).toBe('1 unread');

    await row.getByRole('link').click();
    const sidebar = page.getByRole('complementary', { name: 'Contact' });
    await sidebar.getByRole('heading', { name: 'Anonymous visitor' }).waitFor();

    const email = uniqueEmail('jane');
    await jane.identify({ email, name: 'Jane Smith' });
    await sidebar.getByRole('heading', { name: 'Jane Smith' }).waitFor();
    expect(await sidebar.locator('.contact-email').textContent()).toBe(email);
    await row.locator('.name', { hasText: 'Jane Smith' }).waitFor();
    expect(await row.locator('.email').textContent()).toBe(email);
    expect(
      await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).toBe(true);
    await screenshot(page, 'inbox-conversation-list');
  });

  it('delivers a reply to the visitor and the answer to the thread, each exactly once', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    const sam = await visitor(workspace.siteId);
    await sam.send('My order has not arrived.');
    // By keyboard: the row is a link, the composer a labelled text box.
    await rowOf(page, 'My order has not arrived.').getByRole('link').focus();
    await page.keyboard.press('Enter');

    const composer = page.getByRole('textbox', { name: 'Reply' });
    await composer.fill('Sorry to hear that.');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('Which order number?');
    // Enter pressed again and again, while the reply is on its way and as its answer lands
    // (before the box re-renders empty), must never send it twice.
    for (let press = 0; press < 12; press++) await composer.press('Enter');
    const reply = 'Sorry to hear that.\nWhich order number?';
    const thread = page.getByRole('list', { name: 'Messages' });
    await thread.locator('.message.agent', { hasText: 'Which order number?' }).waitFor();
    await sam.waitForAgentMessage(reply);
    expect(await composer.inputValue()).toBe('');

    await sam.send('It is 4711.');
    await thread.locator('.message.visitor', { hasText: 'It is 4711.' }).waitFor();
    await page.waitForTimeout(500);
    expect(await thread.locator('.message', { hasText: 'Which order number?' }).count()).toBe(1);
    expect(await thread.locator('.message', { hasText: 'It is 4711.' }).count()).toBe(1);
    expect(await sam.countMessages(reply)).toBe(1);
    expect(
      await thread
        .locator('.message.agent .body')
        .first()
        .evaluate((el) => el.textContent),
    ).toBe(reply);
    await screenshot(page, 'inbox-conversation');

    // Close moves it to the closed tab; reopen brings the composer back.
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await page.getByText('This conversation is closed. Reopen it to reply.').waitFor();
    await rowOf(page, 'It is 4711.').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Closed' }).click();
    await rowOf(page, 'It is 4711.').waitFor();
    await page.getByRole('button', { name: 'Reopen conversation' }).click();
    await composer.waitFor();

    // Readable at 768 px: nothing wider than the window.
    await page.setViewportSize({ width: 768, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      768,
    );
    await screenshot(page, 'inbox-conversation-768');
  });

  it('finds contacts by email prefix and by name, and pages through each of them once', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const total = 45;
    for (let i = 0; i < total; i++) {
      const result = await graphql(suite.server, workspace.apiKey, IDENTIFY_CONTACT, {
        input: {
          email: `customer${String(i).padStart(2, '0')}@shop.example`,
          name: `Customer ${i}`,
        },
      });
      expect(result.errors).toBeUndefined();
    }
    await graphql(suite.server, workspace.apiKey, IDENTIFY_CONTACT, {
      input: { email: 'zoe.quinn@elsewhere.example', name: 'Zoë Quinn' },
    });

    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    await page.getByRole('link', { name: 'Contacts' }).click();
    const list = page.getByRole('region', { name: 'Contacts' });
    const rows = list.locator('.contact-row');
    await rows.first().waitFor();

    const search = page.getByRole('searchbox', { name: 'Search contacts' });
    await search.fill('zoe.q');
    await list.locator('.contact-row', { hasText: 'Zoë Quinn' }).waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    await search.fill('Zoë');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.locator('.email').textContent()).toBe('zoe.quinn@elsewhere.example');

    await search.fill('');
    await expect.poll(() => rows.count()).toBe(20);
    await screenshot(page, 'inbox-contacts');
    const more = list.getByRole('button', { name: 'Load more' });
    while (await more.isVisible()) {
      const before = await rows.count();
      await more.click();
      await expect.poll(() => rows.count()).toBeGreaterThan(before);
    }
    const ids = await rows.evaluateAll((elements) =>
      elements.map((el) => el.getAttribute('data-id')),
    );
    expect(ids).toHaveLength(total + 1);
    expect(new Set(ids).size).toBe(total + 1);

    await rows.filter({ hasText: 'Customer 7' }).first().getByRole('link').click();
    await page.getByRole('heading', { name: 'Customer 7', exact: true }).waitFor();
  });

  it('shows a contact’s conversations a page at a time', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const email = uniqueEmail('regular');
    const token = await sessionToken(suite.server, agent);
    // 22 conversations, from two devices (a visitor may send 20 messages in 10 s): each closed
    // by the agent, so the next message opens another.
    for (const device of [1, 2]) {
      const socket = await suite.server.join({
        siteId: workspace.siteId,
        visitorId: newVisitorId(),
        email,
        name: 'Regular Customer',
      });
      for (let i = 1; i <= 11; i++) {
        const sent = await socket.execute(
          'mutation($input: SendMessageInput!) { sendMessage(input: $input) { conversationId } }',
          { input: { body: `Visit ${device}.${i}`, clientMessageId: `visit-${i}` } },
        );
        const closed = await graphql(
          suite.server,
          token,
          'mutation($id: ID!) { closeConversation(id: $id) { id } }',
          { id: sent.data?.sendMessage.conversationId },
        );
        expect(closed.errors).toBeUndefined();
      }
    }

    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.locator('.contact-row', { hasText: 'Regular Customer' }).getByRole('link').click();
    const detail = page.getByRole('region', { name: 'Contact' });
    const links = detail.locator('.other-link');
    await links.first().waitFor();
    await expect.poll(() => links.count()).toBe(20);
    expect(await links.first().locator('.last').textContent()).toBe('Visit 2.11');
    await detail.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => links.count()).toBe(22);
    expect(await links.last().locator('.last').textContent()).toBe('Visit 1.1');
    expect(await detail.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('shows Verified only for a visitor identified with a signed identity token', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);

    const typed = await visitor(workspace.siteId);
    await typed.send('I typed my email.');
    await typed.identify({ email: uniqueEmail('typed'), name: 'Typed Person' });

    const signedEmail = uniqueEmail('signed');
    const token = await graphql(
      suite.server,
      workspace.apiKey,
      `mutation($input: CreateIdentityTokenInput!) { createIdentityToken(input: $input) { token } }`,
      { input: { email: signedEmail, name: 'Signed Person' } },
    );
    expect(token.errors).toBeUndefined();
    const signed = await visitor(workspace.siteId);
    await signed.send('My site vouched for me.');
    await signed.identify({
      email: signedEmail,
      name: 'Signed Person',
      identityToken: token.data.createIdentityToken.token,
    });

    const typedRow = rowOf(page, 'Typed Person');
    const signedRow = rowOf(page, 'Signed Person');
    await typedRow.locator('.badge', { hasText: /^Unverified$/ }).waitFor();
    await signedRow.locator('.badge', { hasText: /^Verified$/ }).waitFor();
    expect(await typedRow.locator('.badge').textContent()).toBe('Unverified');
    expect(await signedRow.locator('.badge').textContent()).toBe('Verified');

    await signedRow.getByRole('link').click();
    const sidebar = page.getByRole('complementary', { name: 'Contact' });
    await sidebar.getByText('The website vouched for this email').waitFor();
    await typedRow.getByRole('link').click();
    await sidebar.getByText('given without a signed identity token').waitFor();
  });

  it('creates an API key shown once, which works until it is revoked', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.locator('.site-id').waitFor();
    expect(await page.locator('.snippet').textContent()).toContain(
      (await page.locator('.site-id').textContent()) ?? 'no site id',
    );

    await page.getByRole('button', { name: 'Create API key' }).click();
    const secret = (await page.locator('.api-key-secret').textContent()) ?? '';
    expect(secret).toMatch(/^sonny_sk_/);
    const email = uniqueEmail('integrated');
    const used = await graphql(suite.server, secret, IDENTIFY_CONTACT, { input: { email } });
    expect(used.errors).toBeUndefined();
    expect(used.data.identifyContact.email).toBe(email);

    await page.getByRole('button', { name: 'I have stored it' }).click();
    // Gone from the page once React has rendered the click, and never shown again.
    await page.locator('.api-key-secret').waitFor({ state: 'detached' });
    const prefix = secret.slice(0, 12);
    const keyRow = page.locator('.keys tbody tr').filter({ hasText: prefix.slice(0, 10) });
    await keyRow.getByRole('button', { name: /^Revoke/ }).click();
    await keyRow.getByRole('button', { name: 'Confirm revoke' }).click();
    await keyRow.getByText(/^Revoked/).waitFor();

    const refused = await graphql(suite.server, secret, IDENTIFY_CONTACT, { input: { email } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // The verified-identity switch and the secret rotation reach the workspace.
    const settings = '{ workspace { requireVerifiedIdentity identitySecretKid } }';
    const before = (await graphql(suite.server, workspace.apiKey, settings)).data.workspace;
    expect(before.requireVerifiedIdentity).toBe(false);
    await page.getByRole('checkbox', { name: 'Require verified identity' }).check();
    await expect
      .poll(
        async () =>
          (await graphql(suite.server, workspace.apiKey, settings)).data.workspace
            .requireVerifiedIdentity,
      )
      .toBe(true);
    await page.getByRole('button', { name: 'Rotate identity secret' }).click();
    await page.getByRole('button', { name: 'Confirm rotation' }).click();
    await page.locator('.identity-secret').waitFor();
    const after = (await graphql(suite.server, workspace.apiKey, settings)).data.workspace;
    expect(after.identitySecretKid).not.toBe(before.identitySecretKid);
    await page.locator('.kid', { hasText: after.identitySecretKid }).waitFor();
  });

  it('shows markup in a name or a message as text', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const name = '<script>alert(1)</script>';
    const email = uniqueEmail('markup');
    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    const mallory = await visitor(workspace.siteId);
    await mallory.identify({ email, name });
    await mallory.send('<img src=x onerror=alert(2)>');

    const row = rowOf(page, '<img src=x onerror=alert(2)>');
    await row.waitFor();
    expect(await row.locator('.name').textContent()).toBe(name);
    await row.getByRole('link').click();
    const sidebar = page.getByRole('complementary', { name: 'Contact' });
    expect(await sidebar.getByRole('heading').first().textContent()).toBe(name);
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.locator('.contact-row .name', { hasText: name }).waitFor();
    // Nothing was parsed as markup: no injected element, and no alert (a dialog fails the test).
    expect(await page.locator('main script, main img').count()).toBe(0);
  });
  it('pages back through a long thread, each message once', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const sam = await visitor(workspace.siteId);
    await sam.send('The very first message.');
    const token = await sessionToken(suite.server, agent);
    const list = await graphql(suite.server, token, '{ conversations { edges { node { id } } } }');
    const conversationId: string = list.data.conversations.edges[0].node.id;
    for (let i = 1; i <= 40; i++) {
      const reply = await graphql(
        suite.server,
        token,
        'mutation($input: ReplyToConversationInput!) { replyToConversation(input: $input) { id } }',
        { input: { conversationId, body: `Reply number ${i}.`, clientMessageId: `reply-${i}` } },
      );
      expect(reply.errors).toBeUndefined();
    }

    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    await rowOf(page, 'Reply number 40.').getByRole('link').click();
    const messages = page.getByRole('list', { name: 'Messages' }).locator('.message');
    await messages.filter({ hasText: 'Reply number 40.' }).waitFor();
    expect(await messages.count()).toBe(30);
    await page.getByRole('button', { name: 'Load older messages' }).click();
    await messages.filter({ hasText: 'The very first message.' }).waitFor();
    const bodies = await messages.locator('.body').allTextContents();
    expect(bodies).toEqual([
      'The very first message.',
      ...Array.from({ length: 40 }, (_, i) => `Reply number ${i + 1}.`),
    ]);
    expect(await page.getByRole('button', { name: 'Load older messages' }).count()).toBe(0);
  });

  it('catches up on what happened while its connection was down', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    // The agent's socket goes through this route, so the test can cut it and refuse new ones.
    let down = false;
    const sockets = new Set<WebSocketRoute>();
    await page.routeWebSocket(/\/graphql$/, (socket) => {
      if (down) {
        void socket.close({ code: 1001, reason: 'Network down' });
        return;
      }
      socket.connectToServer();
      sockets.add(socket);
    });
    await logIn(page, suite.server.origin, agent);
    const first = await visitor(workspace.siteId);
    await first.send('Before the cut.');
    await rowOf(page, 'Before the cut.').getByRole('link').click();
    const thread = page.getByRole('list', { name: 'Messages' });
    await thread.locator('.message', { hasText: 'Before the cut.' }).waitFor();

    down = true;
    await Promise.all([...sockets].map((socket) => socket.close({ code: 1001, reason: 'Cut' })));
    await page.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor();
    await first.send('During the cut.');
    const second = await visitor(workspace.siteId);
    await second.send('A new conversation during the cut.');
    await page.waitForTimeout(300);
    expect(await rowOf(page, 'A new conversation during the cut.').count()).toBe(0);

    down = false;
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await rowOf(page, 'A new conversation during the cut.').waitFor();
    // The thread loads nothing again on reconnect: this message can only come from the replay
    // of inboxEvents(after: the last event seen before the cut).
    await thread.locator('.message', { hasText: 'During the cut.' }).waitFor();
    await page.waitForTimeout(300);
    expect(await thread.locator('.message', { hasText: 'During the cut.' }).count()).toBe(1);
    expect(await page.locator('.conversation-row').count()).toBe(2);
  });
});
