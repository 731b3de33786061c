import { useCallback, useEffect, useRef, useState } from 'react';
import { Provider } from 'urql';
import { type ConnectionState, createInboxClient, type InboxClient } from '../client.ts';
import { type InboxError, toInboxError } from '../errors.ts';
import { InboxEventsProvider } from '../events.tsx';
import { graphql } from '../gql/index.ts';
import { useNotifications } from '../hooks/useNotifications.ts';
import { useUnreadTitle, useUnreadTotal } from '../hooks/useUnreadTotal.ts';
import { MeProvider } from '../me.tsx';
import { useRoute } from '../router.tsx';
import type { Session } from '../session.ts';
import { ContactsPage } from './ContactsPage.tsx';
import { ConversationsPage } from './ConversationsPage.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Header } from './Header.tsx';
import { SettingsPage } from './SettingsPage.tsx';

const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

/** Everything a logged-in agent sees: one client, one event stream, one page at a time. */
export function AgentApp(props: { session: Session; onLogout: (reason: string | null) => void }) {
  const { session, onLogout } = props;
  const [client, setClient] = useState<InboxClient | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [liveError, setLiveError] = useState<InboxError | null>(null);
  const route = useRoute();
  // Logging out closes the socket on the server's side too; that is no "session ended".
  const loggingOut = useRef(false);

  useEffect(() => {
    // A disposed client still reports its own close: only the current one may change state.
    let current = true;
    const created = createInboxClient({
      token: session.token,
      onConnectionState: (state) => {
        if (!current) return;
        setConnection(state);
        if (state === 'connected') setLiveError(null);
      },
      onRejected: () => {
        if (current && !loggingOut.current) onLogout('Your session has ended. Log in again.');
      },
    });
    setClient(created);
    return () => {
      current = false;
      created.dispose();
    };
  }, [session.token, onLogout]);

  const logout = useCallback(async () => {
    loggingOut.current = true;
    // The session token is revoked on the server; the agent is logged out here either way, and
    // told when the server could not be reached, since the token then stays valid until it expires.
    const result = client ? await client.urql.mutation(LogoutMutation, {}).toPromise() : null;
    onLogout(
      result?.error
        ? `Logged out on this device, but the server did not confirm it: ${toInboxError(result.error).message}`
        : null,
    );
  }, [client, onLogout]);

  if (client === null) return null;
  return (
    <Provider value={client.urql}>
      <MeProvider value={session.agent}>
        <InboxEventsProvider client={client} onError={setLiveError}>
          <Attention />
          <div className="app">
            <Header route={route} agent={session.agent} connection={connection} onLogout={logout} />
            <ErrorMessage error={liveError} prefix="Live updates stopped" />
            <main className="page">
              {route.page === 'conversations' && (
                <ConversationsPage conversationId={route.conversationId} />
              )}
              {route.page === 'contacts' && <ContactsPage contactId={route.contactId} />}
              {route.page === 'settings' && <SettingsPage />}
            </main>
          </div>
        </InboxEventsProvider>
      </MeProvider>
    </Provider>
  );
}

/** What calls the agent back while the inbox is elsewhere: the tab title's count, notifications. */
function Attention() {
  useUnreadTitle(useUnreadTotal());
  useNotifications();
  return null;
}
