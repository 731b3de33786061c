import type { ContactRow } from '../../db/database.ts';
import { builder } from '../builder.ts';

/** The person behind one or more visitors, keyed by email within a workspace. */
export const Contact = builder.objectRef<ContactRow>('Contact').implement({
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
  }),
});
