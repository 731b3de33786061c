import { formatTime } from '../format.ts';
import { useContactConversations } from '../hooks/useContact.ts';
import { Link } from '../router.tsx';
import { PagedRows } from './PagedRows.tsx';

/** A contact's conversations as links, newest first, but the one `exceptId` names. */
export function OtherConversations(props: {
  contactId: string;
  exceptId?: string;
  title?: string;
}) {
  const list = useContactConversations(props.contactId);
  const shown = { ...list, rows: list.rows.filter((row) => row.id !== props.exceptId) };
  return (
    <section className="other-conversations">
      <h4>{props.title ?? 'Other conversations'}</h4>
      <PagedRows
        list={shown}
        selectedId={null}
        empty="None."
        row={(conversation) => (
          <li>
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
        )}
      />
    </section>
  );
}
