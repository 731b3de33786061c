/**
 * The setup every Chromium suite shares (the widget's and the inbox's): per test file one Sonny
 * server, one host-page server on another origin and one headless Chromium; per test fresh
 * browser contexts, closed after it. The suites assume `dist/` is built: `npm test` builds
 * first, and vitest's global setup (test/build-setup.ts) rebuilds what is stale.
 */
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Config } from '../../server/config.ts';
import { startTestServer, type TestServer } from '../../server/test/harness.ts';
import { launchChromium } from './chromium.ts';
import { type HostServer, startHostServer } from './host-server.ts';

/** What a suite reads once the file's `beforeAll` has run. */
export interface BrowserSuite {
  readonly server: TestServer;
  /** Serves customer pages on their own origin. */
  readonly host: HostServer;
  readonly browser: Browser;
  /** A new browser context (its own storage and cookies), closed after the running test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/** What a suite changes of the test server's configuration. */
export interface BrowserSuiteOptions {
  /**
   * Overrides of the test server's configuration, or a function returning them, read when the
   * server starts: for a value known only once an earlier `beforeAll` ran (a database's URL).
   */
  readonly server?: Partial<Config> | (() => Partial<Config>);
}

/**
 * Registers the file's hooks; call it once at the top level of a test file (or of a
 * `describe`, for hooks scoped to it).
 */
export function browserSuite(options: BrowserSuiteOptions = {}): BrowserSuite {
  let server: TestServer | undefined;
  let host: HostServer | undefined;
  let browser: Browser | undefined;
  const contexts = new Set<BrowserContext>();

  beforeAll(async () => {
    [server, host, browser] = await Promise.all([
      startTestServer(typeof options.server === 'function' ? options.server() : options.server),
      startHostServer(),
      launchChromium(),
    ]);
  });

  afterEach(async () => {
    await Promise.all([...contexts].map((context) => context.close()));
    contexts.clear();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.stop();
  });

  function started<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('the browser suite starts in beforeAll');
    return value;
  }

  return {
    get server() {
      return started(server);
    },
    get host() {
      return started(host);
    },
    get browser() {
      return started(browser);
    },
    async newContext(contextOptions) {
      const context = await started(browser).newContext(contextOptions);
      contexts.add(context);
      return context;
    },
  };
}
