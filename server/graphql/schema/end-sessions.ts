import { badUserInput } from '../../errors.ts';
import {
  type ContactSelector,
  endContactSessions,
  endVisitorSession,
} from '../../identity/end-sessions.ts';
import { parseEmail } from '../../identity/identity-input.ts';
import { builder } from '../builder.ts';

// Ending visitors from outside their browser: the integrator on a password change or an
// account deletion, an agent from the inbox.

const EndSessionsPayload = builder
  .objectRef<{ endedVisitorCount: number }>('EndSessionsPayload')
  .implement({
    fields: (t) => ({
      endedVisitorCount: t.exposeInt('endedVisitorCount', {
        description: 'How many visitors this call ended; those ended before are not counted.',
      }),
    }),
  });

const EndContactSessionsInput = builder.inputType('EndContactSessionsInput', {
  description: 'The contact whose sessions to end: exactly one of contactId and email.',
  fields: (t) => ({
    contactId: t.id(),
    email: t.string({ description: 'Matched normalised, as identify matches it.' }),
  }),
});

builder.mutationField('endContactSessions', (t) =>
  t.withAuth({ workspace: true }).field({
    type: EndSessionsPayload,
    description:
      'Ends every visitor bound to the contact, on every device: their visitorIds can no longer join and their open sockets close with 4403. Their conversations stay. Call it when the person changes their password or deletes their account. NOT_FOUND when the workspace has no such contact.',
    args: { input: t.arg({ type: EndContactSessionsInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      endedVisitorCount: await endContactSessions(
        context.db,
        context.publisher,
        context.principal.workspaceId,
        contactSelector(input.contactId ?? null, input.email ?? null),
      ),
    }),
  }),
);

/** Exactly one of the two, or BAD_USER_INPUT naming `input`. */
function contactSelector(contactId: string | null, email: string | null): ContactSelector {
  if (contactId !== null && email === null) return { contactId };
  if (email !== null && contactId === null) return { email: parseEmail(email, 'input.email') };
  throw badUserInput('input', 'Give exactly one of contactId and email.');
}

const EndVisitorSessionInput = builder.inputType('EndVisitorSessionInput', {
  fields: (t) => ({
    visitorId: t.id({ required: true, description: 'The visitor’s server id (`Visitor.id`).' }),
  }),
});

builder.mutationField('endVisitorSession', (t) =>
  t.withAuth({ workspace: true }).field({
    type: EndSessionsPayload,
    description:
      'Ends one visitor, as its own reset would: its visitorId can no longer join and its open sockets close with 4403. NOT_FOUND when the workspace has no such visitor.',
    args: { input: t.arg({ type: EndVisitorSessionInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      endedVisitorCount: await endVisitorSession(
        context.db,
        context.publisher,
        context.principal.workspaceId,
        input.visitorId,
      ),
    }),
  }),
);
