/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type IdentifyVisitorInput = {
  readonly email: string;
  /** A token the site’s backend minted for this email (createIdentityToken, or signed with the identity secret). Makes the identify verified. */
  readonly identityToken?: string | null | undefined;
  /** Blank or absent keeps the name the contact has. */
  readonly name?: string | null | undefined;
};

/** Which side of the conversation wrote a message. */
export type MessageAuthor =
  | 'AGENT'
  | 'VISITOR';

export type SendMessageInput = {
  /** Plain text, 1 to 10,000 characters. */
  readonly body: string;
  /** Chosen by the client, unique per message: resending it returns the same message. */
  readonly clientMessageId: string;
};

export type VisitorQueryVariables = Exact<{ [key: string]: never; }>;


export type VisitorQuery = { readonly visitor: { readonly id: string, readonly email: string | null, readonly name: string | null, readonly identified: boolean, readonly workspace: { readonly teamName: string | null, readonly greeting: string | null, readonly brandColor: string | null }, readonly conversations: ReadonlyArray<{ readonly id: string, readonly messages: ReadonlyArray<{ readonly id: string, readonly conversationId: string, readonly author: MessageAuthor, readonly authorName: string | null, readonly body: string, readonly clientMessageId: string | null, readonly createdAt: string }> }> } };

export type IdentifyMutationVariables = Exact<{
  input: IdentifyVisitorInput;
}>;


export type IdentifyMutation = { readonly identifyVisitor: { readonly linkedConversationCount: number, readonly contact: { readonly id: string, readonly email: string, readonly name: string | null } } };

export type SendMutationVariables = Exact<{
  input: SendMessageInput;
}>;


export type SendMutation = { readonly sendMessage: { readonly id: string, readonly conversationId: string, readonly author: MessageAuthor, readonly authorName: string | null, readonly body: string, readonly clientMessageId: string | null, readonly createdAt: string } };

export type ResetMutationVariables = Exact<{ [key: string]: never; }>;


export type ResetMutation = { readonly resetVisitor: { readonly endedVisitorId: string } };

export type EventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type EventsSubscription = { readonly visitorEvents: { readonly message: { readonly id: string, readonly conversationId: string, readonly author: MessageAuthor, readonly authorName: string | null, readonly body: string, readonly clientMessageId: string | null, readonly createdAt: string } } };
