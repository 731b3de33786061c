import { type FormEvent, type KeyboardEvent, useRef, useState } from 'react';
import { useClient } from 'urql';
import { type InboxError, resendDelayMs, toInboxError } from '../errors.ts';
import type { Message } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { randomId } from '../ids.ts';

const ReplyMutation = graphql(`
  mutation Reply($input: ReplyToConversationInput!) {
    replyToConversation(input: $input) {
      ...MessageFields
    }
  }
`);

/**
 * How long a reply the server refuses for a moment (SERVICE_UNAVAILABLE while its database
 * restarts, RATE_LIMITED) keeps being sent again before the agent is told it was not sent.
 */
const RESEND_FOR_MS = 60_000;

/**
 * The reply box. Enter sends, Shift+Enter starts a new line. While a reply is on its way the
 * box is locked and says so; a reply refused for a moment is sent again by itself meanwhile. A
 * failed reply keeps its text and its clientMessageId, so sending it again can never post it
 * twice.
 */
export function Composer(props: { conversationId: string; onSent: (message: Message) => void }) {
  const client = useClient();
  const [body, setBody] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<InboxError | null>(null);
  // One id per text: a retry of the same text reuses it, any edit or a delivery renews it.
  const draftId = useRef<string>(randomId());
  const sending = useRef(false);
  // The text as of now, not as of the last render: an Enter that lands between a delivery and
  // the re-render that empties the box must find it empty, or it would post the reply again.
  const currentBody = useRef('');
  const edit = (text: string) => {
    currentBody.current = text;
    setBody(text);
  };

  const send = async () => {
    const text = currentBody.current;
    if (sending.current || text.trim() === '') return;
    sending.current = true;
    setPending(true);
    setError(null);
    const input = {
      conversationId: props.conversationId,
      body: text,
      clientMessageId: draftId.current,
    };
    const giveUpAt = Date.now() + RESEND_FOR_MS;
    for (let failures = 0; ; failures++) {
      const result = await client.mutation(ReplyMutation, { input }).toPromise();
      if (result.data) {
        edit('');
        draftId.current = randomId();
        props.onSent(result.data.replyToConversation);
        break;
      }
      const failure = toInboxError(result.error);
      const wait =
        failure.retryAfterSeconds === null
          ? null
          : resendDelayMs(failure.retryAfterSeconds, failures);
      if (wait === null || Date.now() + wait > giveUpAt) {
        setError(failure);
        break;
      }
      // Nothing is wrong with the reply: it stays "Sending…" and goes again, same clientMessageId.
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    sending.current = false;
    setPending(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };

  return (
    <form className="composer" onSubmit={onSubmit} aria-busy={pending}>
      <label className="sr-only" htmlFor="composer-body">
        Reply
      </label>
      <textarea
        id="composer-body"
        placeholder="Write a reply. Enter sends, Shift+Enter starts a new line."
        value={body}
        readOnly={pending}
        rows={3}
        onChange={(event) => {
          edit(event.target.value);
          draftId.current = randomId();
          if (error) setError(null);
        }}
        onKeyDown={onKeyDown}
      />
      {error && (
        <p className="error" role="alert">
          Not sent: {error.message}
        </p>
      )}
      <button type="submit" disabled={pending || body.trim() === ''}>
        {pending ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}
