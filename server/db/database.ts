import type {
  ColumnType,
  Generated,
  Insertable,
  Kysely,
  Transaction as KyselyTransaction,
  Selectable,
} from 'kysely';

/** A timestamp the database fills in; readable as a Date, writable as a Date or `now()`. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  site_id: string;
  created_at: CreatedAt;
  require_verified_identity: ColumnType<boolean, boolean | undefined, boolean>;
  /** The origins (`scheme://host[:port]`) whose pages may join; empty admits any origin. */
  allowed_origins: ColumnType<string[], string[] | undefined, string[]>;
  /** The name the widget's header shows; null for the widget's default. */
  team_name: string | null;
  /** What the widget shows in an empty conversation; null for the widget's default. */
  greeting: string | null;
  /** `#rrggbb`, lower-case: the widget's launcher, header and buttons; null for the default. */
  brand_color: string | null;
}

export interface IdentitySecretsTable {
  id: Generated<string>;
  workspace_id: string;
  /** The JWT `kid` header that selects this secret. */
  kid: string;
  /** The HMAC key, as the string integrators sign with (its UTF-8 bytes). */
  secret: string;
  created_at: CreatedAt;
  /** Null for the current secret; set at rotation to the end of the grace period. */
  expires_at: NullableTimestamp;
}

export interface AgentsTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  email_normalized: string;
  name: string;
  password_hash: string;
  created_at: CreatedAt;
}

export interface AgentSessionsTable {
  id: Generated<string>;
  agent_id: string;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  revoked_at: NullableTimestamp;
}

export type InboxEventKind =
  | 'conversation_created'
  | 'message_added'
  | 'visitor_identified'
  | 'conversation_closed'
  | 'conversation_reopened'
  | 'conversation_assigned';

export interface InboxEventsTable {
  id: Generated<string>;
  /** bigint, read as a decimal string by both drivers: the order of the inserts. */
  seq: ColumnType<string, never, never>;
  /**
   * bigint as a decimal string, set by its default: a transaction id the event is final below
   * (`server/conversations/inbox-events.ts`). The log's order is (horizon, seq).
   */
  horizon: ColumnType<string, never, never>;
  workspace_id: string;
  kind: InboxEventKind;
  conversation_id: string | null;
  message_id: string | null;
  visitor_id: string | null;
  contact_id: string | null;
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  id: Generated<string>;
  workspace_id: string;
  display_prefix: string;
  secret_hash: string;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  /** Minted by `npm start` for its demo workspace; the next start revokes it. */
  demo: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ContactsTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  email_normalized: string;
  name: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  last_seen_at: CreatedAt;
  /** When a verified identify or an integrator first vouched for this contact. */
  verified_at: NullableTimestamp;
  /** When its sessions were last ended: identity tokens issued before then no longer verify. */
  sessions_ended_at: NullableTimestamp;
}

export interface VisitorsTable {
  id: Generated<string>;
  workspace_id: string;
  credential_hash: string;
  contact_id: string | null;
  identified_at: NullableTimestamp;
  created_at: CreatedAt;
  last_seen_at: CreatedAt;
  ended_at: NullableTimestamp;
  /**
   * Bound to its contact through a valid identity token, at least once: its conversations are
   * in the contact's verified history. It may read that history only
   * until `identity_verified_until`.
   */
  identity_verified: ColumnType<boolean, boolean | undefined, boolean>;
  /**
   * Until when that verification holds: the `exp` of the newest identity token it presented.
   * Past it the visitor reads only its own conversations again. Null if never verified.
   */
  identity_verified_until: NullableTimestamp;
  /** The email this visitor gave at its latest identify, as it gave it: what it sees of itself. */
  given_email: string | null;
  /** The name this visitor gave at its latest identify that had one. */
  given_name: string | null;
}

export type ConversationStatus = 'open' | 'closed';

export interface ConversationsTable {
  id: Generated<string>;
  workspace_id: string;
  visitor_id: string;
  contact_id: string | null;
  status: ColumnType<ConversationStatus, ConversationStatus | undefined, ConversationStatus>;
  created_at: CreatedAt;
  last_activity_at: CreatedAt;
  /** The agent (of the same workspace) who has it; null when unassigned. */
  assignee_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An agent's read mark in one conversation. API keys have none. */
export interface ConversationReadsTable {
  agent_id: string;
  conversation_id: string;
  /** The `messages.seq` of the newest message when the agent read it; bigint as a decimal string. */
  last_read_seq: string;
  read_at: CreatedAt;
}

export type MessageAuthor = 'visitor' | 'agent';

export interface MessagesTable {
  id: Generated<string>;
  /** bigint, read as a decimal string by both drivers. */
  seq: ColumnType<string, never, never>;
  conversation_id: string;
  author: MessageAuthor;
  author_visitor_id: string | null;
  author_agent_id: string | null;
  client_message_id: string | null;
  body: string;
  created_at: CreatedAt;
}

/**
 * The single source of table types. Each table has one owner module, the only one that writes
 * it or reads it on its own; others join it at most, to filter or to decorate their rows.
 */
export interface Database {
  /** Owned by `server/access/workspaces.ts`. */
  workspaces: WorkspacesTable;
  /** Owned by `server/access/api-keys.ts`. */
  api_keys: ApiKeysTable;
  /** Owned by `server/identity/identity-secrets.ts`. */
  identity_secrets: IdentitySecretsTable;
  /** Owned by `server/access/agents.ts`. */
  agents: AgentsTable;
  /** Owned by `server/access/agents.ts`. */
  agent_sessions: AgentSessionsTable;
  /** Owned by `server/conversations/inbox-events.ts`. */
  inbox_events: InboxEventsTable;
  /** Owned by `server/identity/contacts.ts`. */
  contacts: ContactsTable;
  /** Owned by `server/identity/visitors.ts`. */
  visitors: VisitorsTable;
  /** Owned by `server/conversations/conversations.ts`. */
  conversations: ConversationsTable;
  /** Owned by `server/conversations/messages.ts`. */
  messages: MessagesTable;
  /** Owned by `server/conversations/read-marks.ts`. */
  conversation_reads: ConversationReadsTable;
}

export type Db = Kysely<Database>;
/** A connection or an open transaction: repositories accept either. */
export type Executor = Kysely<Database> | KyselyTransaction<Database>;
export type Transaction = KyselyTransaction<Database>;

export type WorkspaceRow = Selectable<WorkspacesTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type IdentitySecretRow = Selectable<IdentitySecretsTable>;
export type AgentRow = Selectable<AgentsTable>;
export type AgentSessionRow = Selectable<AgentSessionsTable>;
export type InboxEventRow = Selectable<InboxEventsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type VisitorRow = Selectable<VisitorsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
