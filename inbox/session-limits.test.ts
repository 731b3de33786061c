/**
 * The agent's controls over who may chat, in Chromium: the allowed origins in Settings, and
 * ending a person's (or an anonymous visitor's) sessions from the contact sidebar.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../server/test/harness.ts';
import { browserSuite } from '../test/browser/fixture.ts';
import { graphql, logIn, watchedPages, workspaceWithAgent } from './test/support.ts';
import { widgetVisitor } from './test/widget-visitor.ts';

const suite = browserSuite();
const openWatched = watchedPages(suite);

async function agentPage(): Promise<Page> {
  return (await openWatched()).page;
}

async function activeVisitorsOf(workspaceId: string): Promise<number> {
  const row = await suite.server.app.db
    .selectFrom('visitors')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('ended_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the agent inbox in Chromium: who may chat', () => {
  it('edits the allowed origins in Settings, refusing a line that is not an origin', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    await page.getByRole('link', { name: 'Settings' }).click();
    const origins = page.getByRole('textbox', { name: 'Origins, one per line' });
    const save = page.getByRole('button', { name: 'Save origins' });
    const readOrigins = async () =>
      (await graphql(suite.server, workspace.apiKey, '{ workspace { allowedOrigins } }')).data
        .workspace.allowedOrigins;

    await origins.fill('https://app.example.com\nwww.example.com/shop');
    await save.click();
    await page
      .getByRole('alert')
      .filter({ hasText: '“www.example.com/shop” is not an origin' })
      .waitFor();
    expect(await readOrigins()).toEqual([]);

    await origins.fill('https://App.Example.com/\n\n  http://localhost:3000  ');
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await readOrigins()).toEqual(['https://app.example.com', 'http://localhost:3000']);
    await page.reload();
    await expect
      .poll(() => origins.inputValue())
      .toBe('https://app.example.com\nhttp://localhost:3000');

    await origins.fill('');
    await save.click();
    await expect.poll(readOrigins).toEqual([]);
  });

  it('ends every session of a contact from the sidebar, after a confirmation; the widget starts over', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    const email = uniqueEmail('signout');
    const jane = await widgetVisitor(suite, workspace.siteId);
    await jane.send('Please sign me out everywhere');
    await jane.identify({ email, name: 'Jane Signout' });
    const bystander = await widgetVisitor(suite, workspace.siteId);
    await bystander.send('I am someone else');
    expect(await activeVisitorsOf(workspace.id)).toBe(2);

    const row = page.locator('.conversation-row').filter({ hasText: 'Jane Signout' });
    await row.getByRole('link').click();
    const sidebar = page.getByRole('complementary', { name: 'Contact' });
    await sidebar.getByRole('button', { name: 'End sessions' }).click();
    await sidebar.getByText('Sign this person out of the chat on every device?').waitFor();
    expect(await activeVisitorsOf(workspace.id)).toBe(2);
    await sidebar.getByRole('button', { name: 'Confirm: end sessions' }).click();
    await sidebar.getByRole('status').filter({ hasText: 'Ended 1 session.' }).waitFor();

    // Jane's widget forgot her and her messages; the other visitor chats on.
    expect(await jane.countMessages('Please sign me out everywhere')).toBe(0);
    await jane.send('Hello again, as nobody');
    await bystander.send('Still here');
    const ended = await suite.server.app.db
      .selectFrom('visitors')
      .innerJoin('contacts', 'contacts.id', 'visitors.contact_id')
      .select('visitors.ended_at')
      .where('contacts.email_normalized', '=', email)
      .execute();
    expect(ended.map((visitor) => visitor.ended_at)).toEqual([expect.any(Date)]);
  });

  it('ends an anonymous visitor’s session from the sidebar, or keeps it on Cancel', async () => {
    const { workspace, agent } = await workspaceWithAgent(suite.server);
    const page = await agentPage();
    await logIn(page, suite.server.origin, agent);
    const anonymous = await widgetVisitor(suite, workspace.siteId);
    await anonymous.send('Buy cheap watches');

    await page
      .locator('.conversation-row')
      .filter({ hasText: 'Buy cheap watches' })
      .getByRole('link')
      .click();
    const sidebar = page.getByRole('complementary', { name: 'Contact' });
    await sidebar.getByRole('button', { name: 'End session' }).click();
    await sidebar.getByRole('button', { name: 'Cancel' }).click();
    expect(await activeVisitorsOf(workspace.id)).toBe(1);

    await sidebar.getByRole('button', { name: 'End session' }).click();
    await sidebar.getByRole('button', { name: 'Confirm: end session' }).click();
    await sidebar.getByRole('status').filter({ hasText: 'Ended 1 session.' }).waitFor();
    expect(await anonymous.countMessages('Buy cheap watches')).toBe(0);
  });
});
