import { useState } from 'react';
import { useMutation } from 'urql';
import { toInboxError } from '../errors.ts';
import { formatDate } from '../format.ts';
import type { ApiKey } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { CopyButton } from './CopyButton.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey {
    createApiKey {
      apiKey {
        ...ApiKeyFields
      }
      secret
    }
  }
`);

const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

/** The workspace's API keys: create one (its secret shown once), revoke one (asked twice). */
export function ApiKeys(props: { apiKeys: readonly ApiKey[]; onChanged: () => void }) {
  const [created, create] = useMutation(CreateApiKeyMutation);
  const [revoked, revoke] = useMutation(RevokeApiKeyMutation);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const onCreate = async () => {
    const result = await create({});
    if (result.data) {
      setSecret(result.data.createApiKey.secret);
      props.onChanged();
    }
  };
  const onRevoke = async (id: string) => {
    setConfirming(null);
    const result = await revoke({ id });
    if (result.data) props.onChanged();
  };

  return (
    <section aria-labelledby="keys-title">
      <h3 id="keys-title">API keys</h3>
      <p>
        Your backend uses an API key to vouch for visitors (identity tokens) and to identify
        contacts.
      </p>
      <button type="button" onClick={onCreate} disabled={created.fetching}>
        {created.fetching ? 'Creating…' : 'Create API key'}
      </button>
      <ErrorMessage error={created.error ? toInboxError(created.error) : null} />
      <ErrorMessage error={revoked.error ? toInboxError(revoked.error) : null} />
      {secret && (
        <section className="secret" aria-label="New API key">
          <p>Copy this key now. It is shown once; Sonny keeps only its digest.</p>
          <code className="api-key-secret">{secret}</code>
          <CopyButton text={secret} label="Copy key" />
          <button type="button" onClick={() => setSecret(null)}>
            I have stored it
          </button>
        </section>
      )}
      <table className="keys">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {props.apiKeys.map((key) => (
            <tr key={key.id} data-id={key.id}>
              <td>
                <code>{key.prefix}…</code>
              </td>
              <td>{formatDate(key.createdAt)}</td>
              <td>{key.lastUsedAt ? formatDate(key.lastUsedAt) : 'Never'}</td>
              <td>
                {key.revokedAt ? (
                  `Revoked ${formatDate(key.revokedAt)}`
                ) : confirming === key.id ? (
                  <>
                    <button type="button" className="danger" onClick={() => onRevoke(key.id)}>
                      Confirm revoke
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </>
                ) : (
                  <button type="button" onClick={() => setConfirming(key.id)}>
                    Revoke {key.prefix}…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
