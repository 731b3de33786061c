import type { ConnectionState } from '../client.ts';
import { Link } from '../router.tsx';
import type { Route } from '../routes.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';

export function Header(props: {
  route: Route;
  agent: { name: string; email: string };
  connection: ConnectionState;
  onLogout: () => void;
}) {
  const current = (page: Route['page']) => (props.route.page === page ? 'page' : undefined);
  return (
    <header className="header">
      <strong className="brand">Sonny</strong>
      <nav aria-label="Main">
        <Link
          to={{ page: 'conversations', conversationId: null }}
          aria-current={current('conversations')}
        >
          Conversations
        </Link>
        <Link to={{ page: 'contacts', contactId: null }} aria-current={current('contacts')}>
          Contacts
        </Link>
        <Link to={{ page: 'settings' }} aria-current={current('settings')}>
          Settings
        </Link>
      </nav>
      <ConnectionStatus state={props.connection} />
      <span className="agent" title={props.agent.email}>
        {props.agent.name}
      </span>
      <button type="button" onClick={props.onLogout}>
        Log out
      </button>
    </header>
  );
}
