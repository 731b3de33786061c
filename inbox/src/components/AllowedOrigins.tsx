import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { toInboxError } from '../errors.ts';
import type { Workspace } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

const UpdateAllowedOriginsMutation = graphql(`
  mutation UpdateAllowedOrigins($input: UpdateWorkspaceSettingsInput!) {
    updateWorkspaceSettings(input: $input) {
      ...WorkspaceFields
    }
  }
`);

/** The origins whose pages may use the site's widget, edited one per line. */
export function AllowedOrigins(props: { workspace: Workspace; onChanged: () => void }) {
  const [saved, save] = useMutation(UpdateAllowedOriginsMutation);
  // The agent's edit, until it is saved; the workspace's list otherwise.
  const [draft, setDraft] = useState<string | null>(null);
  const [savedOnce, setSavedOnce] = useState(false);
  const text = draft ?? props.workspace.allowedOrigins.join('\n');

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const allowedOrigins = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const result = await save({ input: { allowedOrigins } });
    if (!result.data) return;
    setDraft(null);
    setSavedOnce(true);
    props.onChanged();
  };

  return (
    <section aria-labelledby="origins-title">
      <h3 id="origins-title">Allowed origins</h3>
      <p className="explain">
        Only pages on these origins may use this site’s widget, one per line, like
        https://app.example.com (no path). Leave it empty to allow any website. Browsers always say
        which page a widget runs on; other programs can claim any origin, so this keeps your siteId
        off other websites, not away from scripts.
      </p>
      <form className="origins" onSubmit={onSubmit}>
        <label htmlFor="allowed-origins">Origins, one per line</label>
        <textarea
          id="allowed-origins"
          rows={4}
          value={text}
          placeholder="Any origin"
          onChange={(event) => {
            setDraft(event.target.value);
            setSavedOnce(false);
          }}
        />
        <button type="submit" disabled={saved.fetching || draft === null}>
          {saved.fetching ? 'Saving…' : 'Save origins'}
        </button>
        {savedOnce && draft === null && <span role="status">Saved.</span>}
      </form>
      <ErrorMessage error={saved.error ? toInboxError(saved.error) : null} />
    </section>
  );
}
