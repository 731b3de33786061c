import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from '../test/browser/fixture.ts';
import { socketVisitor } from './test/socket-visitor.ts';
import {
  type Agent,
  addAgent,
  graphql,
  logIn,
  screenshot,
  sessionToken,
  watchedPages,
  workspaceWithAgent,
} from './test/support.ts';

const suite = browserSuite();
// No test may leave an error in the console of the inbox.
const openWatched = watchedPages(suite);

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** An agent's inbox, logged in, in a browser context of its own (its own "device"). */
async function inboxOf(agent: Agent, viewport = DESKTOP): Promise<Page> {
  const { page } = await openWatched(viewport);
  await logIn(page, suite.server.origin, agent);
  return page;
}

/** A workspace with two agents, and a visitor on its site. */
async function team() {
  const { workspace, agent } = await workspaceWithAgent(suite.server);
  const colleague = await addAgent(suite.server, workspace);
  const visitor = await socketVisitor(suite.server, workspace.siteId);
  return { workspace, agent, colleague, visitor };
}

function rowOf(page: Page, text: string) {
  return page.locator('.conversation-row').filter({ hasText: text });
}

function tab(page: Page, name: string) {
  return page.getByRole('button', { name, exact: true });
}

async function expectNoSideways(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    width,
  );
}

describe.each([
  ['desktop', DESKTOP],
  ['a 390 px phone', PHONE],
])('reading in the inbox on %s', (name, viewport) => {
  it('clears the unread count and the title’s on opening, in the agent’s other tab too, for no other agent', async () => {
    const { agent, colleague, visitor } = await team();
    const page = await inboxOf(agent, viewport);
    const otherTab = await inboxOf(agent);
    await visitor.send('Is anyone there?');
    await visitor.send('I have a question about my bill.');

    const row = rowOf(page, 'my bill');
    await row.locator('.unread', { hasText: '2 unread' }).waitFor();
    await expect.poll(() => page.title()).toBe('(2) Sonny');
    await rowOf(otherTab, 'my bill').locator('.unread', { hasText: '2 unread' }).waitFor();
    await expect.poll(() => otherTab.title()).toBe('(2) Sonny');

    await row.getByRole('link').click();
    const thread = page.getByRole('list', { name: 'Messages' });
    await thread.locator('.message', { hasText: 'my bill' }).waitFor();
    await expect.poll(() => page.title()).toBe('Sonny');
    // The agent's other tab follows at once, without a reload.
    await rowOf(otherTab, 'my bill').locator('.unread').waitFor({ state: 'detached' });
    await expect.poll(() => otherTab.title()).toBe('Sonny');
    // Another agent still has both to read.
    const theirs = await sessionToken(suite.server, colleague);
    const unread = async () =>
      (await graphql(suite.server, theirs, '{ inboxUnreadCount }')).data.inboxUnreadCount;
    expect(await unread()).toBe(2);

    // A message that lands while the conversation is on screen is read at once.
    await visitor.send('It is invoice 42.');
    await thread.locator('.message', { hasText: 'invoice 42' }).waitFor();
    await rowOf(otherTab, 'invoice 42').waitFor();
    await page.waitForTimeout(500);
    expect(await page.title()).toBe('Sonny');
    expect(await otherTab.title()).toBe('Sonny');
    expect(await rowOf(otherTab, 'invoice 42').locator('.unread').count()).toBe(0);
    expect(await unread()).toBe(3);
    await expectNoSideways(page, viewport.width);
    await screenshot(page, `inbox-read-${name.replaceAll(' ', '-')}`);

    if (viewport === PHONE) {
      // On a phone the conversation takes the screen; the way back is a link.
      expect(await page.locator('.conversation-list').isVisible()).toBe(false);
      await page.getByRole('link', { name: 'Back to conversations' }).click();
      await rowOf(page, 'invoice 42').waitFor();
      expect(await rowOf(page, 'invoice 42').locator('.unread').count()).toBe(0);
      await expectNoSideways(page, viewport.width);
    }
  });

  it('filters Mine, Unassigned and All, and shows an assignment live to another agent', async () => {
    const { agent, colleague, visitor } = await team();
    const page = await inboxOf(agent, viewport);
    const theirs = await inboxOf(colleague);
    await visitor.send('Who can help me?');
    await rowOf(page, 'Who can help me?').waitFor();

    await tab(theirs, 'Unassigned').click();
    await rowOf(theirs, 'Who can help me?').waitFor();
    await tab(page, 'Mine').click();
    await page.getByText('No open conversations assigned to you.').waitFor();
    await tab(page, 'All').click();
    await rowOf(page, 'Who can help me?').getByRole('link').click();
    await page.getByRole('button', { name: 'Assign to me' }).click();
    const picker = page.getByRole('combobox', { name: 'Assignee' });
    await expect.poll(() => picker.inputValue()).not.toBe('');
    expect(await page.getByRole('button', { name: 'Assign to me' }).count()).toBe(0);
    await expectNoSideways(page, viewport.width);
    await screenshot(page, `inbox-assigned-${name.replaceAll(' ', '-')}`);

    // The other agent's Unassigned list loses it, live; its All list names who has it.
    await rowOf(theirs, 'Who can help me?').waitFor({ state: 'detached' });
    await tab(theirs, 'All').click();
    const row = rowOf(theirs, 'Who can help me?');
    await row.locator('.assignee', { hasText: agent.name }).waitFor();
    await tab(theirs, 'Mine').click();
    await theirs.getByText('No open conversations assigned to you.').waitFor();

    // The colleague takes it with the picker: it moves to the colleague's Mine, live.
    await tab(theirs, 'All').click();
    await row.getByRole('link').click();
    await theirs
      .getByRole('combobox', { name: 'Assignee' })
      .selectOption({ label: `${colleague.name} (you)` });
    if (viewport === PHONE) await page.getByRole('link', { name: 'Back to conversations' }).click();
    const mine = rowOf(page, 'Who can help me?');
    await mine.locator('.assignee', { hasText: colleague.name }).waitFor();
    await tab(page, 'Mine').click();
    await page.getByText('No open conversations assigned to you.').waitFor();
    await tab(theirs, 'Mine').click();
    await rowOf(theirs, 'Who can help me?').locator('.assignee', { hasText: 'You' }).waitFor();

    // And gives it back to no one.
    await theirs.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Unassigned' });
    await rowOf(theirs, 'Who can help me?').waitFor({ state: 'detached' });
    await tab(page, 'Unassigned').click();
    await rowOf(page, 'Who can help me?').waitFor();
    expect(await rowOf(page, 'Who can help me?').locator('.assignee').count()).toBe(0);
  });
});

/**
 * Records what the inbox asks of the browser's notification and audio APIs (the boundary the
 * test cannot see otherwise), and lets the test hide the page: a headless page is never
 * hidden by itself.
 */
async function recordAttention(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const recorded = window as unknown as {
      notifications: Array<{ title: string; body?: string; tag?: string }>;
      permissionRequests: boolean[];
      tones: number;
      setHidden(hidden: boolean): void;
    };
    recorded.notifications = [];
    recorded.permissionRequests = [];
    recorded.tones = 0;
    const Native = window.Notification;
    class Recorded extends Native {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        recorded.notifications.push({ title, body: options?.body, tag: options?.tag });
      }
      static override get permission() {
        return Native.permission;
      }
      static override requestPermission() {
        // Whether a user gesture is under way: browsers ask only then.
        recorded.permissionRequests.push(navigator.userActivation.isActive);
        return Native.requestPermission();
      }
    }
    window.Notification = Recorded;
    const createOscillator = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      recorded.tones += 1;
      return createOscillator.call(this);
    };
    let hidden = false;
    Object.defineProperty(document, 'visibilityState', {
      get: () => (hidden ? 'hidden' : 'visible'),
    });
    Object.defineProperty(document, 'hidden', { get: () => hidden });
    recorded.setHidden = (value) => {
      hidden = value;
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
}

describe('attention while the inbox is in the background', () => {
  it('asks for notifications on a click, then notifies and chimes only while hidden', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const { context, page } = await openWatched();
    await recordAttention(context);
    await logIn(page, suite.server.origin, agent);
    await page.getByRole('link', { name: 'Settings' }).click();
    const enable = page.getByRole('button', { name: 'Enable notifications' });
    await enable.waitFor();
    await context.grantPermissions(['notifications'], { origin: suite.server.origin });
    await enable.click();
    await page.getByText('Notifications are on').waitFor();
    expect(
      await page.evaluate(
        () => (window as unknown as { permissionRequests: boolean[] }).permissionRequests,
      ),
    ).toEqual([true]);
    await page.getByRole('checkbox', { name: 'Play a sound for new messages' }).check();
    expect(await page.evaluate(() => localStorage.getItem('sonny.inbox.sound'))).toBe('on');

    const seen = () =>
      page.evaluate(() => {
        const recorded = window as unknown as {
          notifications: Array<{ title: string; body?: string }>;
          tones: number;
        };
        return { notifications: recorded.notifications, tones: recorded.tones };
      });
    const hide = (hidden: boolean) =>
      page.evaluate(
        (value) => (window as unknown as { setHidden(v: boolean): void }).setHidden(value),
        hidden,
      );

    // Visible: the agent sees for itself, nothing pops up.
    const first = await socketVisitor(suite.server, workspace.siteId);
    await first.send('While you look.');
    await expect.poll(() => page.title()).toBe('(1) Sonny');
    expect(await seen()).toEqual({ notifications: [], tones: 0 });

    await hide(true);
    const second = await socketVisitor(suite.server, workspace.siteId);
    const conversationId = await second.send('While you are away.');
    await second.send('Still there?');
    await expect.poll(async () => (await seen()).notifications.length).toBe(2);
    const { notifications, tones } = await seen();
    expect(notifications).toEqual([
      {
        title: 'New conversation with Anonymous visitor',
        body: 'While you are away.',
        tag: conversationId,
      },
      { title: 'Anonymous visitor', body: 'Still there?', tag: conversationId },
    ]);
    expect(tones).toBeGreaterThan(0);
    await expect.poll(() => page.title()).toBe('(3) Sonny');

    await hide(false);
    await first.send('Back again.');
    await expect.poll(() => page.title()).toBe('(4) Sonny');
    expect((await seen()).notifications).toHaveLength(2);
  });
});
