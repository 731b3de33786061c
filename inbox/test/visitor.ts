/** The visitor side of a browser test: what a person on the customer's site does. */
export interface Visitor {
  send(body: string): Promise<void>;
  identify(identity: { email: string; name?: string; identityToken?: string }): Promise<void>;
  /** Resolves once a message with this body from an agent is shown to the visitor. */
  waitForAgentMessage(body: string): Promise<void>;
  /** How many messages with this body the visitor is shown. */
  countMessages(body: string): Promise<number>;
}
