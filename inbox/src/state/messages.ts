import type { Message } from '../fragments.ts';

/** Both lists as one, each message once, oldest first. */
export function mergeMessages(a: readonly Message[], b: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const message of [...a, ...b]) byId.set(message.id, message);
  // A stable sort: messages of the same millisecond keep the order the server gave them.
  return [...byId.values()].sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt));
}
