import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Thread as ThreadState } from '../hooks/useThread.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { MessageBubble } from './MessageBubble.tsx';

/**
 * The messages, oldest at the top. Stays scrolled to the newest message unless the agent
 * scrolled up; loading older messages keeps what the agent was reading in place.
 */
export function Thread(props: { thread: ThreadState }) {
  const { messages, hasOlder, loadingOlder, loadOlder, error } = props.thread;
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  const previous = useRef({ first: '', height: 0 });

  useLayoutEffect(() => {
    const element = list.current;
    if (element === null) return;
    const first = messages[0]?.id ?? '';
    if (previous.current.first && first !== previous.current.first) {
      // Older messages were put on top: keep the same message under the agent's eyes.
      element.scrollTop += element.scrollHeight - previous.current.height;
    } else if (pinned.current) {
      element.scrollTop = element.scrollHeight;
    }
    previous.current = { first, height: element.scrollHeight };
  }, [messages]);

  useEffect(() => {
    const element = list.current;
    if (element === null) return;
    const onScroll = () => {
      pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    };
    element.addEventListener('scroll', onScroll);
    return () => element.removeEventListener('scroll', onScroll);
  }, []);

  return (
    <div className="thread">
      {hasOlder && (
        <button type="button" className="older" onClick={loadOlder} disabled={loadingOlder}>
          {loadingOlder ? 'Loading…' : 'Load older messages'}
        </button>
      )}
      <ErrorMessage error={error} />
      <ol ref={list} className="messages" aria-label="Messages" aria-live="polite">
        {messages.map((message) => (
          <MessageBubble key={message.id} message={message} />
        ))}
        {messages.length === 0 && <li className="empty">No messages yet.</li>}
      </ol>
    </div>
  );
}
