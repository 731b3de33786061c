import type { ConnectionState } from '../client.ts';

const WORDS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
};

/** The live connection, in words and colour; announced when it changes. */
export function ConnectionStatus(props: { state: ConnectionState }) {
  return (
    <span className={`connection connection-${props.state}`} role="status" data-state={props.state}>
      {WORDS[props.state]}
    </span>
  );
}
