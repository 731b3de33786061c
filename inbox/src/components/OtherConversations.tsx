import { formatTime } from '../format.ts';
import type { ConversationSummary } from '../fragments.ts';
import { Link } from '../router.tsx';

/** A contact's conversations as links, newest first. */
export function OtherConversations(props: {
  conversations: readonly ConversationSummary[];
  title?: string;
}) {
  return (
    <section className="other-conversations">
      <h4>{props.title ?? 'Other conversations'}</h4>
      {props.conversations.length === 0 ? (
        <p className="empty">None.</p>
      ) : (
        <ul>
          {props.conversations.map((conversation) => (
            <li key={conversation.id}>
              <Link
                className="other-link"
                to={{ page: 'conversations', conversationId: conversation.id }}
              >
                <span className="last">{conversation.lastMessage?.body ?? 'No messages yet'}</span>
                <span className="meta">
                  {conversation.status === 'OPEN' ? 'Open' : 'Closed'} ·{' '}
                  <time dateTime={conversation.lastActivityAt}>
                    {formatTime(conversation.lastActivityAt)}
                  </time>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
