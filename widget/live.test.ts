/**
 * Scenarios 6 and 8 of the widget issue in real Chromium: agent replies arrive live, a
 * second tab follows a reset, and a network cut while typing loses and duplicates nothing,
 * nor mistakes a same-text message for the visitor's own.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../server/test/harness.ts';
import { mintIdentityToken } from '../server/test/identity-tokens.ts';
import { shownAsSent, widgetFixture } from './test/fixture.ts';
import {
  expectNoPageErrors,
  newWidgetContext,
  promptWasEverShown,
  sendMessage,
  storedFor,
  waitForReady,
  widget,
} from './test/host.ts';
import { sharedProxy } from './test/proxy.ts';

const fixture = widgetFixture();
const proxy = sharedProxy(fixture);

async function site(options: { identify: boolean; serverOrigin?: string }) {
  const { workspace, url, truth } = await fixture.site(options);
  const agent = await fixture.server.createAgent(workspace.id);
  return { workspace, agent, url, truth };
}

async function open(url: string): Promise<Page> {
  const page = await fixture.context.newPage();
  await page.goto(url);
  await waitForReady(page);
  return page;
}

async function reply(agentToken: string, conversationId: string, body: string): Promise<void> {
  const result = await fixture.server.http(
    `mutation Reply($input: ReplyToConversationInput!) { replyToConversation(input: $input) { id } }`,
    { input: { conversationId, body, clientMessageId: randomUUID() } },
    agentToken,
  );
  expect(result.errors).toBeUndefined();
}

describe('the widget in Chromium: live', () => {
  it('6a. an agent reply reaches the open widget without a reload, with an unread badge while closed', async () => {
    const { agent, url, truth } = await site({ identify: true });
    const page = await open(url);
    const ui = widget(page);
    const received = page.evaluate(
      () =>
        new Promise<{ author: string; body: string }>((resolve) => {
          const sonny = (window as unknown as { sonny: (...args: unknown[]) => unknown }).sonny;
          sonny('on', 'message', (message: { author: string; body: string }) => {
            if (message.author === 'AGENT') resolve(message);
          });
        }),
    );
    await sendMessage(page, 'Is my order on its way?');
    await shownAsSent(page, 'Is my order on its way?');
    const [message] = await truth.messagesWithBody('Is my order on its way?');

    await reply(agent.token, message?.conversation_id ?? '', 'Yes, it ships today.');
    await shownAsSent(page, 'Yes, it ships today.');
    expect(await received).toMatchObject({ author: 'AGENT', body: 'Yes, it ships today.' });

    // Closed panel: the next reply shows as unread on the launcher until the panel opens.
    await page.keyboard.press('Escape');
    await reply(agent.token, message?.conversation_id ?? '', 'Tracking number: 42.');
    await page.getByRole('button', { name: 'Chat, 1 unread message' }).waitFor();
    await ui.launcher.click();
    await shownAsSent(page, 'Tracking number: 42.');
    expect(await ui.launcher.getAttribute('aria-label')).toBe('Chat');
    expect(await ui.said.allTextContents()).toEqual([
      'You: Is my order on its way?',
      'Alex Agent: Yes, it ships today.',
      'Alex Agent: Tracking number: 42.',
    ]);
    await expectNoPageErrors(page);
  });

  it('6b. a second tab resets when the first one does', async () => {
    const { workspace, url, truth } = await site({ identify: true });
    const first = await open(url);
    const second = await open(url);
    await sendMessage(first, 'Shared-computer question');
    await shownAsSent(first, 'Shared-computer question');
    await widget(second).launcher.click();
    await shownAsSent(second, 'Shared-computer question');
    const before = await storedFor(first, workspace.siteId);
    const secondReset = second.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const sonny = (window as unknown as { sonny: (...args: unknown[]) => unknown }).sonny;
          sonny('on', 'reset', () => resolve());
        }),
    );

    await first.evaluate(() =>
      (window as unknown as { sonny: (...args: unknown[]) => Promise<void> }).sonny('reset'),
    );
    await secondReset;
    await expect.poll(() => widget(second).messages.count()).toBe(0);
    const after = await storedFor(first, workspace.siteId);
    expect(after.visitorId).not.toBe(before.visitorId);
    expect(await storedFor(second, workspace.siteId)).toEqual(after);

    // The second tab now speaks as the new visitor, anonymous.
    await sendMessage(second, 'Hello from the second tab');
    await shownAsSent(second, 'Hello from the second tab');
    const [message] = await truth.messagesWithBody('Hello from the second tab');
    const visitor = await truth.visitor(after.visitorId ?? '');
    const conversations = await truth.conversationsOfVisitor(visitor?.id ?? '');
    expect(conversations.map((conversation) => conversation.id)).toEqual([
      message?.conversation_id,
    ]);
    expect(conversations[0]?.contact_id).toBeNull();
    await widget(second).prompt.waitFor({ state: 'visible' });
    await expectNoPageErrors(first);
    await expectNoPageErrors(second);
  });

  it('8. a network cut while typing: the message shows pending, is delivered once, and missed replies arrive', async () => {
    const { agent, url, truth } = await site({ identify: true, serverOrigin: proxy.origin });
    const page = await open(url);
    const ui = widget(page);
    await sendMessage(page, 'Before the cut');
    await shownAsSent(page, 'Before the cut');
    const [first] = await truth.messagesWithBody('Before the cut');

    await fixture.context.setOffline(true);
    proxy.cut();
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await sendMessage(page, 'Typed while offline');
    const pending = ui.messages.filter({ hasText: 'Typed while offline' });
    expect(await pending.getAttribute('data-state')).toBe('pending');
    expect(await pending.textContent()).toContain('Sending…');
    await reply(agent.token, first?.conversation_id ?? '', 'Reply sent while you were away');
    expect(await truth.messagesWithBody('Typed while offline')).toEqual([]);

    proxy.restore();
    await fixture.context.setOffline(false);
    await shownAsSent(page, 'Typed while offline');
    await shownAsSent(page, 'Reply sent while you were away');
    expect(await ui.said.allTextContents()).toEqual([
      'You: Before the cut',
      'Alex Agent: Reply sent while you were away',
      'You: Typed while offline',
    ]);
    expect(await truth.messagesWithBody('Typed while offline')).toHaveLength(1);
    expect(await page.getByRole('status').textContent()).toBe('');
    expect(await promptWasEverShown(page)).toBe(false);
    await expectNoPageErrors(page);
  });

  it('8b. own messages are told from same-text ones by clientMessageId: two typed twice and one from another device, each shown once', async () => {
    const { workspace, url, truth } = await site({ identify: false, serverOrigin: proxy.origin });
    const email = uniqueEmail('twice');
    const token = await mintIdentityToken(workspace.identitySecret, { email });
    const laptop = await open(url);
    await laptop.evaluate(
      (input) =>
        (window as unknown as { sonny: (...args: unknown[]) => Promise<unknown> }).sonny(
          'identify',
          input,
        ),
      { email, identityToken: token },
    );
    const states = () =>
      widget(laptop)
        .messages.filter({ hasText: 'On my way' })
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-state')));

    // The laptop's first send stays in flight, its second waits behind it.
    proxy.hold();
    await sendMessage(laptop, 'On my way');
    await sendMessage(laptop, 'On my way');
    expect(await states()).toEqual(['pending', 'pending']);

    // The same text from the visitor's phone echoes to the laptop meanwhile: it is not the
    // laptop's own message, which stays pending (matching by body would take it for that).
    const phone = await fixture.server.join({
      siteId: workspace.siteId,
      visitorId: randomUUID(),
      email,
      identityToken: token,
    });
    await phone.joined;
    const sent = await phone.execute(
      'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id } }',
      { input: { body: 'On my way', clientMessageId: randomUUID() } },
    );
    expect(sent.errors).toBeUndefined();
    await expect.poll(states).toEqual(['sent', 'pending', 'pending']);

    proxy.release();
    await expect.poll(states).toEqual(['sent', 'sent', 'sent']);
    expect(await truth.messagesWithBody('On my way')).toHaveLength(3);
    expect(await widget(laptop).said.allTextContents()).toEqual([
      'You: On my way',
      'You: On my way',
      'You: On my way',
    ]);
    await expectNoPageErrors(laptop);
  });

  it('a burst over the message rate limit shows only "Sending…": the refused messages go, once each and in order, when the limit allows', async () => {
    const { url, truth } = await site({ identify: true });
    const page = await open(url);
    const ui = widget(page);
    const states = (body: string) =>
      ui.messages
        .filter({ has: page.locator('.bubble', { hasText: new RegExp(`^You: ${body}$`) }) })
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-state')));
    // 22 messages at once: the server takes 20 in any 10 s and answers the 21st RATE_LIMITED.
    const bodies = Array.from({ length: 22 }, (_, index) => `Burst ${index + 1}`);
    for (const body of bodies) await sendMessage(page, body);

    await shownAsSent(page, 'Burst 20');
    expect([...(await states('Burst 21')), ...(await states('Burst 22'))]).toEqual([
      'pending',
      'pending',
    ]);
    expect(await ui.messages.filter({ hasText: 'Not sent' }).count()).toBe(0);

    // Resent after the server's retryAfterSeconds, with the same clientMessageId.
    await shownAsSent(page, 'Burst 22');
    expect(await ui.said.allTextContents()).toEqual(bodies.map((body) => `You: ${body}`));
    for (const body of ['Burst 1', 'Burst 21', 'Burst 22']) {
      expect(await truth.messagesWithBody(body)).toHaveLength(1);
    }
    await expectNoPageErrors(page);
  }, 60_000);

  it('a verified visitor sees its contact’s history on another device; an expired token is refused', async () => {
    const { workspace, url, truth } = await site({ identify: false });
    const email = uniqueEmail('vera');
    const token = await mintIdentityToken(workspace.identitySecret, { email, name: 'Vera' });
    const identify = (page: Page, input: Record<string, unknown>) =>
      page.evaluate(
        (args) =>
          (
            (window as unknown as { sonny: (...a: unknown[]) => Promise<unknown> }).sonny(
              'identify',
              args,
            ) as Promise<{ contact: { email: string } }>
          ).then(
            (result) => `identified ${result.contact.email}`,
            (error: { code?: string }) => `failed ${error.code}`,
          ),
        input,
      );

    const laptop = await open(url);
    expect(await identify(laptop, { email, name: 'Vera', identityToken: token })).toBe(
      `identified ${email}`,
    );
    await sendMessage(laptop, 'Sent from my laptop');
    await shownAsSent(laptop, 'Sent from my laptop');

    const phoneContext = await newWidgetContext(fixture);
    try {
      const phone = await phoneContext.newPage();
      await phone.goto(url);
      await waitForReady(phone);
      expect(await identify(phone, { email, name: 'Vera', identityToken: token })).toBe(
        `identified ${email}`,
      );
      await widget(phone).launcher.click();
      await shownAsSent(phone, 'Sent from my laptop');
      const stored = await storedFor(phone, workspace.siteId);
      expect(stored.identityToken).toBe(token);
      expect(Number(stored.identityTokenExpiresAt)).toBeGreaterThan(Date.now());
      expect((await truth.visitor(stored.visitorId ?? ''))?.identity_verified).toBe(true);

      const other = uniqueEmail('expired');
      const expired = await mintIdentityToken(
        workspace.identitySecret,
        { email: other },
        { expiresIn: -60 },
      );
      const stranger = await phoneContext.newPage();
      await stranger.goto(url);
      await waitForReady(stranger);
      // Same browser as the phone, so a different email starts over first; then the server refuses.
      expect(await identify(stranger, { email: other, identityToken: expired })).toBe(
        'failed IDENTITY_TOKEN_EXPIRED',
      );
      expect((await storedFor(stranger, workspace.siteId)).email).toBeUndefined();
      expect(await truth.contact(other)).toBeUndefined();
    } finally {
      await phoneContext.close();
    }
  });
});
