/** What the server stored, read from its database: the truth the browser tests check against. */
import { secretDigest } from '../../server/access/secrets.ts';
import type { Db } from '../../server/db/database.ts';

export function serverTruth(db: Db, workspaceId: string) {
  return {
    contact(email: string) {
      return db
        .selectFrom('contacts')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('email_normalized', '=', email.toLowerCase())
        .executeTakeFirst();
    },
    /** The visitor that joined with this visitorId (only its digest is stored). */
    visitor(visitorId: string) {
      return db
        .selectFrom('visitors')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('credential_hash', '=', secretDigest(visitorId.toLowerCase()))
        .executeTakeFirst();
    },
    conversationsOfVisitor(visitorDbId: string) {
      return db
        .selectFrom('conversations')
        .selectAll()
        .where('visitor_id', '=', visitorDbId)
        .execute();
    },
    conversationsOfContact(contactId: string) {
      return db
        .selectFrom('conversations')
        .selectAll()
        .where('contact_id', '=', contactId)
        .execute();
    },
    /** Every message of the workspace with this body. */
    messagesWithBody(body: string) {
      return db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.id', 'messages.conversation_id', 'messages.author', 'messages.body'])
        .where('conversations.workspace_id', '=', workspaceId)
        .where('messages.body', '=', body)
        .execute();
    },
  };
}
