import { useState } from 'react';
import { useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import type { ConversationSummary } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { useAgents } from '../hooks/useAgents.ts';
import { useMe } from '../me.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

const AssignMutation = graphql(`
  mutation AssignConversation($input: AssignConversationInput!) {
    assignConversation(input: $input) {
      ...ConversationFields
    }
  }
`);

/** An option's value for "no one": agent ids are never empty. */
const NO_ONE = '';

/** Who has the conversation, "Assign to me", and a picker of every agent (or no one). */
export function AssigneeControl(props: {
  conversation: ConversationSummary;
  onChanged: (conversation: ConversationSummary) => void;
}) {
  const client = useClient();
  const me = useMe();
  const { agents, error: agentsError } = useAgents();
  const [error, setError] = useState<InboxError | null>(null);
  const [assigning, setAssigning] = useState(false);
  const { conversation } = props;
  const assigneeId = conversation.assignee?.id ?? NO_ONE;

  const assign = async (agentId: string) => {
    if (assigning) return;
    setAssigning(true);
    setError(null);
    const input = { conversationId: conversation.id, agentId: agentId === NO_ONE ? null : agentId };
    const result = await client.mutation(AssignMutation, { input }).toPromise();
    setAssigning(false);
    if (result.data) props.onChanged(result.data.assignConversation);
    else setError(toInboxError(result.error));
  };

  // The assignee shows even before the agents load, or if it is not among them.
  const options = agents ?? (conversation.assignee ? [conversation.assignee] : []);
  return (
    <div className="assignee-control">
      <label>
        <span>Assignee</span>
        <select
          value={assigneeId}
          disabled={assigning}
          onChange={(event) => void assign(event.target.value)}
        >
          <option value={NO_ONE}>Unassigned</option>
          {options.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.id === me.id ? `${agent.name} (you)` : agent.name}
            </option>
          ))}
        </select>
      </label>
      {assigneeId !== me.id && (
        <button type="button" disabled={assigning} onClick={() => void assign(me.id)}>
          Assign to me
        </button>
      )}
      <ErrorMessage error={error ?? agentsError} />
    </div>
  );
}
