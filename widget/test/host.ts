/**
 * What the browser tests of the widget share: the seed page's snippet (verbatim apart from
 * `src` and siteId), the host page around it, and locators a user would use. The page is served
 * by the suite's host server (test/browser/host-server.ts), on another origin than the API.
 */
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { BrowserSuite } from '../../test/browser/fixture.ts';

/** The snippet of ../shared/seed/visitor-identification.txt, character for character. */
export const SEED_SNIPPET = `<!-- Sonny widget snippet -->
<script>
(function(){
var w=window,d=document,s=d.createElement('script');
w.sonny=w.sonny||function(){(w.sonny.q=w.sonny.q||[]).push(arguments)};
s.src='https://widget.usesonny.com/widget.js';
s.async=true;d.head.appendChild(s);
})();
// Identify before init — identity is queued and sent on connect
sonny('identify', {
email: 'jane@example.com',
name: 'Jane Smith'
});
sonny('init', { siteId: 'YOUR_SITE_ID' });
</script>`;

const SEED_IDENTIFY = `// Identify before init — identity is queued and sent on connect
sonny('identify', {
email: 'jane@example.com',
name: 'Jane Smith'
});
`;

const PLAIN_STUB = 'w.sonny=w.sonny||function(){(w.sonny.q=w.sonny.q||[]).push(arguments)};';

/** docs/widget.md's stub for pages that chain on a call made before widget.js has loaded. */
export const PROMISE_STUB =
  'w.sonny=w.sonny||function(){var a=arguments;return new Promise(function(r,j){(w.sonny.q=w.sonny.q||[]).push([a,r,j])})};';

/** docs/widget.md's identify that chains on its Promise, as pages with the Promise stub write it. */
const CHAINED_IDENTIFY = `sonny('identify', { email: 'jane@example.com', name: 'Jane Smith' })
.then(function (result) { window.chatIdentity = result.contact.email; });
`;

/**
 * The seed snippet pointing at `serverOrigin` with `siteId`. `identify: false` drops the
 * identify-before-init lines, for a page whose visitor is anonymous. `promiseStub` swaps in the
 * Promise stub and an identify that chains on it (`window.chatIdentity` gets the email).
 */
export function snippet(options: {
  serverOrigin: string;
  siteId: string;
  identify: boolean;
  promiseStub?: boolean;
}): string {
  if (options.promiseStub) {
    return snippet({ ...options, promiseStub: false })
      .replace(PLAIN_STUB, PROMISE_STUB)
      .replace(SEED_IDENTIFY, CHAINED_IDENTIFY);
  }
  const replaced = SEED_SNIPPET.replace(
    "s.src='https://widget.usesonny.com/widget.js';",
    `s.src='${options.serverOrigin}/widget.js';`,
  ).replace("siteId: 'YOUR_SITE_ID'", `siteId: '${options.siteId}'`);
  return options.identify ? replaced : replaced.replace(SEED_IDENTIFY, '');
}

/** A host page: some content, optional CSS in the head, the snippet at the end of the body. */
export function hostPage(options: { snippet: string; head?: string; body?: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer site</title>${options.head ?? ''}</head>
<body><div id="app"><h1>Customer dashboard</h1><p>Welcome back.</p></div>
${options.body ?? ''}
${options.snippet}
</body>
</html>`;
}

/**
 * Records, from before any page script runs, whether the widget's email prompt was ever
 * visible: every change of its `hidden` attribute inside the widget's shadow root counts.
 */
const PROMPT_RECORDER = () => {
  const record = window as unknown as { __sonnyPromptShown: boolean; __sonnyErrors: string[] };
  record.__sonnyPromptShown = false;
  record.__sonnyErrors = [];
  window.addEventListener('error', (event) => record.__sonnyErrors.push(String(event.message)));
  window.addEventListener('unhandledrejection', (event) =>
    record.__sonnyErrors.push(`unhandled rejection: ${String(event.reason)}`),
  );
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init: ShadowRootInit) {
    const root = attach.call(this, init);
    const seen = () => {
      const prompt = root.querySelector('form.prompt');
      if (prompt instanceof HTMLElement && !prompt.hidden) record.__sonnyPromptShown = true;
    };
    new MutationObserver((records) => {
      for (const change of records) {
        const target = change.target;
        if (target instanceof HTMLElement && target.matches('form.prompt') && !target.hidden) {
          record.__sonnyPromptShown = true;
        }
        // hidden removed, even if set again before this callback ran
        if (
          change.attributeName === 'hidden' &&
          change.oldValue !== null &&
          target instanceof HTMLElement &&
          target.matches('form.prompt')
        ) {
          record.__sonnyPromptShown = true;
        }
      }
      seen();
    }).observe(root, { subtree: true, childList: true, attributes: true, attributeOldValue: true });
    return root;
  };
};

/** The desktop viewport the widget suites use unless a test says otherwise. */
export const DESKTOP_VIEWPORT = { width: 1024, height: 768 } as const;
/** A phone held upright: below 480 px the panel fills the screen. */
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;

/**
 * A new browser context of the suite (its own localStorage, closed after the test) with the
 * prompt recorder installed; `options` for the rest (a locale, a time zone).
 */
export async function newWidgetContext(
  suite: BrowserSuite,
  viewport: { width: number; height: number } = DESKTOP_VIEWPORT,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await suite.newContext({ ...options, viewport });
  await context.addInitScript(PROMPT_RECORDER);
  return context;
}

/** The widget as a user finds it: by role and accessible name. */
export function widget(page: Page) {
  return {
    launcher: page.getByRole('button', { name: /^Chat/ }),
    panel: page.getByRole('dialog', { name: 'Chat with us' }),
    log: page.getByRole('log', { name: 'Messages' }),
    input: page.getByRole('textbox', { name: 'Message', exact: true }),
    send: page.getByRole('button', { name: 'Send', exact: true }),
    prompt: page.getByRole('form', { name: 'Get replies by email' }),
    emailInput: page.getByRole('textbox', { name: /Leave your email/ }),
    /** The messages shown, oldest first: each with its sender, its time or its sending state. */
    messages: page.getByRole('log', { name: 'Messages' }).getByRole('listitem'),
    /**
     * What each message says, oldest first, as a screen reader reads it: "You: …", or the
     * agent's name and the text.
     */
    said: page.getByRole('log', { name: 'Messages' }).locator('.bubble'),
  };
}

/** Opens the panel (waiting for the widget to load) and sends `body` as a user would. */
export async function sendMessage(page: Page, body: string): Promise<void> {
  const ui = widget(page);
  if ((await ui.launcher.getAttribute('aria-expanded')) !== 'true') await ui.launcher.click();
  await ui.input.fill(body);
  await ui.input.press('Enter');
}

/** Waits for the widget's `ready` event (the join acknowledged, history loaded). */
export async function waitForReady(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const sonny = (window as unknown as { sonny: (...args: unknown[]) => unknown }).sonny;
        sonny('on', 'ready', () => resolve());
      }),
  );
}

/** The widget's localStorage entries for `siteId`. */
export async function storedFor(page: Page, siteId: string): Promise<Record<string, string>> {
  return page.evaluate((prefix) => {
    const entries: Record<string, string> = {};
    for (let index = 0; index < localStorage.length; index++) {
      const key = localStorage.key(index);
      if (key?.startsWith(prefix))
        entries[key.slice(prefix.length)] = localStorage.getItem(key) ?? '';
    }
    return entries;
  }, `sonny:${siteId}:`);
}

export async function promptWasEverShown(page: Page): Promise<boolean> {
  return page.evaluate(
    () => (window as unknown as { __sonnyPromptShown: boolean }).__sonnyPromptShown,
  );
}

/** Errors and unhandled rejections the page saw: the widget must cause none. */
export async function pageErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __sonnyErrors: string[] }).__sonnyErrors);
}

export async function expectNoPageErrors(page: Page): Promise<void> {
  expect(await pageErrors(page)).toEqual([]);
}
