/**
 * The setup every Chromium suite of the widget shares: the shared browser suite
 * (test/browser/fixture.ts) plus, per test, a workspace and a customer page embedding the
 * seed snippet for it.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { TestWorkspace } from '../../server/test/harness.ts';
import {
  type BrowserSuite,
  type BrowserSuiteOptions,
  browserSuite,
} from '../../test/browser/fixture.ts';
import { hostPage, newWidgetContext, snippet, widget } from './host.ts';
import { serverTruth } from './server-truth.ts';

/** What a suite reads once the file's `beforeAll` has run. */
export interface WidgetFixture extends BrowserSuite {
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
  /** The Promise stub of docs/widget.md, with an identify that chains on it. */
  readonly promiseStub?: boolean;
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

/** Registers the file's hooks; call it once at the top level of a test file (or a `describe`). */
export function widgetFixture(options: BrowserSuiteOptions = {}): WidgetFixture {
  const suite = browserSuite(options);
  let context: BrowserContext | undefined;

  return {
    get server() {
      return suite.server;
    },
    get host() {
      return suite.host;
    },
    get browser() {
      return suite.browser;
    },
    newContext: (options) => suite.newContext(options),
    get context() {
      if (context === undefined) throw new Error('no browser context yet: call site() first');
      return context;
    },
    async site(siteOptions) {
      const { server, host } = suite;
      const workspace = await server.createWorkspace();
      const url = host.page(
        hostPage({
          snippet: snippet({
            serverOrigin: siteOptions.serverOrigin ?? server.origin,
            siteId: siteOptions.siteId ?? workspace.siteId,
            identify: siteOptions.identify,
            promiseStub: siteOptions.promiseStub,
          }),
          head: siteOptions.head,
          body: siteOptions.body,
        }),
      );
      context = await newWidgetContext(suite);
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
