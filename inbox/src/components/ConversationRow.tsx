import { formatTime } from '../format.ts';
import type { ConversationSummary } from '../fragments.ts';
import { useMe } from '../me.tsx';
import { Link } from '../router.tsx';
import { IdentityBadge } from './IdentityBadge.tsx';

/**
 * One row: who, whether verified, who has it, the last message, when, and how many the agent
 * has not read.
 */
export function ConversationRow(props: { conversation: ConversationSummary; selected: boolean }) {
  const me = useMe();
  const { conversation } = props;
  const { contact, lastMessage, assignee } = conversation;
  return (
    <li
      className={`conversation-row ${props.selected ? 'selected' : ''}`}
      data-id={conversation.id}
    >
      <Link
        className="row-link"
        to={{ page: 'conversations', conversationId: conversation.id }}
        aria-current={props.selected ? 'page' : undefined}
      >
        <span className="who">
          <span className="name">
            {contact ? contact.name || contact.email : 'Anonymous visitor'}
          </span>
          {contact?.name && <span className="email">{contact.email}</span>}
          <IdentityBadge contact={contact} verified={conversation.identityVerified} />
          {assignee && (
            <span className="assignee">
              <span className="sr-only">Assigned to </span>
              {assignee.id === me.id ? 'You' : assignee.name}
            </span>
          )}
        </span>
        <span className="last">
          {lastMessage ? (
            <>
              {lastMessage.author === 'AGENT' && <span className="you">You: </span>}
              {lastMessage.body}
            </>
          ) : (
            'No messages yet'
          )}
        </span>
        <time dateTime={conversation.lastActivityAt}>
          {formatTime(conversation.lastActivityAt)}
        </time>
        {conversation.unreadCount > 0 && (
          <span className="unread">
            {conversation.unreadCount}
            <span className="sr-only"> unread</span>
          </span>
        )}
      </Link>
    </li>
  );
}
