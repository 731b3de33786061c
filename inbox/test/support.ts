import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { createAgent } from '../../server/access/agents.ts';
import type { TestServer } from '../../server/test/harness.ts';
import type { BrowserSuite } from '../../test/browser/fixture.ts';

/** Where screenshots of the run go (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS = fileURLToPath(new URL('../../artifacts', import.meta.url));

export interface Agent {
  readonly email: string;
  readonly name: string;
  readonly password: string;
}

let agents = 0;

/** A fresh workspace with one agent, as `sonny agent create` makes them. */
export async function workspaceWithAgent(
  server: TestServer,
): Promise<{ workspace: Awaited<ReturnType<TestServer['createWorkspace']>>; agent: Agent }> {
  const workspace = await server.createWorkspace();
  return { workspace, agent: await addAgent(server, workspace) };
}

/** One more agent of the workspace, as `sonny agent create` makes them. */
export async function addAgent(
  server: TestServer,
  workspace: { readonly id: string; readonly siteId: string },
): Promise<Agent> {
  agents += 1;
  const agent = {
    email: `agent${agents}.${workspace.siteId.slice(-6)}@example.com`,
    name: `Agent ${agents}`,
    password: 'correct horse battery staple',
  };
  await createAgent(server.app.db, { workspaceId: workspace.id, ...agent });
  return agent;
}

/** A session token of the agent, for the API calls a test makes as that agent. */
export async function sessionToken(server: TestServer, agent: Agent): Promise<string> {
  const login = await graphql(
    server,
    null,
    'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
    { email: agent.email, password: agent.password },
  );
  return login.data.login.token;
}

/** A page plus every console error and uncaught exception it produced. */
export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** A page in a new context of the suite (closed after the test), watched for errors. */
export async function openPage(
  suite: BrowserSuite,
  viewport = { width: 1280, height: 800 },
): Promise<WatchedPage> {
  const context = await suite.newContext({ viewport });
  // Waits fail after 10 s with the locator they waited for, well inside the test timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, errors };
}

/**
 * Opens watched pages for a suite's tests (call it once, at the top level of the file): after
 * each test, any console error or uncaught exception in one of them fails it. The suite
 * closes their contexts.
 */
export function watchedPages(
  suite: BrowserSuite,
): (viewport?: { width: number; height: number }) => Promise<WatchedPage> {
  const pages: WatchedPage[] = [];
  afterEach(() => {
    const errors = pages.splice(0).flatMap((page) => page.errors);
    expect(errors).toEqual([]);
  });
  return async (viewport) => {
    const watched = await openPage(suite, viewport);
    pages.push(watched);
    return watched;
  };
}

/** Logs in through the form and waits for the inbox. */
export async function logIn(page: Page, origin: string, agent: Agent): Promise<void> {
  await page.goto(`${origin}/inbox/`);
  await page.getByLabel('Email').fill(agent.email);
  await page.getByLabel('Password').fill(agent.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** POSTs a GraphQL operation with an API key or session token (none with `null`). */
export async function graphql(
  server: TestServer,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests walk result data by path and assert on it.
): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}
