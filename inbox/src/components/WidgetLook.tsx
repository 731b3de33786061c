import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { Limits } from '../../../protocol/index.ts';
import { toInboxError } from '../errors.ts';
import type { Workspace } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

const UpdateWidgetLookMutation = graphql(`
  mutation UpdateWidgetLook($input: UpdateWorkspaceSettingsInput!) {
    updateWorkspaceSettings(input: $input) {
      ...WorkspaceFields
    }
  }
`);

interface Look {
  readonly teamName: string;
  readonly greeting: string;
  readonly brandColor: string;
}

/** The widget's team name, greeting and brand colour; a blank one shows the widget's default. */
export function WidgetLook(props: { workspace: Workspace; onChanged: () => void }) {
  const [saved, save] = useMutation(UpdateWidgetLookMutation);
  // The agent's edit, until it is saved; the workspace's look otherwise.
  const [draft, setDraft] = useState<Look | null>(null);
  const [savedOnce, setSavedOnce] = useState(false);
  const { workspace } = props;
  const look = draft ?? {
    teamName: workspace.teamName ?? '',
    greeting: workspace.greeting ?? '',
    brandColor: workspace.brandColor ?? '',
  };
  const edit = (change: Partial<Look>) => {
    setDraft({ ...look, ...change });
    setSavedOnce(false);
  };
  const error = saved.error ? toInboxError(saved.error) : null;
  const invalid = (field: keyof Look) => error?.field === `input.${field}`;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await save({ input: look });
    if (!result.data) return;
    setDraft(null);
    setSavedOnce(true);
    props.onChanged();
  };

  return (
    <section aria-labelledby="look-title">
      <h3 id="look-title">Widget look</h3>
      <p className="explain">
        What visitors see in the chat widget. Leave a field empty for the widget’s default. The
        widget keeps text on the brand colour readable and darkens the colour where it would be too
        faint.
      </p>
      <form className="look" onSubmit={onSubmit}>
        <label htmlFor="team-name">Team name</label>
        <input
          id="team-name"
          value={look.teamName}
          maxLength={Limits.teamNameLength}
          placeholder="Chat with us"
          aria-invalid={invalid('teamName')}
          onChange={(event) => edit({ teamName: event.target.value })}
        />
        <label htmlFor="greeting">Greeting</label>
        <textarea
          id="greeting"
          rows={3}
          value={look.greeting}
          maxLength={Limits.greetingLength}
          placeholder="Ask us anything. We usually reply in a few minutes."
          aria-invalid={invalid('greeting')}
          onChange={(event) => edit({ greeting: event.target.value })}
        />
        <label htmlFor="brand-color">Brand colour</label>
        <span className="color">
          <input
            id="brand-color"
            value={look.brandColor}
            placeholder="#2b59c3"
            aria-invalid={invalid('brandColor')}
            onChange={(event) => edit({ brandColor: event.target.value })}
          />
          <input
            type="color"
            aria-label="Pick the brand colour"
            value={/^#[0-9a-f]{6}$/i.test(look.brandColor) ? look.brandColor : '#2b59c3'}
            onChange={(event) => edit({ brandColor: event.target.value })}
          />
        </span>
        <button type="submit" disabled={saved.fetching || draft === null}>
          {saved.fetching ? 'Saving…' : 'Save look'}
        </button>
        {savedOnce && draft === null && <span role="status">Saved.</span>}
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
