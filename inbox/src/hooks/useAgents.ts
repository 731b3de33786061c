import { useEffect, useState } from 'react';
import { type OperationResult, useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import type { AgentSummary } from '../fragments.ts';
import type { AgentsQuery as AgentsPage } from '../gql/graphql.ts';
import { graphql } from '../gql/index.ts';

const AgentsQuery = graphql(`
  query Agents($first: Int, $after: String) {
    agents(first: $first, after: $after) {
      edges {
        node {
          ...AgentFields
        }
      }
      pageInfo {
        ...PageFields
      }
    }
  }
`);

/** Agents asked for at a time: the most a page holds. */
const AGENTS_PAGE = 100;

/**
 * Every agent of the workspace, by name: whom a conversation can be assigned to. Null while
 * loading.
 */
export function useAgents(): { agents: readonly AgentSummary[] | null; error: InboxError | null } {
  const client = useClient();
  const [agents, setAgents] = useState<readonly AgentSummary[] | null>(null);
  const [error, setError] = useState<InboxError | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const all: AgentSummary[] = [];
      let after: string | null = null;
      for (;;) {
        const result: OperationResult<AgentsPage> = await client
          .query(AgentsQuery, { first: AGENTS_PAGE, after })
          .toPromise();
        if (cancelled) return;
        if (!result.data) {
          setError(toInboxError(result.error));
          return;
        }
        const { edges, pageInfo } = result.data.agents;
        all.push(...edges.map((edge) => edge.node));
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor;
      }
      setAgents(all.sort((a, b) => a.name.localeCompare(b.name)));
    };
    void load();
    return () => {
      cancelled = true;
    };
  }, [client]);
  return { agents, error };
}
