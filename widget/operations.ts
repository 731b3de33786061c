/** The GraphQL the widget sends: the visitor operations of docs/protocol.md. */
import type { StoredMessage } from './storage.ts';

const MESSAGE_FIELDS = 'id conversationId author body clientMessageId createdAt';

/**
 * A message as the server sends it: what the widget keeps, plus the id its author sent it
 * with, by which the widget recognises the echo of its own pending message.
 */
export interface MessageData extends StoredMessage {
  readonly clientMessageId: string | null;
}

export const VISITOR_QUERY = `query Visitor {
  visitor { id email name identified conversations { id messages { ${MESSAGE_FIELDS} } } }
}`;

export interface VisitorData {
  readonly visitor: {
    readonly id: string;
    readonly email: string | null;
    readonly name: string | null;
    readonly identified: boolean;
    readonly conversations: ReadonlyArray<{
      readonly id: string;
      readonly messages: readonly MessageData[];
    }>;
  };
}

export const IDENTIFY_MUTATION = `mutation Identify($input: IdentifyVisitorInput!) {
  identifyVisitor(input: $input) { contact { id email name } linkedConversationCount }
}`;

export interface IdentifyVariables {
  readonly input: { email: string; name?: string; identityToken?: string };
  readonly [key: string]: unknown;
}

/** What `identify` resolves with and the `identified` event carries. */
export interface IdentifyResult {
  readonly contact: { readonly id: string; readonly email: string; readonly name: string | null };
  readonly linkedConversationCount: number;
}

export interface IdentifyData {
  readonly identifyVisitor: IdentifyResult;
}

export const SEND_MESSAGE_MUTATION = `mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) { ${MESSAGE_FIELDS} }
}`;

export interface SendMessageData {
  readonly sendMessage: MessageData;
}

export const RESET_MUTATION = 'mutation Reset { resetVisitor { endedVisitorId } }';

export const VISITOR_EVENTS_SUBSCRIPTION = `subscription Events($after: ID) {
  visitorEvents(after: $after) { ... on VisitorMessageAdded { message { ${MESSAGE_FIELDS} } } }
}`;

export interface VisitorEventsData {
  readonly visitorEvents: { readonly message?: MessageData };
}
