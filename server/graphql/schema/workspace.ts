import { findWorkspace } from '../../access/workspaces.ts';
import type { WorkspaceRow } from '../../db/database.ts';
import { findCurrentIdentitySecretKid } from '../../identity/identity-secrets.ts';
import { builder } from '../builder.ts';

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
