import {
  findWorkspace,
  findWorkspaceLooks,
  type WorkspaceLook as WorkspaceLookModel,
} from '../../access/workspaces.ts';
import type { WorkspaceRow } from '../../db/database.ts';
import { findCurrentIdentitySecretKid } from '../../identity/identity-secrets.ts';
import { batchLoader } from '../batch.ts';
import { builder } from '../builder.ts';

const TEAM_NAME = 'The name the widget’s header shows; null shows “Chat with us”.';
const GREETING = 'What the widget shows in an empty conversation; null shows its default.';
const BRAND_COLOR =
  'The colour of the widget’s launcher, header and buttons, as `#rrggbb` (lower-case); null shows the default blue.';

export const lookOfWorkspace = batchLoader((context, workspaceIds) =>
  findWorkspaceLooks(context.db, workspaceIds),
);

/** What a visitor may read of its workspace. */
export const WorkspaceLook = builder.objectRef<WorkspaceLookModel>('WorkspaceLook').implement({
  description:
    'What the widget shows of its workspace, set in the workspace’s settings. Public to its visitors.',
  fields: (t) => ({
    teamName: t.exposeString('teamName', { nullable: true, description: TEAM_NAME }),
    greeting: t.exposeString('greeting', { nullable: true, description: GREETING }),
    brandColor: t.exposeString('brandColor', { nullable: true, description: BRAND_COLOR }),
  }),
});

/** The workspace of the asking agent or key. */
export const Workspace = builder.objectRef<WorkspaceRow>('Workspace').implement({
  description: 'A site that embeds the widget: its visitors, contacts, agents and keys.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    siteId: t.exposeString('site_id', {
      description: 'Public: the widget snippet passes it to `init`.',
    }),
    requireVerifiedIdentity: t.exposeBoolean('require_verified_identity', {
      description: 'When on, an identify without a valid identity token is refused.',
    }),
    allowedOrigins: t.exposeStringList('allowed_origins', {
      description:
        'The origins whose pages may join as visitors (the socket’s `Origin` header); empty admits any origin. A join without `Origin` (not a browser) is admitted either way.',
    }),
    teamName: t.exposeString('team_name', { nullable: true, description: TEAM_NAME }),
    greeting: t.exposeString('greeting', { nullable: true, description: GREETING }),
    brandColor: t.exposeString('brand_color', { nullable: true, description: BRAND_COLOR }),
    identitySecretKid: t.string({
      description: 'The `kid` of the current identity secret, which new tokens carry.',
      resolve: (workspace, _args, context) =>
        findCurrentIdentitySecretKid(context.db, workspace.id),
    }),
  }),
});

builder.queryField('workspace', (t) =>
  t.withAuth({ workspace: true }).field({
    type: Workspace,
    description: 'The workspace of the agent or API key that asks.',
    resolve: async (_root, _args, context) => {
      const workspace = await findWorkspace(context.db, context.principal.workspaceId);
      if (workspace === undefined) throw new Error('The principal’s workspace is gone.');
      return workspace;
    },
  }),
);
