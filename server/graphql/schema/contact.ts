import { listContactsConversations } from '../../conversations/conversations.ts';
import type { ContactRow } from '../../db/database.ts';
import type { KeysetWindow } from '../../db/keyset.ts';
import { badUserInput } from '../../errors.ts';
import {
  contactSearchPattern,
  findContacts,
  listWorkspaceContacts,
  MAX_CONTACT_SEARCH_LENGTH,
} from '../../identity/contacts.ts';
import { listContactsVisitors } from '../../identity/visitors.ts';
import { batchLoader, listLoader } from '../batch.ts';
import { builder } from '../builder.ts';
import { keysetPage } from '../pagination.ts';
import { workspaceRowField } from '../workspace-row.ts';
import { ConversationConnection } from './conversation.ts';
import { Visitor } from './visitor.ts';

const visitorsOfContact = listLoader((context, contactIds, window: KeysetWindow) =>
  listContactsVisitors(context.db, contactIds, window),
);
const conversationsOfContact = listLoader((context, contactIds, window: KeysetWindow) =>
  listContactsConversations(context.db, contactIds, window),
);

/** The workspace's contacts by id, for fields of other types that point at one. */
export const contactOfWorkspace = batchLoader((context, contactIds) =>
  context.principal === null
    ? Promise.resolve(new Map<string, ContactRow>())
    : findContacts(context.db, context.principal.workspaceId, contactIds),
);

/** The person behind one or more visitors, keyed by email within a workspace. */
// Declared before it is implemented: its fields and Conversation's refer to each other.
export const Contact = builder.objectRef<ContactRow>('Contact');

Contact.implement({
  description: 'A person known by email within a workspace.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', { description: 'The address as the person first gave it.' }),
    name: t.exposeString('name', { nullable: true }),
    verified: t.boolean({
      description:
        'Whether a verified identify or an integrator vouched for this contact; unverified identifies can then no longer rename it.',
      resolve: (contact) => contact.verified_at !== null,
    }),
    // A visitor receives its Contact from identifyVisitor: the fields below are for the
    // workspace's agents and keys only, so a contact never leads a visitor to other visitors.
    createdAt: t.withAuth({ workspace: true }).field({
      type: 'DateTime',
      description: 'Agents and API keys only.',
      resolve: (contact) => contact.created_at,
    }),
    lastSeenAt: t.withAuth({ workspace: true }).field({
      type: 'DateTime',
      description: 'When the contact last identified. Agents and API keys only.',
      resolve: (contact) => contact.last_seen_at,
    }),
    visitors: t.withAuth({ workspace: true }).connection(
      {
        type: Visitor,
        description:
          'The browsers identified as this contact, newest first. Pages forward with `first` and `after`, backward with `last` and `before`. Agents and API keys only.',
        resolve: (contact, args, context, info) =>
          keysetPage(args, (window) => visitorsOfContact(context, info, contact.id, window)),
      },
      { name: 'VisitorConnection' },
      { name: 'VisitorEdge' },
    ),
    conversations: t.withAuth({ workspace: true }).field({
      type: ConversationConnection,
      description:
        'The contact’s conversations, newest first. Pages forward with `first` and `after`, backward with `last` and `before`. Agents and API keys only.',
      args: t.arg.connectionArgs(),
      resolve: (contact, args, context, info) =>
        keysetPage(args, (window) => conversationsOfContact(context, info, contact.id, window)),
    }),
  }),
});

builder.queryField('contacts', (t) =>
  t.withAuth({ workspace: true }).connection(
    {
      type: Contact,
      description:
        'The workspace’s contacts, newest first. `search` keeps those whose email or name starts with it, ignoring case. Pages forward with `first` and `after`, backward with `last` and `before`.',
      args: { search: t.arg.string() },
      resolve: (_root, args, context) => {
        if (args.search && [...args.search].length > MAX_CONTACT_SEARCH_LENGTH) {
          throw badUserInput(
            'search',
            `search is longer than ${MAX_CONTACT_SEARCH_LENGTH} characters.`,
          );
        }
        const pattern = contactSearchPattern(args.search ?? null);
        return keysetPage(args, (window) =>
          listWorkspaceContacts(context.db, context.principal.workspaceId, { pattern, window }),
        );
      },
    },
    { name: 'ContactConnection' },
    { name: 'ContactEdge' },
  ),
);

builder.queryField('contact', (t) =>
  t.withAuth({ workspace: true }).field(
    workspaceRowField(t.arg, {
      type: Contact,
      description: 'A contact of the workspace; null when unknown or another workspace’s.',
      load: contactOfWorkspace,
    }),
  ),
);
