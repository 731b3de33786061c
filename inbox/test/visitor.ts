import { randomUUID } from 'node:crypto';
import type { TestServer, WidgetSocket } from '../../server/test/harness.ts';

/** The visitor side of a browser test: what a person on the customer's site does. */
export interface Visitor {
  send(body: string): Promise<void>;
  identify(identity: { email: string; name?: string; identityToken?: string }): Promise<void>;
  /** Resolves once a message with this body from an agent reached the visitor. */
  waitForAgentMessage(body: string): Promise<void>;
  /** How many messages with this body the visitor has been shown. */
  countMessages(body: string): Promise<number>;
  close(): Promise<void>;
}

/** A visitor driven over graphql-ws, exactly as the widget speaks the protocol. */
export async function socketVisitor(server: TestServer, siteId: string): Promise<Visitor> {
  const socket: WidgetSocket = await server.join({ siteId, visitorId: randomUUID() });
  await socket.joined;
  // Messages by id, as the widget keeps them.
  const seen = new Map<string, { body: string; author: string }>();
  socket.client.subscribe(
    {
      query:
        'subscription { visitorEvents { ... on VisitorMessageAdded { message { id body author } } } }',
    },
    {
      next: (result) => {
        const message = (
          result.data as {
            visitorEvents?: { message?: { id: string; body: string; author: string } };
          }
        )?.visitorEvents?.message;
        if (message) seen.set(message.id, message);
      },
      error: () => {},
      complete: () => {},
    },
  );
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    async send(body) {
      const result = await socket.execute(
        'mutation($input: SendMessageInput!) { sendMessage(input: $input) { id body author } }',
        { input: { body, clientMessageId: randomUUID() } },
      );
      if (result.errors) throw new Error(JSON.stringify(result.errors));
    },
    async identify(identity) {
      const result = await socket.execute(
        'mutation($input: IdentifyVisitorInput!) { identifyVisitor(input: $input) { contact { id } } }',
        { input: identity },
      );
      if (result.errors) throw new Error(JSON.stringify(result.errors));
    },
    async waitForAgentMessage(body) {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        if ([...seen.values()].some((m) => m.body === body && m.author === 'AGENT')) return;
        await pause(100);
      }
      throw new Error(`The visitor never got "${body}"`);
    },
    async countMessages(body) {
      await pause(300);
      return [...seen.values()].filter((m) => m.body === body).length;
    },
    async close() {
      await socket.dispose();
    },
  };
}
