import { useState } from 'react';
import { useMutation } from 'urql';
import { toInboxError } from '../errors.ts';
import { graphql } from '../gql/index.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

const EndContactSessionsMutation = graphql(`
  mutation EndContactSessions($input: EndContactSessionsInput!) {
    endContactSessions(input: $input) {
      endedVisitorCount
    }
  }
`);

const EndVisitorSessionMutation = graphql(`
  mutation EndVisitorSession($input: EndVisitorSessionInput!) {
    endVisitorSession(input: $input) {
      endedVisitorCount
    }
  }
`);

/** Whose sessions the button ends: every browser of a contact, or one anonymous visitor. */
export type SessionOwner = { readonly contactId: string } | { readonly visitorId: string };

/**
 * Ends sessions from the inbox, asked twice: the widgets close and start over as new,
 * anonymous visitors; the conversations stay.
 */
export function EndSessions(props: { owner: SessionOwner }) {
  const [endedContact, endContact] = useMutation(EndContactSessionsMutation);
  const [endedVisitor, endVisitor] = useMutation(EndVisitorSessionMutation);
  const [confirming, setConfirming] = useState(false);
  const [endedCount, setEndedCount] = useState<number | null>(null);
  const { owner } = props;
  const ofContact = 'contactId' in owner;
  const fetching = endedContact.fetching || endedVisitor.fetching;
  const error = endedContact.error ?? endedVisitor.error;

  const onConfirm = async () => {
    setConfirming(false);
    const count =
      'contactId' in owner
        ? (await endContact({ input: { contactId: owner.contactId } })).data?.endContactSessions
            .endedVisitorCount
        : (await endVisitor({ input: { visitorId: owner.visitorId } })).data?.endVisitorSession
            .endedVisitorCount;
    if (count !== undefined) setEndedCount(count);
  };

  return (
    <div className="end-sessions">
      {confirming ? (
        <>
          <p className="explain">
            {ofContact
              ? 'Sign this person out of the chat on every device? Their widgets start over as new, anonymous visitors; their conversations stay.'
              : 'Sign this visitor out of the chat? Its widget starts over as a new, anonymous visitor; the conversation stays.'}
          </p>
          <button type="button" className="danger" onClick={onConfirm}>
            {ofContact ? 'Confirm: end sessions' : 'Confirm: end session'}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button
          type="button"
          onClick={() => {
            setEndedCount(null);
            setConfirming(true);
          }}
          disabled={fetching}
        >
          {ofContact ? 'End sessions' : 'End session'}
        </button>
      )}
      {endedCount !== null && (
        <p role="status">
          {endedCount === 0
            ? 'No open session to end.'
            : `Ended ${endedCount} ${endedCount === 1 ? 'session' : 'sessions'}.`}
        </p>
      )}
      <ErrorMessage error={error ? toInboxError(error) : null} />
    </div>
  );
}
