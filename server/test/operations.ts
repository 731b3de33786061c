/** GraphQL documents the process-level suites send, as a widget and an inbox send them. */

/** A visitor's message; `clientMessageId` makes a resend of it idempotent. */
export const SEND_MESSAGE = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;

/** An agent's reply to a conversation of its workspace. */
export const REPLY_TO_CONVERSATION = `mutation ($conversationId: ID!, $body: String!, $id: ID!) {
  replyToConversation(input: { conversationId: $conversationId, body: $body, clientMessageId: $id }) { id }
}`;
