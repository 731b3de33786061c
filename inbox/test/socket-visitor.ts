import { randomUUID } from 'node:crypto';
import type { TestServer } from '../../server/test/harness.ts';

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { conversationId }
}`;

/**
 * A visitor that writes through a widget socket of its own (the join and `sendMessage` the
 * widget uses) without a browser page: for suites about the inbox, where the widget's own
 * behaviour is beside the point and a page per visitor costs seconds.
 */
export async function socketVisitor(
  server: TestServer,
  siteId: string,
): Promise<{ send(body: string): Promise<string> }> {
  const socket = await server.join({ siteId, visitorId: randomUUID() });
  await socket.joined;
  return {
    /** Sends a message; resolves with its conversation's id once the server stored it. */
    async send(body) {
      const sent = await socket.execute(SEND, { body, id: randomUUID() });
      if (sent.errors) throw new Error(`sendMessage failed: ${JSON.stringify(sent.errors)}`);
      return sent.data?.sendMessage.conversationId;
    },
  };
}
