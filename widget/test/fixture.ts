/**
 * The setup every Chromium suite of the widget shares: the widget built once, then a Sonny
 * server, a host-page server and Chromium per file, and one browser context per test.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '../../server/test/browser.ts';
import { startTestServer, type TestServer, type TestWorkspace } from '../../server/test/harness.ts';
import { buildWidget } from '../build.ts';
import { type HostServer, hostPage, newContext, snippet, startHostServer, widget } from './host.ts';
import { serverTruth } from './server-truth.ts';

/** What a suite reads once the file's `beforeAll` has run. */
export interface WidgetFixture {
  readonly server: TestServer;
  readonly host: HostServer;
  readonly browser: Browser;
  /** The context of the running test (from {@link WidgetFixture.site}), closed after it. */
  readonly context: BrowserContext;
  /**
   * A new workspace and a host page embedding the seed snippet for it, with a fresh browser
   * context for the test. `serverOrigin` and `siteId` default to the server's and the
   * workspace's; `identify` keeps or drops the identify-before-init lines.
   */
  site(options: SiteOptions): Promise<Site>;
}

export interface SiteOptions {
  readonly identify: boolean;
  readonly serverOrigin?: string;
  readonly siteId?: string;
  readonly head?: string;
  readonly body?: string;
}

export interface Site {
  readonly workspace: TestWorkspace;
  readonly url: string;
  readonly context: BrowserContext;
  readonly truth: ReturnType<typeof serverTruth>;
}

/** Registers the file's hooks; call it once at the top level of a test file. */
export function widgetFixture(): WidgetFixture {
  let server: TestServer;
  let host: HostServer;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    await buildWidget();
    [server, host, browser] = await Promise.all([
      startTestServer(),
      startHostServer(),
      launchChromium(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await context?.close();
  });

  return {
    get server() {
      return server;
    },
    get host() {
      return host;
    },
    get browser() {
      return browser;
    },
    get context() {
      if (context === undefined) throw new Error('no browser context yet: call site() first');
      return context;
    },
    async site(options) {
      const workspace = await server.createWorkspace();
      const url = host.page(
        hostPage({
          snippet: snippet({
            serverOrigin: options.serverOrigin ?? server.origin,
            siteId: options.siteId ?? workspace.siteId,
            identify: options.identify,
          }),
          head: options.head,
          body: options.body,
        }),
      );
      context = await newContext(browser);
      return { workspace, url, context, truth: serverTruth(server.app.db, workspace.id) };
    },
  };
}

/** Waits until `body` shows in the widget as a sent message (not pending). */
export async function shownAsSent(page: Page, body: string): Promise<void> {
  await widget(page)
    .messages.filter({ hasText: body })
    .and(page.locator('[data-state="sent"]'))
    .waitFor();
}
