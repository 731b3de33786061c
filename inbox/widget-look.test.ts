/**
 * The widget's look from the inbox's Settings: what an agent saves there is what visitors see
 * in the widget; a refused value says why and changes nothing.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { browserSuite } from '../test/browser/fixture.ts';
import { hostPage, newWidgetContext, snippet, waitForReady, widget } from '../widget/test/host.ts';
import { graphql, logIn, openPage, type WatchedPage, workspaceWithAgent } from './test/support.ts';

const suite = browserSuite();
const pages: WatchedPage[] = [];

afterEach(() => {
  const errors = pages.splice(0).flatMap((page) => page.errors);
  expect(errors).toEqual([]);
});

const LOOK = '{ workspace { teamName greeting brandColor } }';

async function settingsPage(): Promise<{ page: Page; apiKey: string; siteId: string }> {
  const { workspace, agent } = await workspaceWithAgent(suite.server);
  const watched = await openPage(suite);
  pages.push(watched);
  const { page } = watched;
  await logIn(page, suite.server.origin, agent);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Widget look' }).waitFor();
  return { page, apiKey: workspace.apiKey, siteId: workspace.siteId };
}

/** The site's widget on a customer page, opened. */
async function openWidget(siteId: string): Promise<Page> {
  const context = await newWidgetContext(suite);
  const page = await context.newPage();
  await page.goto(
    suite.host.page(
      hostPage({
        snippet: snippet({ serverOrigin: suite.server.origin, siteId, identify: false }),
      }),
    ),
  );
  await waitForReady(page);
  await widget(page).launcher.click();
  return page;
}

describe('the widget’s look in the inbox’s Settings', () => {
  it('saves the team name, greeting and brand colour, which the widget then shows', async () => {
    const { page, apiKey, siteId } = await settingsPage();
    await page.getByLabel('Team name').fill('Acme Support');
    await page.getByLabel('Greeting').fill('Hello from Acme!\nAsk us anything.');
    await page.getByLabel('Brand colour', { exact: true }).fill('#0B6E4F');
    await page.getByRole('button', { name: 'Save look' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await graphql(suite.server, apiKey, LOOK)).data.workspace).toEqual({
      teamName: 'Acme Support',
      greeting: 'Hello from Acme!\nAsk us anything.',
      brandColor: '#0b6e4f',
    });
    await expect
      .poll(() => page.getByLabel('Brand colour', { exact: true }).inputValue())
      .toBe('#0b6e4f');

    const visitor = await openWidget(siteId);
    const panel = visitor.getByRole('dialog', { name: 'Acme Support' });
    await panel.getByText('Hello from Acme!').waitFor();
    expect(
      await panel.locator('header').evaluate((header) => getComputedStyle(header).backgroundColor),
    ).toBe('rgb(11, 110, 79)');

    // Emptied fields go back to the widget's defaults.
    await page.getByLabel('Team name').fill('');
    await page.getByRole('button', { name: 'Save look' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await graphql(suite.server, apiKey, LOOK)).data.workspace.teamName).toBeNull();
  });

  it('refuses a colour that is not #rrggbb, saying why, and saves nothing', async () => {
    const { page, apiKey } = await settingsPage();
    await page.getByLabel('Team name').fill('Acme Support');
    const colour = page.getByLabel('Brand colour', { exact: true });
    await colour.fill('blue');
    await page.getByRole('button', { name: 'Save look' }).click();
    await page.getByRole('alert').filter({ hasText: 'six hexadecimal digits' }).waitFor();
    expect(await colour.getAttribute('aria-invalid')).toBe('true');
    expect((await graphql(suite.server, apiKey, LOOK)).data.workspace).toEqual({
      teamName: null,
      greeting: null,
      brandColor: null,
    });
  });
});
