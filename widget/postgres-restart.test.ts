/**
 * Postgres restarted under a visitor's traffic, in real Chromium: a cluster of this file's own
 * (server/test/postgres-cluster.ts), a Sonny server on it, and two visitors typing, one at
 * desktop width and one on a 390 px phone, while Postgres is stopped (`-m fast`, then
 * `-m immediate`) and started again. What they send meanwhile shows as "Sending…" and nothing
 * else, is resent with its clientMessageId once the server is back, and is stored exactly once;
 * the phone reloads mid-outage and still delivers what it had pending. The inbox's composer
 * does the same for an agent's reply.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, openPage } from '../inbox/test/support.ts';
import {
  type PostgresCluster,
  postgresBinDir,
  startPostgresCluster,
} from '../server/test/postgres-cluster.ts';
import { shownAsSent, widgetFixture } from './test/fixture.ts';
import {
  expectNoPageErrors,
  newWidgetContext,
  PHONE_VIEWPORT,
  sendMessage,
  waitForReady,
  widget,
} from './test/host.ts';

/** Between two messages of one visitor: well under the 20-messages-in-10-s limit. */
const TYPING_INTERVAL_MS = 700;
/** How long each outage lasts before Postgres is started again. */
const OUTAGE_MS = 3_000;
/** After Postgres is back, how long the visitors keep typing before they stop. */
const AFTER_RECOVERY_MS = 5_000;
/** Every pending message is delivered within this long once the visitors stop. */
const DELIVERY_TIMEOUT_MS = 30_000;

const binDir = postgresBinDir();

/**
 * Records, from before any page script runs, what the widget ever showed that a visitor could
 * take for trouble: a message in the failed state, a note other than "Sending…", an alert.
 */
const TROUBLE_RECORDER = () => {
  const seen = { failed: [] as string[], notes: [] as string[], alerts: [] as string[] };
  (window as unknown as { __sonnySeen: typeof seen }).__sonnySeen = seen;
  const remember = (list: string[], text: string | null) => {
    if (text && !list.includes(text)) list.push(text);
  };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init: ShadowRootInit) {
    const root = attach.call(this, init);
    new MutationObserver(() => {
      for (const item of root.querySelectorAll('[data-state="failed"]'))
        remember(seen.failed, item.textContent);
      for (const note of root.querySelectorAll('.note')) remember(seen.notes, note.textContent);
      for (const alert of root.querySelectorAll('[role="alert"]'))
        remember(seen.alerts, alert.textContent);
    }).observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    return root;
  };
};

/** Records every alert the inbox's reply box ever showed ("Not sent: …"). */
const COMPOSER_ALERT_RECORDER = () => {
  const alerts: string[] = [];
  (window as unknown as { __composerAlerts: string[] }).__composerAlerts = alerts;
  new MutationObserver(() => {
    for (const alert of document.querySelectorAll('form.composer [role="alert"]')) {
      if (alert.textContent && !alerts.includes(alert.textContent)) alerts.push(alert.textContent);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

interface Seen {
  readonly failed: string[];
  readonly notes: string[];
  readonly alerts: string[];
}

function seenOn(page: Page): Promise<Seen> {
  return page.evaluate(() => (window as unknown as { __sonnySeen: Seen }).__sonnySeen);
}

/** A visitor typing and sending a message every {@link TYPING_INTERVAL_MS} until stopped. */
function typist(page: Page, name: string) {
  const typed: string[] = [];
  let stopping = false;
  const typing = (async () => {
    for (let seq = 1; !stopping; seq++) {
      const body = `${name} message ${seq}`;
      await sendMessage(page, body);
      typed.push(body);
      await sleep(TYPING_INTERVAL_MS);
    }
  })();
  return {
    typed,
    async stop() {
      stopping = true;
      await typing;
    },
  };
}

/** The visitor's messages not acknowledged yet ("Sending…"). */
function pendingCount(page: Page): Promise<number> {
  return widget(page).messages.and(page.locator('[data-state="pending"]')).count();
}

async function openWidget(context: BrowserContext, url: string): Promise<Page> {
  await context.addInitScript(TROUBLE_RECORDER);
  const page = await context.newPage();
  await page.goto(url);
  await waitForReady(page);
  return page;
}

describe.skipIf(binDir === null)('the widget in Chromium while Postgres restarts', () => {
  let cluster: PostgresCluster | undefined;
  const running = (): PostgresCluster => {
    if (cluster === undefined) throw new Error('the cluster starts in beforeAll');
    return cluster;
  };
  // Registered before the fixture: the cluster starts before its server and is destroyed after.
  beforeAll(async () => {
    cluster = await startPostgresCluster(binDir as string);
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
  });
  const fixture = widgetFixture({
    server: () => ({
      databaseUrl: running().url(),
      redisUrl: null,
      // An operation fails with SERVICE_UNAVAILABLE within 2 s during the outage.
      databaseAcquireTimeoutMs: 2_000,
    }),
  });

  it('shows only "Sending…" through a fast and an immediate restart, then stores every message once and receives a reply', async () => {
    const { workspace, url, context } = await fixture.site({ identify: false });
    const agent = await fixture.server.createAgent(workspace.id);
    const desktop = await openWidget(context, url);
    const phone = await openWidget(await newWidgetContext(fixture, PHONE_VIEWPORT), url);
    const tag = randomUUID().slice(0, 8);
    const names = { desktop: `desktop ${tag}`, phone: `phone ${tag}` };
    for (const [page, name] of [
      [desktop, names.desktop],
      [phone, names.phone],
    ] as const) {
      await sendMessage(page, `${name} hello`);
      await shownAsSent(page, `${name} hello`);
    }

    const desktopTypist = typist(desktop, names.desktop);
    const phoneTypists = [typist(phone, names.phone)];
    const beforeReload = `${names.phone} typed before the reload`;
    const duringOutages: Array<{ mode: string; page: string; pending: number; failed: number }> =
      [];
    let pendingAfterReload = 0;
    try {
      for (const mode of ['fast', 'immediate'] as const) {
        await sleep(1_500);
        await running().stop(mode);
        if (mode === 'immediate') {
          // The phone reloads mid-outage with a message pending: its join is refused (1013) and
          // retried, and the message comes back from storage, to be resent with its
          // clientMessageId.
          await phoneTypists[0]?.stop();
          await sendMessage(phone, beforeReload);
          await phone.reload();
          await widget(phone).launcher.click();
          pendingAfterReload = await pendingCount(phone);
          phoneTypists.push(typist(phone, `${names.phone} again`));
        }
        await sleep(OUTAGE_MS);
        // What was typed a few seconds into the outage cannot have been stored, nor refused.
        for (const [page, name] of [
          [desktop, 'desktop'],
          [phone, 'phone'],
        ] as const) {
          const failed = await widget(page)
            .messages.and(page.locator('[data-state="failed"]'))
            .count();
          duringOutages.push({ mode, page: name, pending: await pendingCount(page), failed });
        }
        await running().start();
        await sleep(AFTER_RECOVERY_MS);
      }
    } finally {
      await Promise.all([desktopTypist, ...phoneTypists].map((each) => each.stop()));
    }
    expect(duringOutages.filter((row) => row.pending === 0 || row.failed > 0)).toEqual([]);
    expect(pendingAfterReload).toBeGreaterThan(0);

    // Everything typed is delivered, each message once, in the order typed.
    for (const page of [desktop, phone]) {
      await expect
        .poll(() => pendingCount(page), { timeout: DELIVERY_TIMEOUT_MS, interval: 250 })
        .toBe(0);
    }
    const phoneTypedAgain = phoneTypists[1]?.typed ?? [];
    expect(phoneTypedAgain.length).toBeGreaterThan(0);
    const expectedShown = {
      desktop: [`${names.desktop} hello`, ...desktopTypist.typed],
      phone: [
        `${names.phone} hello`,
        ...(phoneTypists[0]?.typed ?? []),
        beforeReload,
        ...phoneTypedAgain,
      ],
    };
    expect(await widget(desktop).said.allTextContents()).toEqual(
      expectedShown.desktop.map((body) => `You: ${body}`),
    );
    expect(await widget(phone).said.allTextContents()).toEqual(
      expectedShown.phone.map((body) => `You: ${body}`),
    );

    // Stored exactly once each, and nothing else: one row per clientMessageId.
    const stored = await fixture.server.app.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.body', 'messages.client_message_id', 'messages.conversation_id'])
      .where('conversations.workspace_id', '=', workspace.id)
      .where('messages.author', '=', 'visitor')
      .execute();
    const everyBody = [...expectedShown.desktop, ...expectedShown.phone];
    expect(stored.map((row) => row.body).sort()).toEqual([...everyBody].sort());
    const clientMessageIds = stored.map((row) => row.client_message_id);
    expect(new Set(clientMessageIds).size).toBe(everyBody.length);

    // The visitor saw nothing but "Sending…": no failed message, no retry button, no alert.
    for (const page of [desktop, phone]) {
      expect(await seenOn(page)).toEqual({ failed: [], notes: ['Sending…'], alerts: [] });
      expect(await page.getByRole('status').textContent()).toBe('');
    }

    // An agent's reply after the recovery reaches each visitor live.
    for (const [page, name] of [
      [desktop, names.desktop],
      [phone, names.phone],
    ] as const) {
      const conversationId = stored.find((row) => row.body === `${name} hello`)?.conversation_id;
      const reply = `Reply to ${name}`;
      const result = await fixture.server.http(
        'mutation ($input: ReplyToConversationInput!) { replyToConversation(input: $input) { id } }',
        { input: { conversationId, body: reply, clientMessageId: randomUUID() } },
        agent.token,
      );
      expect(result.errors).toBeUndefined();
      await shownAsSent(page, reply);
      await expectNoPageErrors(page);
    }
  }, 150_000);

  it('the inbox: a reply sent during an outage shows "Sending…", goes once Postgres is back, stored once, and reaches the visitor', async () => {
    const { workspace, url, context } = await fixture.site({ identify: false });
    const agent = await fixture.server.createAgent(workspace.id);
    const visitor = await openWidget(context, url);
    const question = `Where is my parcel? ${randomUUID().slice(0, 8)}`;
    await sendMessage(visitor, question);
    await shownAsSent(visitor, question);

    const { page: inbox } = await openPage(fixture);
    await inbox.context().addInitScript(COMPOSER_ALERT_RECORDER);
    await logIn(inbox, fixture.server.origin, { ...agent, name: 'Alex Agent' });
    await inbox
      .locator('.conversation-row')
      .filter({ hasText: question })
      .getByRole('link')
      .click();
    const composer = inbox.getByRole('textbox', { name: 'Reply' });
    await composer.waitFor();

    await running().stop('fast');
    const reply = `It ships today. ${randomUUID().slice(0, 8)}`;
    await composer.fill(reply);
    await composer.press('Enter');
    await sleep(OUTAGE_MS);
    // Refused meanwhile (SERVICE_UNAVAILABLE), sent again by itself: still on its way.
    expect(await inbox.getByRole('button', { name: 'Sending…' }).count()).toBe(1);
    expect(await composer.inputValue()).toBe(reply);
    await running().start();

    const thread = inbox.getByRole('list', { name: 'Messages' });
    await thread.locator('.message.agent', { hasText: reply }).waitFor({ timeout: 30_000 });
    expect(await composer.inputValue()).toBe('');
    await shownAsSent(visitor, reply);
    const stored = await fixture.server.app.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.author', 'messages.client_message_id'])
      .where('conversations.workspace_id', '=', workspace.id)
      .where('messages.body', '=', reply)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.author).toBe('agent');
    expect(
      await inbox.evaluate(
        () => (window as unknown as { __composerAlerts: string[] }).__composerAlerts,
      ),
    ).toEqual([]);
    expect(await thread.locator('.message', { hasText: reply }).count()).toBe(1);
    await expectNoPageErrors(visitor);
  }, 90_000);
});
