// Owns the table `workspaces`: every read and write of it is here.
import type { Kysely } from 'kysely';
import type { Database, Db, Executor, WorkspaceRow } from '../db/database.ts';
import { type Arguments, prepared } from '../db/prepared.ts';
import { insertIdentitySecret } from '../identity/identity-secrets.ts';
import { admitsOrigin } from './allowed-origins.ts';
import { insertApiKey } from './api-keys.ts';
import type { SecretBox } from './secret-box.ts';
import { randomToken } from './secrets.ts';

export interface CreatedWorkspace {
  readonly workspace: WorkspaceRow;
  /** The secret API key in clear: shown once, only its digest is stored. */
  readonly apiKey: string;
  /** The HMAC key integrators sign identity tokens with, and its `kid`. */
  readonly identitySecret: { readonly kid: string; readonly secret: string };
}

/**
 * Creates a workspace with a public siteId, its first API key and identity secret, atomically.
 * With `demoKey` the first key is a demo key, which the next `npm start` replaces.
 */
export async function createWorkspace(
  db: Db,
  secrets: SecretBox,
  name: string,
  { demoKey = false }: { readonly demoKey?: boolean } = {},
): Promise<CreatedWorkspace> {
  return db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto('workspaces')
      .values({ name, site_id: `site_${randomToken(12)}` })
      .returningAll()
      .executeTakeFirstOrThrow();
    const { secret: apiKey } = await insertApiKey(trx, workspace.id, { demo: demoKey });
    const identitySecret = await insertIdentitySecret(trx, secrets, workspace.id);
    return { workspace, apiKey, identitySecret };
  });
}

// Every join reads its workspace by siteId; every identify without a token, by id.
const workspaceBySiteIdStatement = prepared(
  'sonny_workspace_by_site_id',
  (db, args: Arguments<{ siteId: string }>) =>
    db.selectFrom('workspaces').selectAll().where('site_id', '=', args.siteId),
);
const workspaceStatement = prepared('sonny_workspace', (db, args: Arguments<{ id: string }>) =>
  db.selectFrom('workspaces').selectAll().where('id', '=', args.id),
);

/**
 * The workspace of this siteId as a join reads it, with `admits`: whether the page whose
 * `Origin` has this {@link originKey} may join (see {@link isOriginAllowed}). For a statement
 * that goes on to resume the visitor only when it may.
 */
export function joiningWorkspace(
  db: Kysely<Database>,
  args: Arguments<{ siteId: string; originKey: string | null }>,
) {
  return db
    .selectFrom('workspaces')
    .selectAll()
    .select((eb) => admitsOrigin(eb.ref('allowed_origins'), args.originKey).as('admits'))
    .where('site_id', '=', args.siteId);
}

export async function findWorkspaceBySiteId(
  db: Executor,
  siteId: string,
): Promise<WorkspaceRow | undefined> {
  return workspaceBySiteIdStatement.first(db, { siteId });
}

export async function findWorkspace(db: Executor, id: string): Promise<WorkspaceRow | undefined> {
  return workspaceStatement.first(db, { id });
}

/** The oldest workspace, which `npm start` shows when the database has no demo workspace. */
export async function findFirstWorkspace(db: Executor): Promise<WorkspaceRow | undefined> {
  return db
    .selectFrom('workspaces')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** What the widget shows of a workspace; null where the widget shows its default. */
export interface WorkspaceLook {
  readonly teamName: string | null;
  readonly greeting: string | null;
  /** `#rrggbb`, lower-case. */
  readonly brandColor: string | null;
}

/** The look of each of these workspaces, by workspace id. */
export async function findWorkspaceLooks(
  db: Executor,
  workspaceIds: readonly string[],
): Promise<Map<string, WorkspaceLook>> {
  if (workspaceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('workspaces')
    .select(['id', 'team_name', 'greeting', 'brand_color'])
    .where('id', 'in', workspaceIds)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      { teamName: row.team_name, greeting: row.greeting, brandColor: row.brand_color },
    ]),
  );
}

/** The settings `updateWorkspaceSettings` changes; null leaves a setting as it is. */
export interface WorkspaceSettings {
  readonly requireVerifiedIdentity: boolean | null;
  /** Validated by `parseAllowedOrigins`; empty admits any origin. */
  readonly allowedOrigins: readonly string[] | null;
  /** Validated by the parsers of `workspace-look.ts`; '' clears the setting. */
  readonly teamName: string | null;
  readonly greeting: string | null;
  readonly brandColor: string | null;
}

/** A look setting as stored: null leaves it, '' clears it (stored as null). */
function lookChange<Column extends string>(column: Column, value: string | null) {
  if (value === null) return {};
  return { [column]: value === '' ? null : value } as { [key in Column]?: string | null };
}

/** Changes the workspace's settings; an absent setting stays as it is. */
export async function updateWorkspaceSettings(
  db: Executor,
  workspaceId: string,
  settings: WorkspaceSettings,
): Promise<WorkspaceRow> {
  const changes = {
    ...(settings.requireVerifiedIdentity === null
      ? {}
      : { require_verified_identity: settings.requireVerifiedIdentity }),
    ...(settings.allowedOrigins === null ? {} : { allowed_origins: [...settings.allowedOrigins] }),
    ...lookChange('team_name', settings.teamName),
    ...lookChange('greeting', settings.greeting),
    ...lookChange('brand_color', settings.brandColor),
  };
  if (Object.keys(changes).length === 0) {
    return db
      .selectFrom('workspaces')
      .selectAll()
      .where('id', '=', workspaceId)
      .executeTakeFirstOrThrow();
  }
  return db
    .updateTable('workspaces')
    .set(changes)
    .where('id', '=', workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
