import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { toInboxError } from '../errors.ts';
import { formatDate } from '../format.ts';
import type { Workspace } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { CopyButton } from './CopyButton.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

const UpdateSettingsMutation = graphql(`
  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceSettingsInput!) {
    updateWorkspaceSettings(input: $input) {
      ...WorkspaceFields
    }
  }
`);

const RotateSecretMutation = graphql(`
  mutation RotateIdentitySecret {
    rotateIdentitySecret {
      kid
      secret
      previousKidExpiresAt
    }
  }
`);

/** Verified identity: the switch that requires it, and rotation of the signing secret. */
export function IdentitySettings(props: { workspace: Workspace; onChanged: () => void }) {
  const [updated, update] = useMutation(UpdateSettingsMutation);
  const [rotated, rotate] = useMutation(RotateSecretMutation);
  const [confirming, setConfirming] = useState(false);
  const { workspace } = props;
  const rotation = rotated.data?.rotateIdentitySecret;

  // The switch shows the agent's choice at once; a refusal puts it back and says why.
  const [choice, setChoice] = useState<boolean | null>(null);
  const onToggle = async (requireVerifiedIdentity: boolean) => {
    setChoice(requireVerifiedIdentity);
    const result = await update({ input: { requireVerifiedIdentity } });
    if (result.data) props.onChanged();
    else setChoice(null);
  };
  // Once the reloaded workspace agrees, it speaks for itself again.
  useEffect(() => {
    if (choice === workspace.requireVerifiedIdentity) setChoice(null);
  }, [choice, workspace.requireVerifiedIdentity]);
  const onRotate = async () => {
    setConfirming(false);
    const result = await rotate({});
    if (result.data) props.onChanged();
  };

  return (
    <section aria-labelledby="identity-title">
      <h3 id="identity-title">Verified identity</h3>
      <label className="switch">
        <input
          type="checkbox"
          checked={choice ?? workspace.requireVerifiedIdentity}
          disabled={updated.fetching}
          onChange={(event) => onToggle(event.target.checked)}
        />
        Require verified identity
      </label>
      <p className="explain">
        When on, the widget may identify a visitor only with an identity token signed by your
        backend; an email typed into the widget or passed without a token is refused.
      </p>
      <ErrorMessage error={updated.error ? toInboxError(updated.error) : null} />
      <p>
        Current identity secret: <code className="kid">{workspace.identitySecretKid}</code>
      </p>
      {confirming ? (
        <>
          <button type="button" className="danger" onClick={onRotate}>
            Confirm rotation
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep the current secret
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} disabled={rotated.fetching}>
          Rotate identity secret
        </button>
      )}
      <ErrorMessage error={rotated.error ? toInboxError(rotated.error) : null} />
      {rotation && (
        <section className="secret" aria-label="New identity secret">
          <p>
            New secret <code>{rotation.kid}</code>. Copy it now; it is shown once.
            {rotation.previousKidExpiresAt &&
              ` The previous secret keeps working until ${formatDate(rotation.previousKidExpiresAt)}.`}
          </p>
          <code className="identity-secret">{rotation.secret}</code>
          <CopyButton text={rotation.secret} label="Copy secret" />
        </section>
      )}
    </section>
  );
}
