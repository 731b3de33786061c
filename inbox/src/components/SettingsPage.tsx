import { useQuery } from 'urql';
import { toInboxError } from '../errors.ts';
import { graphql } from '../gql/index.ts';
import { AllowedOrigins } from './AllowedOrigins.tsx';
import { ApiKeys } from './ApiKeys.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { IdentitySettings } from './IdentitySettings.tsx';
import { InstallSnippet } from './InstallSnippet.tsx';
import { NotificationSettings } from './NotificationSettings.tsx';
import { WidgetLook } from './WidgetLook.tsx';

const SettingsQuery = graphql(`
  query Settings {
    workspace {
      ...WorkspaceFields
    }
    apiKeys {
      ...ApiKeyFields
    }
  }
`);

export function SettingsPage() {
  const [result, refetch] = useQuery({ query: SettingsQuery, variables: {} });
  const data = result.data;
  if (!data) {
    return result.error ? (
      <ErrorMessage error={toInboxError(result.error)} />
    ) : (
      <p className="loading">Loading…</p>
    );
  }
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <div className="settings">
      <h2>Settings of {data.workspace.name}</h2>
      <ErrorMessage error={result.error ? toInboxError(result.error) : null} />
      <NotificationSettings />
      <InstallSnippet siteId={data.workspace.siteId} />
      <IdentitySettings workspace={data.workspace} onChanged={reload} />
      <AllowedOrigins workspace={data.workspace} onChanged={reload} />
      <WidgetLook workspace={data.workspace} onChanged={reload} />
      <ApiKeys apiKeys={data.apiKeys} onChanged={reload} />
    </div>
  );
}
