/**
 * Scenarios 7 and 9 of the widget issue in real Chromium (a hostile host page, hostile text),
 * and the rest of what a host page and its visitors rely on: a phone-sized screen, the
 * keyboard, and commands that warn instead of throwing.
 */
import { readFileSync } from 'node:fs';
import type { ConsoleMessage, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { shownAsSent, widgetFixture } from './test/fixture.ts';
import {
  expectNoPageErrors,
  PROMISE_STUB,
  sendMessage,
  waitForReady,
  widget,
} from './test/host.ts';

const fixture = widgetFixture();

async function openPage(
  options: {
    identify?: boolean;
    promiseStub?: boolean;
    head?: string;
    body?: string;
    siteId?: string;
  } = {},
  viewport?: { width: number; height: number },
) {
  const { workspace, url, context, truth } = await fixture.site({
    ...options,
    identify: options.identify ?? true,
  });
  if (viewport) await context.pages()[0]?.setViewportSize(viewport);
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const warnings: string[] = [];
  const dialogs: string[] = [];
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  return { page, workspace, warnings, dialogs, sockets, truth };
}

/** Whether the element has the focus inside its (shadow) root. */
function isFocused(element: Element): boolean {
  return (element.getRootNode() as ShadowRoot).activeElement === element;
}

function call(page: Page, ...args: unknown[]): Promise<unknown> {
  return page.evaluate((callArgs) => {
    const sonny = (window as unknown as { sonny: (...a: unknown[]) => unknown }).sonny;
    const result = sonny(...callArgs);
    return result instanceof Promise
      ? result.then(
          () => 'resolved',
          (error: { message?: string }) => `rejected: ${error.message}`,
        )
      : typeof result;
  }, args);
}

describe('the widget in Chromium: the host page', () => {
  it('7. a host page with hostile CSS cannot hide or break the widget, and the widget adds no CSS to it', async () => {
    const { page } = await openPage({
      head: '<style>* { all: unset } div { display: none !important }</style>',
    });
    await waitForReady(page);
    const ui = widget(page);
    const launcher = await ui.launcher.boundingBox();
    expect(launcher?.width).toBeGreaterThanOrEqual(44);
    expect(launcher?.height).toBeGreaterThanOrEqual(44);
    await ui.launcher.click();
    const panel = await ui.panel.boundingBox();
    expect(panel?.width).toBeGreaterThan(250);
    expect(panel?.height).toBeGreaterThan(300);
    expect(await ui.input.isVisible()).toBe(true);
    await sendMessage(page, 'Styles cannot stop me');
    await shownAsSent(page, 'Styles cannot stop me');
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).not.toContain(
      'system-ui',
    );
    expect(
      await page.evaluate(() => ({
        styles: document.querySelectorAll('style, link[rel=stylesheet]').length,
        adopted: document.adoptedStyleSheets.length,
      })),
    ).toEqual({ styles: 1, adopted: 0 });
    await expectNoPageErrors(page);
  });

  it('9. a message containing HTML shows as text and runs nothing, live and from history', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const { page, workspace, dialogs, truth } = await openPage();
    await waitForReady(page);
    await sendMessage(page, hostile);
    await shownAsSent(page, hostile);
    const [message] = await truth.messagesWithBody(hostile);
    const agent = await fixture.server.createAgent(workspace.id);
    const reply = await fixture.server.http(
      `mutation Reply($input: ReplyToConversationInput!) { replyToConversation(input: $input) { id } }`,
      {
        input: {
          conversationId: message?.conversation_id,
          body: `<script>alert(2)</script>${hostile}`,
          clientMessageId: 'reply-1',
        },
      },
      agent.token,
    );
    expect(reply.errors).toBeUndefined();
    await shownAsSent(page, '<script>alert(2)</script>');

    const expectInert = async () => {
      expect(await widget(page).said.allTextContents()).toEqual([
        `You: ${hostile}`,
        `Alex Agent: <script>alert(2)</script>${hostile}`,
      ]);
      const elements = await page.evaluate(() => {
        const root = document.querySelector('sonny-chat')?.shadowRoot;
        return root?.querySelectorAll('.messages img, .messages script').length;
      });
      expect(elements).toBe(0);
    };
    await expectInert();
    await page.reload();
    await waitForReady(page);
    await widget(page).launcher.click();
    await expectInert();
    expect(dialogs).toEqual([]);
    await expectNoPageErrors(page);
  });

  it('is usable on a 360 px wide phone screen', async () => {
    const { page } = await openPage({}, { width: 360, height: 640 });
    await waitForReady(page);
    const ui = widget(page);
    await ui.launcher.click();
    const panel = await ui.panel.boundingBox();
    expect(panel?.x).toBeGreaterThanOrEqual(0);
    expect((panel?.x ?? 0) + (panel?.width ?? 0)).toBeLessThanOrEqual(360);
    for (const control of [ui.input, ui.send, page.getByRole('button', { name: 'Close chat' })]) {
      const box = await control.boundingBox();
      expect(box?.x).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(640);
    }
    await ui.input.fill('Typing on my phone');
    await ui.send.click();
    await shownAsSent(page, 'Typing on my phone');
    await page.getByRole('button', { name: 'Close chat' }).click();
    expect(await ui.panel.isVisible()).toBe(false);
  });

  it('works with the keyboard alone, and tells assistive technology what it is', async () => {
    const { page } = await openPage();
    await waitForReady(page);
    const ui = widget(page);
    expect(await ui.launcher.getAttribute('aria-expanded')).toBe('false');
    await ui.launcher.focus();
    await page.keyboard.press('Enter');
    expect(await ui.launcher.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => ui.input.evaluate(isFocused)).toBe(true);
    await page.keyboard.type('Sent with Enter');
    await page.keyboard.press('Enter');
    await shownAsSent(page, 'Sent with Enter');
    expect(await ui.log.getAttribute('aria-label')).toBe('Messages');
    await page.keyboard.press('Escape');
    expect(await ui.panel.isVisible()).toBe(false);
    expect(await ui.launcher.evaluate(isFocused)).toBe(true);
  });

  it('answers bad commands with one warning each and never throws into the page', async () => {
    const { page, warnings } = await openPage();
    await waitForReady(page);
    expect(await call(page, 'bogus')).toBe('undefined');
    expect(await call(page, 'identify')).toBe(
      'rejected: identify needs an object: { email, name? }',
    );
    expect(await call(page, 'identify', { email: 42 })).toMatch(/^rejected: /);
    expect(await call(page, 'init', { siteId: 'site_again' })).toBe('undefined');
    expect(await call(page, 'on', 'nope')).toBe('undefined');
    expect(await call(page, 'identify', { email: 'not an email' })).toMatch(/^rejected: /);
    expect(warnings).toEqual([
      'Sonny: unknown command "bogus"; commands are init, identify, reset, open, close, on',
      'Sonny: identify needs an object: { email, name? }',
      'Sonny: identify needs an email string',
      'Sonny: init was already called; this call is ignored',
      'Sonny: on: unknown event "nope"; events are ready, identified, identify_failed, reset, message',
      'Sonny: the server refused the identity: BAD_USER_INPUT',
    ]);
    await expectNoPageErrors(page);
  });

  it('stops with one warning, without retrying, and shows no launcher when the server refuses the siteId', async () => {
    const { page, warnings, sockets } = await openPage({ siteId: 'site_nobody', identify: false });
    await expect
      .poll(() => warnings)
      .toEqual(['Sonny: the server refused to connect: Unknown siteId']);
    // Silence proves the absence of retries: the first retry would come within a second.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(sockets).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    // Nothing invites a message that could never be sent: no launcher; opened by the page, the
    // panel says why and takes no message.
    const ui = widget(page);
    expect(await ui.launcher.isVisible()).toBe(false);
    await call(page, 'open');
    await ui.panel.getByText('Chat is unavailable').waitFor();
    expect(await ui.input.isDisabled()).toBe(true);
    expect(await ui.send.isDisabled()).toBe(true);
    expect(await ui.messages.count()).toBe(0);
    await expectNoPageErrors(page);
  });

  it('with the Promise stub, a page may chain on identify before widget.js has loaded', async () => {
    // The stub under test is the one docs/widget.md gives integrators.
    expect(readFileSync(new URL('../docs/widget.md', import.meta.url), 'utf8')).toContain(
      PROMISE_STUB,
    );
    const { page, truth } = await openPage({ promiseStub: true });
    await waitForReady(page);
    await expect
      .poll(() => page.evaluate(() => (window as { chatIdentity?: string }).chatIdentity))
      .toBe('jane@example.com');
    await expect
      .poll(async () => (await truth.contact('jane@example.com'))?.name)
      .toBe('Jane Smith');
    // The chained identify did not stop the init after it: the widget is there and usable.
    await sendMessage(page, 'Chained and chatting');
    await shownAsSent(page, 'Chained and chatting');
    expect(await widget(page).prompt.count()).toBe(0);
    await expectNoPageErrors(page);
  });
});
