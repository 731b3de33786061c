import { describe, expect, it } from 'vitest';
import type { ContactSummary, ConversationSummary, InboxEvent } from '../fragments.ts';
import { applyEvent, applyRead, type ListFilter } from './conversations.ts';

function conversation(id: string, at: string, extra: Partial<ConversationSummary> = {}) {
  return {
    id,
    status: 'OPEN',
    createdAt: at,
    lastActivityAt: at,
    identityVerified: false,
    unreadCount: 0,
    contact: null,
    visitor: { id: `visitor-${id}` },
    lastMessage: null,
    assignee: null,
    ...extra,
  } satisfies ConversationSummary;
}

function event(extra: Partial<InboxEvent>): InboxEvent {
  return {
    id: 'e1',
    kind: 'MESSAGE_ADDED',
    createdAt: '2026-11-25T10:00:00.000Z',
    conversation: null,
    message: null,
    contact: null,
    visitor: null,
    ...extra,
  };
}

const open: ListFilter = { status: 'OPEN', assignee: 'ALL', me: 'me' };
const a = conversation('a', '2026-11-25T09:00:00.000Z');
const b = conversation('b', '2026-11-25T08:00:00.000Z');

describe('the conversation list under events', () => {
  it('moves a conversation with new activity to the top, once', () => {
    const updated = conversation('b', '2026-11-25T10:00:00.000Z', { unreadCount: 2 });
    const list = applyEvent([a, b], event({ conversation: updated }), open);
    expect(list.map((item) => item.id)).toEqual(['b', 'a']);
    expect(list[0]?.unreadCount).toBe(2);
  });

  it('adds a new conversation and drops one whose status left the tab', () => {
    const fresh = conversation('c', '2026-11-25T11:00:00.000Z');
    expect(applyEvent([a], event({ conversation: fresh }), open).map((i) => i.id)).toEqual([
      'c',
      'a',
    ]);
    const closed = { ...a, status: 'CLOSED' as const };
    expect(applyEvent([a, b], event({ conversation: closed }), open)).toEqual([b]);
    expect(applyEvent([], event({ conversation: closed }), { ...open, status: 'CLOSED' })).toEqual([
      closed,
    ]);
  });

  it('shows an identification on every row of the visitor, with its verification', () => {
    const contact: ContactSummary = { id: 'k', email: 'j@x.example', name: 'J', verified: true };
    const list = applyEvent(
      [a, b],
      event({
        kind: 'VISITOR_IDENTIFIED',
        contact,
        visitor: { id: 'visitor-a', identityVerified: true },
      }),
      open,
    );
    expect(list[0]).toEqual({ ...a, contact, identityVerified: true });
    expect(list[1]).toBe(b);
  });

  it('keeps Mine to the agent’s own and Unassigned to no one’s, as assignments change', () => {
    const mine: ListFilter = { ...open, assignee: 'ME' };
    const unassigned: ListFilter = { ...open, assignee: 'UNASSIGNED' };
    const toMe = { ...b, assignee: { id: 'me', name: 'Me' } };
    const toOther = { ...b, assignee: { id: 'other', name: 'Other' } };
    expect(
      applyEvent([a], event({ kind: 'CONVERSATION_ASSIGNED', conversation: toMe }), mine),
    ).toEqual([a, toMe]);
    expect(applyEvent([a, toMe], event({ conversation: toOther }), mine)).toEqual([a]);
    expect(applyEvent([a, b], event({ conversation: toMe }), unassigned)).toEqual([a]);
    expect(applyEvent([a, toOther], event({ conversation: toOther }), open)).toEqual([a, toOther]);
  });

  it('takes a read count in place, unless the row shows later activity', () => {
    const readB = { ...b, unreadCount: 0 };
    const unreadB = { ...b, unreadCount: 3 };
    expect(applyRead([a, unreadB], readB)).toEqual([a, readB]);
    const later = { ...unreadB, lastActivityAt: '2026-11-25T08:30:00.000Z' };
    expect(applyRead([a, later], readB)).toEqual([a, later]);
  });
});
