import type { InboxEventModel } from '../conversations/inbox-events.ts';
import type { MessageModel } from '../conversations/messages.ts';
import { channel } from './pubsub.ts';

/** Every pub/sub channel, named in one place. */
export const channels = {
  /** Messages added to any conversation of one visitor, by its server id. */
  visitorMessages: (visitorId: string) => channel<MessageModel>(`visitor:${visitorId}:messages`),
  /** Messages added to any conversation linked to one contact: what its verified visitors see. */
  contactMessages: (contactId: string) => channel<MessageModel>(`contact:${contactId}:messages`),
  /** A workspace's inbox events (conversations, messages, identifies), for its agents. */
  inboxEvents: (workspaceId: string) =>
    channel<InboxEventModel>(`workspace:${workspaceId}:inbox-events`),
  /** One agent's read marks as they move, from any of its sessions: for its other sessions. */
  agentReads: (agentId: string) =>
    channel<{ conversationId: string }>(`agent:${agentId}:conversation-reads`),
  /** Visitors that were reset or ended: each instance closes its sockets of that visitor. */
  endedVisitors: channel<{ visitorId: string }>('visitors:ended'),
  /** Agent sessions that logged out: each instance closes the sockets opened with them. */
  endedSessions: channel<{ sessionId: string }>('sessions:ended'),
};
