import { formatDate, formatTime } from '../format.ts';
import type { Message } from '../fragments.ts';

/** One message, on the agent's side or the visitor's. The body is text, never HTML. */
export function MessageBubble(props: { message: Message; pending?: boolean }) {
  const { message } = props;
  const side = message.author === 'AGENT' ? 'agent' : 'visitor';
  return (
    <li className={`message ${side}`} data-id={message.id} data-author={message.author}>
      <span className="sr-only">{side === 'agent' ? 'Agent: ' : 'Visitor: '}</span>
      <p className="body">{message.body}</p>
      <time dateTime={message.createdAt} title={formatDate(message.createdAt)}>
        {formatTime(message.createdAt)}
      </time>
    </li>
  );
}
