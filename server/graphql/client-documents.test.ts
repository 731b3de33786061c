import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DocumentNode, type GraphQLError, getOperationAST, parse, print } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import * as inbox from '../../inbox/src/gql/graphql.ts';
import * as widget from '../../widget/operations.ts';
import type { VisitorSession } from './context.ts';
import { estimateCost } from './cost.ts';
import { QUERY_LIMITS, useQueryLimits } from './limits.ts';
import { PAGE_SIZE } from './pagination.ts';
import { MAX_MESSAGES_PAGE } from './schema/conversation.ts';
import { schema } from './schema/index.ts';

/** Answers every operation that got past the limits with empty data: nothing runs for real. */
const noExecution: Plugin = {
  onExecute: ({ setExecuteFn }) => setExecuteFn(() => ({ data: {} })),
  onSubscribe: ({ setSubscribeFn }) => setSubscribeFn(() => ({ data: {} })),
};

const yoga = createYoga({ schema, plugins: [useQueryLimits(), noExecution] });

/** Every page size a client may ask for, at its largest. */
const LARGEST_PAGES = { first: PAGE_SIZE.max, last: MAX_MESSAGES_PAGE };

/**
 * Runs a document through the server's own parse, validation and limits, as a socket's
 * operation runs: on a visitor's socket, or for an agent (no visitor session). Returns the
 * errors a client would get.
 */
async function errorsOf(source: string, caller: 'visitor' | 'agent'): Promise<readonly unknown[]> {
  const visitorSession: VisitorSession | undefined =
    caller === 'visitor' ? { visitor: { id: 'v', workspaceId: 'w' } as never } : undefined;
  const { parse, validate, contextFactory, execute, subscribe } = yoga.getEnveloped({
    visitorSession,
  });
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    return [error];
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) return invalid;
  const operation = getOperationAST(document);
  const run = operation?.operation === 'subscription' ? subscribe : execute;
  const result = (await run({
    schema,
    document,
    variableValues: LARGEST_PAGES,
    contextValue: await contextFactory(),
  })) as { errors?: readonly GraphQLError[] };
  return result.errors ?? [];
}

const widgetDocuments = Object.entries(widget).filter(
  (entry): entry is [string, string] => typeof entry[1] === 'string',
);

const inboxDocuments = Object.entries(inbox)
  .filter(([name]) => name.endsWith('Document'))
  .map(([name, document]) => [name, print(document as DocumentNode)] as const);

/** The GraphQL of every `"query":"…"` in the docs' examples (curl bodies). */
function docsDocuments(): Array<readonly [string, string]> {
  const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
  const readme = fileURLToPath(new URL('../../README.md', import.meta.url));
  const files = [readme, ...readdirSync(docs).map((name) => `${docs}${name}`)];
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/"query":("(?:[^"\\]|\\.)*")/g)].map(
      ([, literal], index) => [
        `${file.split('/').at(-1)} #${index + 1}`,
        JSON.parse(literal ?? ''),
      ],
    ),
  );
}

describe('every document a client sends fits the limits, at the largest page sizes', () => {
  it.each(widgetDocuments)("the widget's %s, on a visitor's socket", async (_name, source) => {
    expect(await errorsOf(source, 'visitor')).toEqual([]);
  });

  it.each(inboxDocuments)("the inbox's %s", async (_name, source) => {
    expect(await errorsOf(source, 'agent')).toEqual([]);
  });

  it.each(docsDocuments())("the docs' example in %s", async (_name, source) => {
    expect(await errorsOf(source, 'agent')).toEqual([]);
  });

  it('found the documents', () => {
    expect(widgetDocuments.length).toBeGreaterThanOrEqual(5);
    expect(inboxDocuments.length).toBeGreaterThanOrEqual(10);
    expect(docsDocuments().length).toBeGreaterThanOrEqual(2);
  });
});

it("sets the visitor's ceiling at three to four times the widget's heaviest document", () => {
  const heaviest = Math.max(
    ...widgetDocuments.map(([, source]) =>
      estimateCost(schema, parse(source), null, LARGEST_PAGES),
    ),
  );
  expect(heaviest * 3).toBeLessThanOrEqual(QUERY_LIMITS.visitorCost);
  expect(heaviest * 4).toBeGreaterThan(QUERY_LIMITS.visitorCost);
});

it('refuses a document over a limit in this harness, so the passes above mean something', async () => {
  const aliases = Array.from({ length: QUERY_LIMITS.aliases + 1 }, (_, index) => `a${index}: id`);
  expect(await errorsOf(`{ visitor { ${aliases.join(' ')} } }`, 'visitor')).toMatchObject([
    { extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'aliases' } },
  ]);
  const messages =
    'conversations { messages { id conversationId author body clientMessageId createdAt } }';
  const fourVisitors = `{ ${[1, 2, 3, 4].map((n) => `v${n}: visitor { ${messages} }`).join(' ')} }`;
  expect(await errorsOf(fourVisitors, 'visitor')).toMatchObject([
    { extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: QUERY_LIMITS.visitorCost } },
  ]);
});
