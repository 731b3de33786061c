import { builder } from '../builder.ts';
import './scalars.ts';
import './contact.ts';
import './message.ts';
import './conversation.ts';
import './conversation-assignment.ts';
import './conversation-reads.ts';
import './visitor.ts';
import './visitor-event.ts';
import './inbox-event.ts';
import './workspace.ts';
import './agent.ts';
import './api-key.ts';
import './identity-token.ts';
import './end-sessions.ts';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSchema({ sortSchema: true });
