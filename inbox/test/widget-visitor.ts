import type { BrowserSuite } from '../../test/browser/fixture.ts';
import {
  hostPage,
  newWidgetContext,
  sendMessage,
  snippet,
  waitForReady,
  widget,
} from '../../widget/test/host.ts';
import type { Visitor } from './visitor.ts';

/**
 * A visitor on a customer's page (another origin than the server) with the seed snippet and
 * the real widget, in a browser context of its own that the suite closes after the test.
 */
export async function widgetVisitor(suite: BrowserSuite, siteId: string): Promise<Visitor> {
  const context = await newWidgetContext(suite);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const url = suite.host.page(
    hostPage({ snippet: snippet({ serverOrigin: suite.server.origin, siteId, identify: false }) }),
  );
  await page.goto(url);
  await waitForReady(page);
  const ui = widget(page);
  return {
    async send(body) {
      const before = await ui.messages.filter({ hasText: body }).count();
      await sendMessage(page, body);
      // Sent once the server's answer replaced the pending message in the log.
      await ui.messages.filter({ hasText: body }).nth(before).waitFor();
    },
    async identify(identity) {
      await page.evaluate(({ email, name, identityToken }) => {
        const sonny = (window as unknown as { sonny: (...args: unknown[]) => unknown }).sonny;
        return new Promise<void>((resolve, reject) => {
          sonny('on', 'identified', () => resolve());
          sonny('on', 'identify_failed', (error: unknown) => reject(new Error(String(error))));
          sonny('identify', {
            email,
            ...(name === undefined ? {} : { name }),
            ...(identityToken === undefined ? {} : { identityToken }),
          });
        });
      }, identity);
    },
    async waitForAgentMessage(body) {
      await ui.messages.filter({ hasText: body }).first().waitFor();
    },
    async countMessages(body) {
      await page.waitForTimeout(300);
      return ui.messages.filter({ hasText: body }).count();
    },
  };
}
