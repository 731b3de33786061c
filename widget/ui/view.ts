/**
 * The chat UI: a launcher and a panel in a Shadow DOM, plain DOM, no framework. It renders
 * what the controller tells it and reports what the visitor does; it holds no visitor state.
 */
import { Limits } from '../../protocol/index.ts';
import type { StoredLook } from '../storage.ts';
import { paletteOf } from './brand.ts';
import { h, icon } from './dom.ts';
import { renderMessage, senderOf, type ViewMessage } from './message.ts';
import { STYLES } from './styles.ts';

/** `unavailable`: the server refused the site (unknown siteId, origin not allowed); final. */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'unavailable';

export interface ViewHandlers {
  send(body: string): void;
  /** Resolves with an error to show, or null when the email was accepted. */
  submitEmail(email: string): Promise<string | null>;
  retry(key: string): void;
  openChanged(open: boolean): void;
}

const DEFAULT_TITLE = 'Chat with us';
const DEFAULT_GREETING = 'Ask us anything. We usually reply in a few minutes.';
const CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  online: '',
  offline: 'Offline: messages are sent when you are back',
  unavailable: 'Chat is unavailable',
};

export class ChatView {
  readonly host: HTMLElement;
  readonly #handlers: ViewHandlers;
  readonly #root: HTMLDivElement;
  readonly #title: HTMLHeadingElement;
  readonly #launcher: HTMLButtonElement;
  readonly #badge: HTMLSpanElement;
  readonly #panel: HTMLElement;
  readonly #status: HTMLParagraphElement;
  readonly #list: HTMLOListElement;
  readonly #empty: HTMLParagraphElement;
  readonly #prompt: HTMLFormElement;
  readonly #email: HTMLInputElement;
  readonly #emailError: HTMLParagraphElement;
  readonly #input: HTMLTextAreaElement;
  readonly #sendButton: HTMLButtonElement;
  readonly #items = new Map<string, HTMLLIElement>();
  #unread = 0;
  #promptWanted = false;
  #promptDismissed = false;

  constructor(handlers: ViewHandlers) {
    this.#handlers = handlers;
    // A custom element name: page rules aimed at div or section never match the host.
    this.host = document.createElement('sonny-chat');
    const shadow = this.host.attachShadow({ mode: 'open' });

    this.#badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
    this.#launcher = h(
      'button',
      { type: 'button', class: 'launcher', 'aria-controls': 'panel', 'aria-expanded': 'false' },
      icon(CHAT_ICON),
      this.#badge,
    );
    this.#status = h('p', { class: 'status', role: 'status' });
    const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close chat' }, '×');
    this.#list = h('ol', { class: 'messages', role: 'log', 'aria-label': 'Messages' });
    this.#empty = h('p', { class: 'empty' });
    this.#title = h('h2', { id: 'title' });
    this.#email = h('input', {
      id: 'email',
      type: 'email',
      name: 'email',
      autocomplete: 'email',
      required: true,
      placeholder: 'you@example.com',
    });
    this.#emailError = h('p', { class: 'error', role: 'alert' });
    const notNow = h('button', { type: 'button', class: 'secondary' }, 'Not now');
    this.#prompt = h(
      'form',
      { class: 'prompt', 'aria-label': 'Get replies by email', hidden: true, novalidate: true },
      h('label', { for: 'email' }, 'Leave your email so we can reply even after you leave.'),
      h('div', { class: 'row' }, this.#email, h('button', { class: 'primary' }, 'Save'), notNow),
      this.#emailError,
    );
    this.#input = h('textarea', {
      id: 'message',
      name: 'message',
      rows: '1',
      maxlength: String(Limits.messageBodyLength),
      placeholder: 'Write a message…',
    });
    this.#sendButton = h('button', { class: 'primary' }, 'Send');
    const composer = h(
      'form',
      { class: 'composer', 'aria-label': 'Send a message' },
      h('label', { for: 'message', class: 'sr' }, 'Message'),
      h('div', { class: 'row' }, this.#input, this.#sendButton),
    );
    this.#panel = h(
      'section',
      { id: 'panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'title', hidden: true },
      // The title and the status stack, each on one line: a long team name ends in an ellipsis.
      h('header', {}, h('div', { class: 'titles' }, this.#title, this.#status), close),
      this.#list,
      this.#empty,
      this.#prompt,
      composer,
    );
    this.#root = h('div', { class: 'root' }, this.#launcher, this.#panel);
    shadow.append(h('style', {}, STYLES), this.#root);
    this.setLook(null);
    this.#renderLauncherLabel();

    this.#launcher.addEventListener('click', () => (this.isOpen() ? this.close() : this.open()));
    close.addEventListener('click', () => this.close());
    this.#panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submitMessage();
    });
    this.#input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.#submitMessage();
      }
    });
    this.#prompt.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#submitEmail();
    });
    notNow.addEventListener('click', () => {
      this.#promptDismissed = true;
      this.#renderPrompt();
      this.#input.focus();
    });
    this.#list.addEventListener('click', (event) => {
      const target = event.target;
      if (target instanceof HTMLElement && target.dataset.retry) {
        this.#handlers.retry(target.dataset.retry);
      }
    });
  }

  /** Adds the widget to the page, once the body exists. */
  mount(): void {
    const attach = () => document.body.append(this.host);
    if (document.body) attach();
    else document.addEventListener('DOMContentLoaded', attach, { once: true });
  }

  unmount(): void {
    this.host.remove();
  }

  isOpen(): boolean {
    return !this.#panel.hidden;
  }

  open(): void {
    if (this.isOpen()) return;
    this.#panel.hidden = false;
    this.#unread = 0;
    this.#renderLauncherLabel();
    this.#scrollToEnd();
    this.#input.focus();
    this.#handlers.openChanged(true);
  }

  close(): void {
    if (!this.isOpen()) return;
    const hadFocus = this.host.shadowRoot?.activeElement != null;
    this.#panel.hidden = true;
    this.#renderLauncherLabel();
    if (hadFocus) this.#launcher.focus();
    this.#handlers.openChanged(false);
  }

  /** Counts a message that arrived while the panel was closed. */
  addUnread(): void {
    if (this.isOpen()) return;
    this.#unread += 1;
    this.#renderLauncherLabel();
  }

  setStatus(status: ConnectionStatus): void {
    this.#status.textContent = STATUS_TEXT[status];
    // A refused site takes nothing in: no launcher to invite a message, no composer to queue
    // one that would show "Sending…" forever. An open panel stays, saying why.
    const unavailable = status === 'unavailable';
    this.#launcher.hidden = unavailable;
    this.#input.disabled = unavailable;
    this.#sendButton.disabled = unavailable;
  }

  /** Shows the workspace's team name, greeting and colours; null parts show the defaults. */
  setLook(look: StoredLook | null): void {
    const title = look?.teamName || DEFAULT_TITLE;
    this.#title.textContent = title;
    this.#title.title = title;
    this.#empty.textContent = look?.greeting || DEFAULT_GREETING;
    const palette = paletteOf(look?.brandColor ?? null);
    this.#root.style.setProperty('--brand', palette.brand);
    this.#root.style.setProperty('--on-brand', palette.onBrand);
    this.#root.style.setProperty('--ring', palette.ring);
    this.#root.style.setProperty('--brand-text', palette.brandText);
  }

  /** Shows the conversation: elements are kept by key, so nothing already shown re-renders. */
  setMessages(messages: readonly ViewMessage[]): void {
    const atEnd = this.#list.scrollHeight - this.#list.scrollTop - this.#list.clientHeight < 40;
    const keep = new Set(messages.map((message) => message.key));
    for (const [key, item] of this.#items) {
      if (!keep.has(key)) {
        item.remove();
        this.#items.delete(key);
      }
    }
    let previous: HTMLLIElement | null = null;
    let previousSender: string | null = null;
    for (const message of messages) {
      let item = this.#items.get(message.key);
      if (item === undefined) {
        item = h('li', {});
        this.#items.set(message.key, item);
      }
      const sender = senderOf(message);
      renderMessage(item, message, sender !== previousSender);
      previousSender = sender;
      const expected: ChildNode | null = previous ? previous.nextSibling : this.#list.firstChild;
      if (expected !== item) this.#list.insertBefore(item, expected);
      previous = item;
    }
    this.#empty.hidden = messages.length > 0;
    if (atEnd) this.#scrollToEnd();
  }

  /** Asks for the email (unless the visitor chose "Not now" on this page) or stops asking. */
  setPromptWanted(wanted: boolean): void {
    this.#promptWanted = wanted;
    if (!wanted) this.#emailError.textContent = '';
    this.#renderPrompt();
  }

  /** Forgets what the visitor typed and chose: after a reset the page starts over. */
  clear(): void {
    this.#input.value = '';
    this.#email.value = '';
    this.#emailError.textContent = '';
    this.#promptDismissed = false;
    this.#unread = 0;
    this.#renderLauncherLabel();
    this.setMessages([]);
  }

  #renderPrompt(): void {
    const hidden = !this.#promptWanted || this.#promptDismissed;
    // Touch the attribute only on a change, so observers see exactly when the prompt shows.
    if (this.#prompt.hidden !== hidden) this.#prompt.hidden = hidden;
  }

  #submitMessage(): void {
    const body = this.#input.value;
    if (body.trim() === '') return;
    this.#input.value = '';
    this.#handlers.send(body);
  }

  async #submitEmail(): Promise<void> {
    const email = this.#email.value.trim();
    if (email === '') {
      this.#emailError.textContent = 'Please enter your email.';
      this.#email.focus();
      return;
    }
    this.#emailError.textContent = '';
    const error = await this.#handlers.submitEmail(email);
    if (error !== null) {
      this.#emailError.textContent = error;
      this.#email.focus();
    } else if (this.isOpen()) {
      this.#input.focus();
    }
  }

  #renderLauncherLabel(): void {
    const open = this.isOpen();
    this.#launcher.setAttribute('aria-expanded', String(open));
    const unread = open ? 0 : this.#unread;
    this.#badge.hidden = unread === 0;
    this.#badge.textContent = unread > 99 ? '99+' : String(unread);
    // One name whatever the state (aria-expanded tells open from closed), plus the unread count.
    this.#launcher.setAttribute(
      'aria-label',
      unread === 0 ? 'Chat' : `Chat, ${unread} unread ${unread === 1 ? 'message' : 'messages'}`,
    );
  }

  #scrollToEnd(): void {
    this.#list.scrollTop = this.#list.scrollHeight;
  }
}
