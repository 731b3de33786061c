/**
 * One message of the conversation as shown: its bubble, its time (or its sending state) and,
 * at the start of a run of an agent's messages, the agent's avatar and name. Text only, never
 * HTML.
 */
import { h } from './dom.ts';

/** One line of the conversation as shown. */
export interface ViewMessage {
  /** Stable across the pending → sent transition, so the element (and focus) is kept. */
  readonly key: string;
  readonly author: 'VISITOR' | 'AGENT';
  /** The agent's name; null on the visitor's messages (and on an agent's cached unnamed). */
  readonly authorName: string | null;
  readonly body: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly state: 'sent' | 'pending' | 'failed';
}

const sameDay = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const otherDay = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: 'numeric',
  minute: '2-digit',
});

/** What each element shows now, so a render that would change nothing leaves it alone. */
const shown = new WeakMap<HTMLLIElement, string>();

/** Who wrote the message, as the grouping compares it: one run per sender. */
export function senderOf(message: ViewMessage): string {
  return message.author === 'VISITOR' ? 'visitor' : `agent:${message.authorName ?? ''}`;
}

/**
 * Renders `message` into `item`. `startsGroup`: the first of a run of messages by one sender,
 * which carries the agent's avatar and name.
 */
export function renderMessage(item: HTMLLIElement, message: ViewMessage, startsGroup: boolean) {
  const agent = message.author === 'AGENT';
  const time = timeLabel(message.createdAt);
  const signature = [message.state, startsGroup, message.authorName, time].join('|');
  if (shown.get(item) === signature) return;
  shown.set(item, signature);
  item.className = `message ${agent ? 'agent' : 'visitor'}${startsGroup ? ' start' : ''}${
    message.state === 'sent' ? '' : ' pending'
  }`;
  item.dataset.state = message.state;
  const name = agent ? (message.authorName ?? 'Agent') : 'You';
  const children: Node[] = [];
  if (agent && startsGroup) {
    // The bubble's hidden prefix already names the sender for screen readers.
    children.push(
      h(
        'div',
        { class: 'sender', 'aria-hidden': 'true' },
        h('span', { class: 'avatar' }, initials(name)),
        h('span', { class: 'name' }, name),
      ),
    );
  }
  children.push(
    h('div', { class: 'bubble' }, h('span', { class: 'sr' }, `${name}: `), message.body),
  );
  children.push(h('div', { class: 'meta' }, ...meta(message, time)));
  item.replaceChildren(...children);
}

function meta(message: ViewMessage, time: string | null): Node[] {
  if (message.state === 'pending') return [h('span', { class: 'note' }, 'Sending…')];
  if (message.state === 'failed') {
    return [
      h(
        'span',
        { class: 'note' },
        'Not sent. ',
        h('button', { type: 'button', class: 'retry', 'data-retry': message.key }, 'Retry'),
      ),
    ];
  }
  return time === null ? [] : [h('time', { datetime: message.createdAt }, time)];
}

/** The time of day in the visitor's locale ("14:05", "2:05 PM"); the date too if not today. */
function timeLabel(iso: string): string | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const today = new Date().toDateString() === date.toDateString();
  return (today ? sameDay : otherDay).format(date);
}

/** Up to two letters: of the first and the last word ("Ann Lee" is "AL", "Bob" is "B"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/);
  const first = [...(words[0] ?? '')][0] ?? '';
  const last = words.length > 1 ? ([...(words.at(-1) ?? '')][0] ?? '') : '';
  return `${first}${last}`.toLocaleUpperCase();
}
