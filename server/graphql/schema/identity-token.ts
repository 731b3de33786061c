import { MAX_ALLOWED_ORIGINS, parseAllowedOrigins } from '../../access/allowed-origins.ts';
import {
  MAX_GREETING_LENGTH,
  MAX_TEAM_NAME_LENGTH,
  parseBrandColor,
  parseGreeting,
  parseTeamName,
} from '../../access/workspace-look.ts';
import { updateWorkspaceSettings } from '../../access/workspaces.ts';
import type { ContactRow, WorkspaceRow } from '../../db/database.ts';
import { identifyContact } from '../../identity/identify.ts';
import { parseEmail, parseName } from '../../identity/identity-input.ts';
import {
  parseGraceSeconds,
  type RotatedIdentitySecret,
  rotateIdentitySecret,
} from '../../identity/identity-secrets.ts';
import {
  parseExpiresInSeconds,
  type SignedIdentityToken,
  signIdentityToken,
} from '../../identity/identity-tokens.ts';
import { builder } from '../builder.ts';
import { Contact } from './contact.ts';
import { Workspace } from './workspace.ts';

// The integrator's API (identifyContact, createIdentityToken) and the agent's controls of
// verified identity (rotateIdentitySecret) and of the workspace (updateWorkspaceSettings).

const IdentifyContactInput = builder.inputType('IdentifyContactInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ description: 'Blank or absent keeps the name the contact has.' }),
  }),
});

builder.mutationField('identifyContact', (t) =>
  t.withAuth({ workspace: true }).field({
    type: Contact,
    description:
      'Creates or updates the contact of this email (matched normalised) and vouches for it: from then on an identify without a token cannot rename it.',
    args: { input: t.arg({ type: IdentifyContactInput, required: true }) },
    resolve: (_root, { input }, context): Promise<ContactRow> =>
      identifyContact(context.db, context.principal.workspaceId, {
        email: parseEmail(input.email, 'input.email'),
        name: parseName(input.name, 'input.name'),
      }),
  }),
);

const CreateIdentityTokenInput = builder.inputType('CreateIdentityTokenInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ description: 'Signed into the token; a verified identify stores it.' }),
    expiresInSeconds: t.int({ description: 'From 1 to 86400 (24 hours); 3600 when absent.' }),
  }),
});

const IdentityTokenPayload = builder
  .objectRef<SignedIdentityToken>('IdentityTokenPayload')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', {
        description: 'Pass it to the widget: `sonny("identify", { email, name, identityToken })`.',
      }),
      expiresAt: t.field({ type: 'DateTime', resolve: (payload) => payload.expiresAt }),
    }),
  });

builder.mutationField('createIdentityToken', (t) =>
  t.withAuth({ apiKey: true }).field({
    type: IdentityTokenPayload,
    description:
      'Signs a short-lived identity token (JWT, HS256) for this email with the workspace’s current identity secret.',
    args: { input: t.arg({ type: CreateIdentityTokenInput, required: true }) },
    resolve: (_root, { input }, context) =>
      signIdentityToken(context.db, context.secrets, context.principal.workspaceId, {
        email: parseEmail(input.email, 'input.email'),
        name: parseName(input.name, 'input.name'),
        expiresInSeconds: parseExpiresInSeconds(input.expiresInSeconds, 'input.expiresInSeconds'),
      }),
  }),
);

const RotateIdentitySecretInput = builder.inputType('RotateIdentitySecretInput', {
  fields: (t) => ({
    graceSeconds: t.int({
      description:
        'How long tokens of the previous secret keep verifying: 0 to 604800 (7 days); 86400 when absent.',
    }),
  }),
});

const RotateIdentitySecretPayload = builder
  .objectRef<RotatedIdentitySecret>('RotateIdentitySecretPayload')
  .implement({
    fields: (t) => ({
      kid: t.exposeString('kid', { description: 'The `kid` header of tokens signed from now on.' }),
      secret: t.exposeString('secret', {
        description: 'The new identity secret. Shown here once; store it in your backend.',
      }),
      previousKidExpiresAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'Until when tokens of the previous secret still verify.',
        resolve: (payload) => payload.previousKidExpiresAt,
      }),
    }),
  });

builder.mutationField('rotateIdentitySecret', (t) =>
  t.withAuth({ agent: true }).field({
    type: RotateIdentitySecretPayload,
    description:
      'Replaces the identity secret with a new one under a new kid; tokens of older secrets verify for at most the grace period more.',
    args: { input: t.arg({ type: RotateIdentitySecretInput }) },
    resolve: (_root, { input }, context) =>
      rotateIdentitySecret(
        context.db,
        context.secrets,
        context.principal.workspaceId,
        parseGraceSeconds(input?.graceSeconds, 'input.graceSeconds'),
      ),
  }),
);

const UpdateWorkspaceSettingsInput = builder.inputType('UpdateWorkspaceSettingsInput', {
  fields: (t) => ({
    requireVerifiedIdentity: t.boolean({
      description: 'When on, an identify without a valid identity token is refused.',
    }),
    allowedOrigins: t.stringList({
      description: `The origins whose pages may join as visitors, like \`https://app.example.com\` (http or https, a host, an optional port, no path); at most ${MAX_ALLOWED_ORIGINS}. Replaces the list; empty admits any origin.`,
    }),
    teamName: t.string({
      description: `The widget header’s name: one line of at most ${MAX_TEAM_NAME_LENGTH} characters, trimmed; blank clears it.`,
    }),
    greeting: t.string({
      description: `What the widget shows in an empty conversation: at most ${MAX_GREETING_LENGTH} characters, line breaks allowed, trimmed; blank clears it.`,
    }),
    brandColor: t.string({
      description: 'The widget’s colour as `#rrggbb`; blank clears it.',
    }),
  }),
});

builder.mutationField('updateWorkspaceSettings', (t) =>
  t.withAuth({ agent: true }).field({
    type: Workspace,
    description: 'Changes the workspace’s settings; absent ones stay as they are.',
    args: { input: t.arg({ type: UpdateWorkspaceSettingsInput, required: true }) },
    resolve: (_root, { input }, context): Promise<WorkspaceRow> => {
      const origins = input.allowedOrigins ?? null;
      return updateWorkspaceSettings(context.db, context.principal.workspaceId, {
        requireVerifiedIdentity: input.requireVerifiedIdentity ?? null,
        allowedOrigins: origins && parseAllowedOrigins(origins, 'input.allowedOrigins'),
        teamName: givenSetting(input.teamName, parseTeamName, 'input.teamName'),
        greeting: givenSetting(input.greeting, parseGreeting, 'input.greeting'),
        brandColor: givenSetting(input.brandColor, parseBrandColor, 'input.brandColor'),
      });
    },
  }),
);

/** A setting the input may leave out: null leaves it as it is, anything else is parsed. */
function givenSetting(
  value: string | null | undefined,
  parse: (raw: string, field: string) => string,
  field: string,
): string | null {
  return value === null || value === undefined ? null : parse(value, field);
}
