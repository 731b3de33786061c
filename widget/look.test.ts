/**
 * The workspace's look in real Chromium, at desktop size and on a 390 px phone: the team name
 * in the header (one line, an ellipsis, also under the status line), the greeting of an empty
 * conversation, agents' names and initials on their replies, times, runs of one sender's
 * messages, and the brand colour with contrast enough for WCAG AA wherever it is used.
 */
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createAgent, login } from '../server/access/agents.ts';
import { uniqueEmail } from '../server/test/harness.ts';
import { shownAsSent, widgetFixture } from './test/fixture.ts';
import {
  DESKTOP_VIEWPORT,
  expectNoPageErrors,
  newWidgetContext,
  PHONE_VIEWPORT,
  sendMessage,
  waitForReady,
  widget,
} from './test/host.ts';
import { sharedProxy } from './test/proxy.ts';

const fixture = widgetFixture();
const proxy = sharedProxy(fixture);

const VIEWPORTS = [
  ['desktop', DESKTOP_VIEWPORT],
  ['390 px', PHONE_VIEWPORT],
] as const;

interface Look {
  readonly teamName?: string;
  readonly greeting?: string;
  readonly brandColor?: string;
}

/** A workspace with this look, an agent of it, and a page of its site in a context of its own. */
async function lookSite(
  look: Look,
  options: { viewport?: { width: number; height: number }; locale?: string; via?: string } = {},
) {
  const { workspace, url, truth } = await fixture.site({
    identify: false,
    serverOrigin: options.via,
  });
  const agent = await agentNamed(workspace.id, 'Alex Agent');
  const set = await fixture.server.http(
    `mutation ($input: UpdateWorkspaceSettingsInput!) { updateWorkspaceSettings(input: $input) { id } }`,
    { input: look },
    agent,
  );
  expect(set.errors).toBeUndefined();
  const context = await newWidgetContext(fixture, options.viewport, {
    locale: options.locale ?? 'en-GB',
    timezoneId: 'Europe/Oslo',
  });
  const page = await context.newPage();
  await page.goto(url);
  await waitForReady(page);
  return { workspace, page, truth };
}

/** A signed-in agent of the workspace with this name: its session token. */
async function agentNamed(workspaceId: string, name: string): Promise<string> {
  const email = uniqueEmail('agent');
  const password = `pw-${randomUUID()}`;
  await createAgent(fixture.server.app.db, { workspaceId, email, name, password });
  return (await login(fixture.server.app.db, email, password)).token;
}

async function reply(token: string, conversationId: string, body: string): Promise<void> {
  const result = await fixture.server.http(
    `mutation ($input: ReplyToConversationInput!) { replyToConversation(input: $input) { id } }`,
    { input: { conversationId, body, clientMessageId: randomUUID() } },
    token,
  );
  expect(result.errors).toBeUndefined();
}

/** How the header's title and status line are laid out. */
function headerLayout(page: Page) {
  return page.getByRole('dialog').evaluate((panel) => {
    const line = (element: Element) => {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      return {
        text: element.textContent,
        lines: Math.round(box.height / Number.parseFloat(style.lineHeight)),
        truncated: element.scrollWidth > element.clientWidth,
        textOverflow: style.textOverflow,
        right: box.right,
      };
    };
    const close = panel.querySelector('header button')?.getBoundingClientRect();
    return {
      title: line(panel.querySelector('h2') as Element),
      status: line(panel.querySelector('[role="status"]') as Element),
      header: panel.querySelector('header')?.getBoundingClientRect().height,
      close: close && { width: close.width, right: close.right },
      viewport: window.innerWidth,
    };
  });
}

describe('the header', () => {
  const teamName = 'Northwind Traders Customer Support and Happiness Team Europe';

  it.each(VIEWPORTS)(
    'shows the team name on one line, ending in an ellipsis, also with the status line (%s)',
    async (_name, viewport) => {
      expect([...teamName]).toHaveLength(60);
      const { page } = await lookSite({ teamName }, { viewport, via: proxy.origin });
      await widget(page).launcher.click();
      await page.getByRole('dialog', { name: teamName }).waitFor();

      const online = await headerLayout(page);
      expect(online.title).toMatchObject({
        text: teamName,
        lines: 1,
        truncated: true,
        textOverflow: 'ellipsis',
      });
      expect(online.status.text).toBe('');

      await page.context().setOffline(true);
      proxy.cut();
      try {
        await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
        const offline = await headerLayout(page);
        expect(offline.title).toMatchObject({ text: teamName, lines: 1, truncated: true });
        expect(offline.status).toMatchObject({ lines: 1, textOverflow: 'ellipsis' });
        // Two lines in all: the title never wraps, the close button keeps its place and size.
        expect(offline.header).toBeLessThan(70);
        expect(offline.close).toEqual(online.close);
        expect(offline.close?.right).toBeLessThanOrEqual(offline.viewport);
      } finally {
        proxy.restore();
        await page.context().setOffline(false);
      }
      await expectNoPageErrors(page);
    },
  );

  it('without a team name says “Chat with us”, and shows a short name whole', async () => {
    const plain = await lookSite({});
    await widget(plain.page).launcher.click();
    expect((await headerLayout(plain.page)).title).toMatchObject({
      text: 'Chat with us',
      truncated: false,
    });
    const short = await lookSite({ teamName: 'Acme' });
    await widget(short.page).launcher.click();
    await short.page.getByRole('dialog', { name: 'Acme' }).waitFor();
    expect((await headerLayout(short.page)).title).toMatchObject({ lines: 1, truncated: false });
  });
});

describe('an empty conversation', () => {
  it.each(VIEWPORTS)(
    'shows the greeting in the middle of the panel until the first message (%s)',
    async (_name, viewport) => {
      const greeting = 'Hi! Ask us anything.\nWe reply within the hour.';
      const { page } = await lookSite({ greeting }, { viewport });
      const ui = widget(page);
      await ui.launcher.click();
      const shown = page.getByText('Hi! Ask us anything.');
      await shown.waitFor();
      const place = await shown.evaluate((element) => {
        // The text itself, not its element, which may stretch over the whole free space.
        const text = document.createRange();
        text.selectNodeContents(element);
        const box = text.getBoundingClientRect();
        const panel = element.closest('[role="dialog"]') as Element;
        const header = panel.querySelector('header')?.getBoundingClientRect();
        const composer = panel.querySelector('form.composer')?.getBoundingClientRect();
        return {
          text: element.textContent,
          lines: Math.round(box.height / Number.parseFloat(getComputedStyle(element).lineHeight)),
          middle: box.top + box.height / 2,
          between: ((header?.bottom ?? 0) + (composer?.top ?? 0)) / 2,
        };
      });
      expect(place).toMatchObject({ text: greeting, lines: 2 });
      expect(Math.abs(place.middle - place.between)).toBeLessThan(24);

      await sendMessage(page, 'A first question');
      await shownAsSent(page, 'A first question');
      expect(await shown.isVisible()).toBe(false);
    },
  );

  it('shows the default greeting when the workspace has none', async () => {
    const { page } = await lookSite({});
    await widget(page).launcher.click();
    await page.getByText('Ask us anything. We usually reply in a few minutes.').waitFor();
  });
});

/** Each message as shown: who (as read out), what, the visible sender line, the time shown. */
function shownMessages(page: Page) {
  return widget(page).messages.evaluateAll((items) =>
    items.map((item) => ({
      said: item.querySelector('.bubble')?.textContent,
      sender: item.querySelector('.sender')?.textContent ?? null,
      avatar: item.querySelector('.avatar')?.textContent ?? null,
      time: item.querySelector('time')?.textContent ?? null,
      datetime: item.querySelector('time')?.getAttribute('datetime') ?? null,
    })),
  );
}

describe('agents’ replies', () => {
  it.each(VIEWPORTS)(
    'show the agent’s name and initials once per run of messages, and every message its time (%s)',
    async (_name, viewport) => {
      const { workspace, page, truth } = await lookSite(
        { brandColor: '#0b6e4f' },
        { viewport, locale: 'en-GB' },
      );
      const ann = await agentNamed(workspace.id, 'Ann Lee');
      const bob = await agentNamed(workspace.id, 'Bob');
      await sendMessage(page, 'My parcel is late.');
      await sendMessage(page, 'Order 1234.');
      await shownAsSent(page, 'Order 1234.');
      const [first] = await truth.messagesWithBody('My parcel is late.');
      const conversationId = first?.conversation_id ?? '';
      await reply(ann, conversationId, 'Sorry to hear that!');
      await reply(ann, conversationId, 'Let me look it up.');
      await reply(bob, conversationId, 'It leaves the warehouse today.');
      await shownAsSent(page, 'It leaves the warehouse today.');
      await sendMessage(page, 'Thanks!');
      await shownAsSent(page, 'Thanks!');

      const expected = [
        { said: 'You: My parcel is late.', sender: null, avatar: null },
        { said: 'You: Order 1234.', sender: null, avatar: null },
        { said: 'Ann Lee: Sorry to hear that!', sender: 'ALAnn Lee', avatar: 'AL' },
        { said: 'Ann Lee: Let me look it up.', sender: null, avatar: null },
        { said: 'Bob: It leaves the warehouse today.', sender: 'BBob', avatar: 'B' },
        { said: 'You: Thanks!', sender: null, avatar: null },
      ];
      const oslo = new Intl.DateTimeFormat('en-GB', {
        hour: 'numeric',
        minute: '2-digit',
        timeZone: 'Europe/Oslo',
      });
      const shown = await shownMessages(page);
      expect(shown.map(({ said, sender, avatar }) => ({ said, sender, avatar }))).toEqual(expected);
      for (const message of shown) {
        expect(message.time).toMatch(/^\d\d:\d\d$/);
        expect(message.time).toBe(oslo.format(new Date(message.datetime ?? '')));
      }

      // Nothing of a message spills out of the panel, however narrow.
      const overflow = await widget(page).messages.evaluateAll((items) =>
        items.some((item) => item.getBoundingClientRect().right > window.innerWidth),
      );
      expect(overflow).toBe(false);

      // The next page load shows the same, from the cached history and then the server.
      await page.reload();
      await waitForReady(page);
      await widget(page).launcher.click();
      await shownAsSent(page, 'Thanks!');
      const again = await shownMessages(page);
      expect(again.map(({ said, sender, avatar }) => ({ said, sender, avatar }))).toEqual(expected);
      await expectNoPageErrors(page);
    },
  );

  it('show times as the visitor’s locale writes them', async () => {
    const { page, truth } = await lookSite({}, { locale: 'en-US' });
    await sendMessage(page, 'What time is it there?');
    await shownAsSent(page, 'What time is it there?');
    expect(await truth.messagesWithBody('What time is it there?')).toHaveLength(1);
    const [shown] = await shownMessages(page);
    expect(shown?.time).toMatch(/^\d{1,2}:\d\d\s?[AP]M$/);
  });
});

/** WCAG 2.2's relative luminance of `rgb(r, g, b)`, as getComputedStyle writes colours. */
function luminance(color: string): number {
  const channels = color
    .match(/\d+(\.\d+)?/g)
    ?.slice(0, 3)
    .map(Number);
  if (channels?.length !== 3) throw new Error(`not an rgb colour: ${color}`);
  const [r, g, b] = channels.map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** An element's text colour and the opaque background it sits on. */
function colours(locator: Locator) {
  return locator.evaluate((element) => {
    let behind: Element | null = element;
    let background = 'rgba(0, 0, 0, 0)';
    while (behind !== null) {
      background = getComputedStyle(behind).backgroundColor;
      if (!/rgba\(.*, 0\)$/.test(background)) break;
      behind = behind.parentElement;
    }
    return { color: getComputedStyle(element).color, background };
  });
}

/**
 * Focuses the element as a keyboard user would and reads its focus ring: its colour and what
 * is around it (the background of the element's container).
 */
async function focusRing(page: Page, locator: Locator) {
  await page.keyboard.press('Shift');
  await locator.focus();
  return locator.evaluate((element) => {
    const style = getComputedStyle(element);
    let behind = element.parentElement;
    let background = 'rgba(0, 0, 0, 0)';
    while (behind !== null) {
      background = getComputedStyle(behind).backgroundColor;
      if (!/rgba\(.*, 0\)$/.test(background)) break;
      behind = behind.parentElement;
    }
    return {
      visible: element.matches(':focus-visible'),
      style: style.outlineStyle,
      width: Number.parseFloat(style.outlineWidth),
      color: style.outlineColor,
      around: background,
    };
  });
}

describe('the brand colour', () => {
  it.each([
    ['a light one', '#ffe14d'],
    ['a dark one', '#1a237e'],
    ['a middle one', '#3d8bfd'],
  ])('keeps text at 4.5:1 and the focus ring at 3:1 with %s (%s)', async (_name, brandColor) => {
    const { page } = await lookSite({ brandColor });
    const ui = widget(page);
    // The brand colour is where a visitor sees it: the launcher, the header, the visitor's messages.
    expect((await colours(ui.launcher)).background).toBe(rgb(brandColor));
    await ui.launcher.click();
    await sendMessage(page, 'Checking the colours');
    await shownAsSent(page, 'Checking the colours');
    await ui.prompt.waitFor();

    const onBrand = {
      launcher: await colours(ui.launcher),
      title: await colours(page.getByRole('dialog').getByRole('heading')),
      send: await colours(ui.send),
      message: await colours(page.locator('.bubble').filter({ hasText: 'Checking the colours' })),
      notNow: await colours(page.getByRole('button', { name: 'Not now' })),
    };
    for (const [where, { color, background }] of Object.entries(onBrand)) {
      expect(contrast(color, background), where).toBeGreaterThanOrEqual(4.5);
    }
    expect(onBrand.title.background).toBe(rgb(brandColor));
    expect(onBrand.send.background).toBe(rgb(brandColor));

    const rings = {
      message: await focusRing(page, ui.input),
      send: await focusRing(page, ui.send),
      email: await focusRing(page, ui.emailInput),
      notNow: await focusRing(page, page.getByRole('button', { name: 'Not now' })),
      close: await focusRing(page, page.getByRole('button', { name: 'Close chat' })),
    };
    for (const [where, ring] of Object.entries(rings)) {
      expect(ring, where).toMatchObject({ visible: true, style: 'solid' });
      expect(ring.width, where).toBeGreaterThanOrEqual(2);
      expect(contrast(ring.color, ring.around), where).toBeGreaterThanOrEqual(3);
    }
    // On the panel the ring is the brand colour itself when that has contrast enough.
    if (contrast(rgb(brandColor), 'rgb(247, 248, 251)') >= 3) {
      expect(rings.send.color).toBe(rgb(brandColor));
    } else {
      expect(rings.send.color).not.toBe(rgb(brandColor));
    }
    await expectNoPageErrors(page);
  });
});

/** `#rrggbb` as getComputedStyle writes it. */
function rgb(hex: string): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgb(${value >> 16}, ${(value >> 8) & 255}, ${value & 255})`;
}
