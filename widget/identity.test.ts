/**
 * Scenarios 1-5 of the widget issue in real Chromium: identify before init, the email prompt,
 * reload, reset, and a second identity on a shared browser. Pages embed the seed snippet.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CloseCode, ForbiddenReason } from '../protocol/index.ts';
import { uniqueEmail } from '../server/test/harness.ts';
import { shownAsSent, widgetFixture } from './test/fixture.ts';
import {
  expectNoPageErrors,
  promptWasEverShown,
  sendMessage,
  storedFor,
  waitForReady,
  widget,
} from './test/host.ts';

const fixture = widgetFixture();

async function openSite(options: { identify: boolean }) {
  const { workspace, url, context, truth } = await fixture.site(options);
  const page = await context.newPage();
  await page.goto(url);
  await waitForReady(page);
  return { workspace, page, url, truth };
}

function sonnyCall<T>(page: Page, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    (callArgs) =>
      (window as unknown as { sonny: (...a: unknown[]) => unknown }).sonny(...callArgs) as T,
    args,
  );
}

describe('the widget in Chromium: identity', () => {
  it('1. identify before init: the email prompt never shows and the server has the contact', async () => {
    const { page, truth } = await openSite({ identify: true });

    const contact = await truth.contact('jane@example.com');
    expect(contact).toMatchObject({ email: 'jane@example.com', name: 'Jane Smith' });

    await sendMessage(page, 'Hello, I need help with my invoice');
    await shownAsSent(page, 'Hello, I need help with my invoice');
    const [message] = await truth.messagesWithBody('Hello, I need help with my invoice');
    const conversations = await truth.conversationsOfContact(contact?.id ?? '');
    expect(conversations.map((conversation) => conversation.id)).toEqual([
      message?.conversation_id,
    ]);

    expect(await widget(page).prompt.isVisible()).toBe(false);
    expect(await promptWasEverShown(page)).toBe(false);
    await expectNoPageErrors(page);
  });

  it('2. an anonymous visitor who sent a message is asked for an email; identify links the conversation', async () => {
    const { page, truth } = await openSite({ identify: false });
    const ui = widget(page);
    await ui.launcher.click();
    expect(await ui.prompt.isVisible()).toBe(false);

    await sendMessage(page, 'Do you ship to Norway?');
    await ui.prompt.waitFor({ state: 'visible' });
    await shownAsSent(page, 'Do you ship to Norway?');

    const email = uniqueEmail('sam');
    const result = await sonnyCall<{ contact: { email: string }; linkedConversationCount: number }>(
      page,
      'identify',
      { email, name: 'Sam Lee' },
    );
    expect(result.contact.email).toBe(email);
    expect(result.linkedConversationCount).toBe(1);
    await ui.prompt.waitFor({ state: 'hidden' });

    const contact = await truth.contact(email);
    expect(contact?.name).toBe('Sam Lee');
    const [message] = await truth.messagesWithBody('Do you ship to Norway?');
    const linked = await truth.conversationsOfContact(contact?.id ?? '');
    expect(linked.map((conversation) => conversation.id)).toEqual([message?.conversation_id]);
    await expectNoPageErrors(page);
  });

  it('3. after a reload: the same visitorId, the history shown, still no prompt', async () => {
    const { page, workspace, truth } = await openSite({ identify: true });
    await sendMessage(page, 'First question');
    await shownAsSent(page, 'First question');
    const before = await storedFor(page, workspace.siteId);

    await page.reload();
    await waitForReady(page);
    const after = await storedFor(page, workspace.siteId);
    expect(after.visitorId).toBe(before.visitorId);
    const visitor = await truth.visitor(after.visitorId ?? '');
    expect(visitor?.ended_at).toBeNull();

    const ui = widget(page);
    await ui.launcher.click();
    await shownAsSent(page, 'First question');
    expect(await ui.messages.count()).toBe(1);
    await sendMessage(page, 'Second question');
    await shownAsSent(page, 'Second question');
    expect(await ui.prompt.isVisible()).toBe(false);
    expect(await promptWasEverShown(page)).toBe(false);
    await expectNoPageErrors(page);
  });

  it('4. reset: no datum of the old visitor stays, a new visitorId joins, the old one is refused, the prompt is back', async () => {
    const { page, workspace, truth } = await openSite({ identify: true });
    await sendMessage(page, 'Private question from Jane');
    await shownAsSent(page, 'Private question from Jane');
    const old = await storedFor(page, workspace.siteId);
    expect(old.email).toBe('jane@example.com');

    await sonnyCall(page, 'reset');

    const now = await storedFor(page, workspace.siteId);
    // Only the fresh visitorId, and the workspace's look (the same for every visitor of the
    // site: no datum of Jane's).
    expect(Object.keys(now).sort()).toEqual(['look', 'visitorId']);
    expect(now.visitorId).not.toBe(old.visitorId);
    const everything = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    for (const datum of [
      old.visitorId ?? '',
      'jane@example.com',
      'Jane Smith',
      'Private question',
    ]) {
      expect(everything).not.toContain(datum);
    }
    const ui = widget(page);
    await expect.poll(() => ui.messages.count()).toBe(0);

    await expect.poll(async () => (await truth.visitor(now.visitorId ?? ''))?.id).toBeTruthy();
    const oldVisitor = await truth.visitor(old.visitorId ?? '');
    expect(oldVisitor?.ended_at).not.toBeNull();
    const replay = await fixture.server.join({
      siteId: workspace.siteId,
      visitorId: old.visitorId,
    });
    expect(await replay.closed).toEqual({
      code: CloseCode.Forbidden,
      reason: ForbiddenReason.VisitorEnded,
    });

    // The new visitor is anonymous: the prompt comes back once it writes, and answering it
    // identifies the visitor through the same path as identify.
    await sendMessage(page, 'Anyone there?');
    await ui.prompt.waitFor({ state: 'visible' });
    const email = uniqueEmail('anon');
    await ui.emailInput.fill(email);
    await ui.emailInput.press('Enter');
    await ui.prompt.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await truth.contact(email))?.id).toBeTruthy();
    const contact = await truth.contact(email);
    const [message] = await truth.messagesWithBody('Anyone there?');
    const linked = await truth.conversationsOfContact(contact?.id ?? '');
    expect(linked.map((conversation) => conversation.id)).toEqual([message?.conversation_id]);
    expect((await storedFor(page, workspace.siteId)).email).toBe(email);
    await expectNoPageErrors(page);
  });

  it('5. identify as A, then as B without reset: B sees none of A’s conversations', async () => {
    const { page, workspace, truth } = await openSite({ identify: false });
    const a = uniqueEmail('alice');
    const b = uniqueEmail('bob');
    await sonnyCall(page, 'identify', { email: a, name: 'Alice' });
    await sendMessage(page, 'Alice’s medical question');
    await shownAsSent(page, 'Alice’s medical question');
    const asA = await storedFor(page, workspace.siteId);

    const result = await sonnyCall<{ contact: { email: string } }>(page, 'identify', {
      email: b,
      name: 'Bob',
    });
    expect(result.contact.email).toBe(b);

    const ui = widget(page);
    await expect.poll(() => ui.messages.count()).toBe(0);
    await expect.poll(() => ui.log.textContent()).not.toContain('Alice');
    const asB = await storedFor(page, workspace.siteId);
    expect(asB.visitorId).not.toBe(asA.visitorId);
    expect(asB.email).toBe(b);
    expect(JSON.stringify(asB)).not.toContain('Alice');

    await page.reload();
    await waitForReady(page);
    await ui.launcher.click();
    expect(await ui.messages.count()).toBe(0);

    const bobVisitor = await truth.visitor(asB.visitorId ?? '');
    const bob = await truth.contact(b);
    expect(bobVisitor?.contact_id).toBe(bob?.id);
    expect(await truth.conversationsOfVisitor(bobVisitor?.id ?? '')).toEqual([]);
    expect((await truth.visitor(asA.visitorId ?? ''))?.ended_at).not.toBeNull();
    await expectNoPageErrors(page);
  });
});
