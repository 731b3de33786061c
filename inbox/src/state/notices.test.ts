import { describe, expect, it } from 'vitest';
import type { ConversationSummary, InboxEvent, Message } from '../fragments.ts';
import { noticeOf } from './notices.ts';

const at = '2026-11-25T10:00:00.000Z';

function message(body: string, author: Message['author'] = 'VISITOR'): Message {
  return { id: `m-${body}`, conversationId: 'c', author, body, createdAt: at };
}

function conversation(extra: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id: 'c',
    status: 'OPEN',
    createdAt: at,
    lastActivityAt: at,
    identityVerified: false,
    unreadCount: 1,
    contact: { id: 'k', email: 'jane@example.com', name: 'Jane', verified: false },
    visitor: { id: 'v' },
    lastMessage: message('Hello?'),
    assignee: null,
    ...extra,
  };
}

function event(kind: InboxEvent['kind'], extra: Partial<InboxEvent> = {}): InboxEvent {
  return {
    id: `e-${kind}`,
    kind,
    createdAt: at,
    conversation: conversation(),
    message: null,
    contact: null,
    visitor: null,
    ...extra,
  };
}

describe('notices', () => {
  it('announce a new conversation once, with its first message', () => {
    const opened = new Set<string>();
    expect(noticeOf(event('CONVERSATION_CREATED'), 'me', opened)).toEqual({
      title: 'New conversation with Jane',
      body: 'Hello?',
      conversationId: 'c',
    });
    const first = event('MESSAGE_ADDED', { message: message('Hello?') });
    expect(noticeOf(first, 'me', opened)).toBeNull();
    const second = event('MESSAGE_ADDED', { message: message('Anyone?') });
    expect(noticeOf(second, 'me', opened)).toEqual({
      title: 'Jane',
      body: 'Anyone?',
      conversationId: 'c',
    });
  });

  it('stay quiet for agents’ messages, other kinds and other agents’ conversations', () => {
    const opened = new Set<string>();
    const reply = event('MESSAGE_ADDED', { message: message('Hi', 'AGENT') });
    expect(noticeOf(reply, 'me', opened)).toBeNull();
    expect(noticeOf(event('CONVERSATION_CLOSED'), 'me', opened)).toBeNull();
    const theirs = conversation({ assignee: { id: 'other', name: 'Other' } });
    const mine = conversation({ assignee: { id: 'me', name: 'Me' } });
    const visitorMessage = { message: message('Still there?') };
    expect(
      noticeOf(event('MESSAGE_ADDED', { ...visitorMessage, conversation: theirs }), 'me', opened),
    ).toBeNull();
    expect(
      noticeOf(event('MESSAGE_ADDED', { ...visitorMessage, conversation: mine }), 'me', opened),
    ).toMatchObject({ body: 'Still there?' });
  });
});
