/**
 * The widget in Chromium under the limits a site puts on its visitors: allowed origins, a
 * verification that ends with its token, and sessions ended by the site's backend; and under
 * the server's own limit on new visitors from one address.
 */
import type { ConsoleMessage, Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ForbiddenReason } from '../protocol/index.ts';
import { ABUSE_LIMIT_DEFAULTS } from '../server/access/rate-limit.ts';
import {
  newVisitorId,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from '../server/test/harness.ts';
import { mintIdentityToken } from '../server/test/identity-tokens.ts';
import { shownAsSent, widgetFixture } from './test/fixture.ts';
import {
  expectNoPageErrors,
  promptWasEverShown,
  sendMessage,
  storedFor,
  waitForReady,
  widget,
} from './test/host.ts';
import { serverTruth } from './test/server-truth.ts';

const fixture = widgetFixture();

const SET_ORIGINS = `mutation ($origins: [String!]) {
  updateWorkspaceSettings(input: { allowedOrigins: $origins }) { allowedOrigins }
}`;
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id }
}`;

/** A page of the test's context, with the widget's console warnings collected. */
async function openPage(url: string): Promise<{ page: Page; warnings: string[] }> {
  const page = await fixture.context.newPage();
  const warnings: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await page.goto(url);
  return { page, warnings };
}

function identify(page: Page, input: Record<string, unknown>): Promise<string> {
  return page.evaluate(
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
}

/** The `exp` of a compact JWT, in epoch milliseconds. */
function expOf(token: string): number {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).exp * 1000;
}

describe('the widget in Chromium: limits the site sets', () => {
  it('stops with one warning on a page whose origin the site does not allow, and runs on one it does', async () => {
    const { workspace, url, truth } = await fixture.site({ identify: false });
    const agent = await fixture.server.createAgent(workspace.id);
    const setOrigins = (origins: string[]) =>
      fixture.server.http(SET_ORIGINS, { origins }, agent.token);
    expect((await setOrigins(['https://app.example.com'])).errors).toBeUndefined();

    const refused = await openPage(url);
    await expect
      .poll(() => refused.warnings)
      .toEqual([`Sonny: the server refused to connect: ${ForbiddenReason.OriginNotAllowed}`]);
    const stored = await storedFor(refused.page, workspace.siteId);
    expect(await truth.visitor(stored.visitorId ?? '')).toBeUndefined();
    await expectNoPageErrors(refused.page);
    await refused.page.close();

    // The page's own origin, as the browser sends it in Origin.
    expect((await setOrigins([new URL(url).origin])).errors).toBeUndefined();
    const allowed = await openPage(url);
    await waitForReady(allowed.page);
    await sendMessage(allowed.page, 'From an allowed page');
    await shownAsSent(allowed.page, 'From an allowed page');
    expect(allowed.warnings).toEqual([]);
  });

  it('keeps working, unverified, once its identity token expires: its own conversations only, live too', async () => {
    const { workspace, url, truth } = await fixture.site({ identify: false });
    const email = uniqueEmail('lapse');
    const laptop = await fixture.server.join({
      siteId: workspace.siteId,
      visitorId: newVisitorId(),
      email,
      identityToken: await mintIdentityToken(workspace.identitySecret, { email }),
    });
    await laptop.joined;
    const sent = await laptop.execute(SEND, { body: 'From the laptop', id: 'l1' });
    expect(sent.errors).toBeUndefined();

    const { page, warnings } = await openPage(url);
    await waitForReady(page);
    const token = await mintIdentityToken(workspace.identitySecret, { email }, { expiresIn: 8 });
    expect(await identify(page, { email, identityToken: token })).toBe(`identified ${email}`);
    await widget(page).launcher.click();
    await shownAsSent(page, 'From the laptop');
    await sendMessage(page, 'From this browser');
    await shownAsSent(page, 'From this browser');

    await page.waitForTimeout(Math.max(0, expOf(token) - Date.now() + 200));
    // Live: the other device's messages stop arriving; this browser's own still go through.
    await laptop.execute(SEND, { body: 'Laptop after expiry', id: 'l2' });
    await sendMessage(page, 'This browser after expiry');
    await shownAsSent(page, 'This browser after expiry');
    await page.waitForTimeout(500);
    expect(await widget(page).messages.filter({ hasText: 'Laptop after expiry' }).count()).toBe(0);

    // Reloaded, the join carries no identity (the token has expired); the visitor stays bound.
    await page.reload();
    await waitForReady(page);
    await sendMessage(page, 'Still here after a reload');
    await shownAsSent(page, 'Still here after a reload');
    expect(await widget(page).messages.filter({ hasText: 'Laptop after expiry' }).count()).toBe(0);
    expect(await promptWasEverShown(page)).toBe(false);
    const visitor = await truth.visitor((await storedFor(page, workspace.siteId)).visitorId ?? '');
    expect(visitor?.contact_id).not.toBeNull();
    expect(visitor?.identity_verified_until?.getTime()).toBe(expOf(token));
    expect(warnings).toEqual([]);
    await expectNoPageErrors(page);
  }, 60_000);

  it('starts over as a new, anonymous visitor when the site ends the person’s sessions', async () => {
    const { workspace, url, truth } = await fixture.site({ identify: false });
    const email = uniqueEmail('ended');
    const { page } = await openPage(url);
    await waitForReady(page);
    const token = await mintIdentityToken(workspace.identitySecret, { email });
    expect(await identify(page, { email, identityToken: token })).toBe(`identified ${email}`);
    await sendMessage(page, 'Before my password change');
    await shownAsSent(page, 'Before my password change');
    const before = (await storedFor(page, workspace.siteId)).visitorId ?? '';

    const ended = await fixture.server.http(
      'mutation ($email: String!) { endContactSessions(input: { email: $email }) { endedVisitorCount } }',
      { email },
      workspace.apiKey,
    );
    expect(ended.data?.endContactSessions).toEqual({ endedVisitorCount: 1 });

    await expect
      .poll(async () => (await storedFor(page, workspace.siteId)).visitorId)
      .not.toBe(before);
    const stored = await storedFor(page, workspace.siteId);
    expect(stored.email).toBeUndefined();
    expect(stored.identityToken).toBeUndefined();
    expect(await widget(page).messages.count()).toBe(0);
    await sendMessage(page, 'A new visitor');
    await shownAsSent(page, 'A new visitor');
    expect((await truth.visitor(stored.visitorId ?? ''))?.contact_id).toBeNull();

    const copied = await fixture.server.join({ siteId: workspace.siteId, visitorId: before });
    expect(await copied.closed).toEqual({
      code: CloseCode.Forbidden,
      reason: ForbiddenReason.VisitorEnded,
    });
    await expectNoPageErrors(page);
  });
});

describe('the widget in Chromium: too many new visitors from one address', () => {
  /** The window of this server's per-address limits: an hour in production. */
  const WINDOW_MS = 3_000;
  let limited: TestServer | undefined;
  beforeAll(async () => {
    // One new visitor per address per window: 127.0.0.1 is every visitor's address here.
    limited = await startTestServer({
      abuseLimits: {
        ...ABUSE_LIMIT_DEFAULTS,
        newVisitorsPerIpPerHour: 1,
        hourlyWindowMs: WINDOW_MS,
      },
    });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('waits out a refused join (4420) offline, typing allowed, then joins: one refusal, no reconnect loop', async () => {
    if (limited === undefined) throw new Error('the limited server starts in beforeAll');
    const server = limited;
    const workspace = await server.createWorkspace();
    const truth = serverTruth(server.app.db, workspace.id);
    const { url } = await fixture.site({
      identify: false,
      serverOrigin: server.origin,
      siteId: workspace.siteId,
    });
    const page = await fixture.context.newPage();
    const warnings: string[] = [];
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    const joins: Array<{ at: number; socket: WebSocket }> = [];
    page.on('websocket', (socket) => joins.push({ at: Date.now(), socket }));

    // While the page loads the widget, another visitor behind the same address takes the one
    // new visitor the window allows: the widget's first join comes a moment later.
    let windowTaken = Number.POSITIVE_INFINITY;
    await page.route(`${server.origin}/widget.js`, async (route) => {
      const neighbour = await server.join({ siteId: workspace.siteId, visitorId: newVisitorId() });
      await neighbour.joined;
      windowTaken = Date.now();
      await route.continue();
    });
    await page.goto(url);

    // Refused: the widget says it is offline, and what the visitor types waits as "Sending…".
    await widget(page).launcher.click();
    const status = page.getByRole('status');
    await expect
      .poll(() => status.textContent(), { timeout: WINDOW_MS })
      .toBe('Offline: messages are sent when you are back');
    const body = 'Hello from a busy office';
    await sendMessage(page, body);
    const message = widget(page).messages.filter({ hasText: body });
    expect(await message.getAttribute('data-state')).toBe('pending');
    expect(joins).toHaveLength(1);

    // Once the window has passed the widget joins by itself, and the message goes.
    await shownAsSent(page, body);
    expect(await status.textContent()).toBe('');
    // A few more seconds: no other attempt, the socket stays up.
    await page.waitForTimeout(2_000);
    const [refused, accepted] = joins;
    expect(joins).toHaveLength(2);
    expect(refused?.socket.isClosed()).toBe(true);
    expect(accepted?.socket.isClosed()).toBe(false);
    // The retry waited for the retry-after (whole seconds, at least 1, plus up to 1 s of
    // jitter), not for the widget's ordinary backoff (from 0.25 s), and no longer.
    expect((accepted?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect((accepted?.at ?? 0) - windowTaken).toBeLessThan(WINDOW_MS + 2_000);

    const visitorId = (await storedFor(page, workspace.siteId)).visitorId ?? '';
    expect(await truth.visitor(visitorId)).toBeDefined();
    expect(await truth.messagesWithBody(body)).toHaveLength(1);
    expect(warnings).toEqual([]);
    await expectNoPageErrors(page);
  }, 30_000);
});
