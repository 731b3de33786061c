import { admissionGuards } from '../../access/rate-limit.ts';
import { visitorScope } from '../../access/visitor-scope.ts';
import {
  listScopeConversations,
  listVisitorsConversations,
} from '../../conversations/conversations.ts';
import { resetVisitor } from '../../identity/end-sessions.ts';
import {
  type IdentifiedContact as IdentifiedContactModel,
  type IdentifyResult,
  identifyVisitor,
} from '../../identity/identify.ts';
import { parseEmail, parseName } from '../../identity/identity-input.ts';
import { loadVisitor, type VisitorModel } from '../../identity/visitors.ts';
import { batchLoader } from '../batch.ts';
import { builder } from '../builder.ts';
import { Conversation } from './conversation.ts';
import { lookOfWorkspace, WorkspaceLook } from './workspace.ts';

const conversationsOfVisitor = batchLoader((context, visitorIds) =>
  listVisitorsConversations(context.db, visitorIds),
);

export const Visitor = builder.objectRef<VisitorModel>('Visitor').implement({
  description: 'A browser that joined with a visitorId. The visitorId itself is never shown.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'A server id, distinct from the visitorId credential.' }),
    email: t.exposeString('email', {
      nullable: true,
      description:
        'A visitor asking about itself sees the email it gave, unless it is verified: then its contact’s.',
    }),
    name: t.exposeString('name', {
      nullable: true,
      description:
        'A visitor asking about itself sees the name it gave, unless it is verified: then its contact’s.',
    }),
    identified: t.boolean({
      description: 'Whether the visitor is bound to a contact; the email prompt is then skipped.',
      resolve: (visitor) => visitor.contactId !== null,
    }),
    identityVerified: t.boolean({
      description:
        'Whether the visitor identified with a valid identity token whose `exp` has not passed yet; only then does it see its contact’s conversations from other devices. A fresh token extends it.',
      resolve: (visitor) => visitor.identityVerified,
    }),
    workspace: t.field({
      type: WorkspaceLook,
      description:
        'What the widget shows of the visitor’s workspace: read with the visitor, so the widget needs no other round trip.',
      resolve: async (visitor, _args, context, info) => {
        const look = await lookOfWorkspace(context, info, visitor.workspaceId);
        if (look === undefined) throw new Error('The visitor’s workspace is gone.');
        return look;
      },
    }),
    conversations: t.field({
      type: [Conversation],
      description:
        'The visitor’s conversations, newest first. A verified visitor asking about itself also gets those of its contact’s other verified visitors (its other devices).',
      resolve: async (visitor, _args, context, info) =>
        context.visitorSession?.visitor.id === visitor.id
          ? listScopeConversations(context.db, visitorScope(visitor))
          : // Agents reading visitors see each visitor's own conversations, read for all at once.
            ((await conversationsOfVisitor(context, info, visitor.id)) ?? []),
    }),
  }),
});

builder.queryField('visitor', (t) =>
  t.withAuth({ visitor: true }).field({
    type: Visitor,
    description: 'The joined visitor of this socket.',
    resolve: (_root, _args, context) => loadVisitor(context.db, context.visitorSession.visitor),
  }),
);

const IdentifyVisitorInput = builder.inputType('IdentifyVisitorInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ description: 'Blank or absent keeps the name the contact has.' }),
    identityToken: t.string({
      description:
        'A token the site’s backend minted for this email (createIdentityToken, or signed with the identity secret). Makes the identify verified.',
    }),
  }),
});

const IdentifiedContact = builder.objectRef<IdentifiedContactModel>('IdentifiedContact').implement({
  description:
    'The contact identifyVisitor bound the visitor to, as that visitor may see it: after an unverified identify only the email and name it gave, never what the contact holds; after a verified one the contact’s stored email and name.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name', { nullable: true }),
    verified: t.exposeBoolean('verified', {
      description: 'Whether this visitor proved the identity with a valid identity token.',
    }),
  }),
});

const IdentifyVisitorPayload = builder
  .objectRef<IdentifyResult>('IdentifyVisitorPayload')
  .implement({
    fields: (t) => ({
      contact: t.field({ type: IdentifiedContact, resolve: (result) => result.contact }),
      visitor: t.field({ type: Visitor, resolve: (result) => result.visitor }),
      linkedConversationCount: t.int({
        description: 'How many of this visitor’s conversations this call linked to the contact.',
        resolve: (result) => result.linkedConversationCount,
      }),
    }),
  });

builder.mutationField('identifyVisitor', (t) =>
  t.withAuth({ visitor: true }).field({
    type: IdentifyVisitorPayload,
    description:
      'Binds this visitor to the contact with this email (created if new) and links its conversations that have no contact yet. With a valid identityToken the identify is verified; see docs/api.md.',
    args: { input: t.arg({ type: IdentifyVisitorInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const identity = {
        email: parseEmail(input.email, 'input.email'),
        name: parseName(input.name, 'input.name'),
        identityToken: input.identityToken ?? null,
      };
      const result = await identifyVisitor(
        context.db,
        context.publisher,
        context.secrets,
        context.visitorSession.visitor,
        identity,
        admissionGuards(context.rateLimits, context.clientAddress),
      );
      context.activity.identified(identity.identityToken === null ? 'unverified' : 'verified');
      return result;
    },
  }),
);

const ResetVisitorPayload = builder
  .objectRef<{ endedVisitorId: string }>('ResetVisitorPayload')
  .implement({
    fields: (t) => ({
      endedVisitorId: t.exposeID('endedVisitorId', {
        description: 'The server id of the visitor that was ended.',
      }),
    }),
  });

builder.mutationField('resetVisitor', (t) =>
  t.withAuth({ visitor: true }).field({
    type: ResetVisitorPayload,
    description:
      'Ends this visitor: its visitorId can no longer join, and after this answer every socket of it is closed. Its conversations stay for the agents. Join again with a fresh visitorId.',
    resolve: async (_root, _args, context) => {
      const { visitor } = context.visitorSession;
      await resetVisitor(context.db, context.publisher, visitor);
      context.activity.visitorReset();
      return { endedVisitorId: visitor.id };
    },
  }),
);
