import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectBadUserInput } from '../test/assertions.ts';
import {
  codeOf,
  fieldOf,
  newVisitorId,
  sharedTestServer,
  type TestWorkspace,
  uniqueEmail,
} from '../test/harness.ts';
import { LogCapture } from '../test/log-capture.ts';
import { REPLY_TO_CONVERSATION, SEND_MESSAGE } from '../test/operations.ts';
import { createAgent, login } from './agents.ts';
import {
  MAX_GREETING_LENGTH,
  MAX_TEAM_NAME_LENGTH,
  parseBrandColor,
  parseGreeting,
  parseTeamName,
} from './workspace-look.ts';

const SET_LOOK = `mutation ($teamName: String, $greeting: String, $brandColor: String) {
  updateWorkspaceSettings(input: { teamName: $teamName, greeting: $greeting, brandColor: $brandColor }) {
    teamName greeting brandColor
  }
}`;
const WORKSPACE_LOOK = 'query { workspace { teamName greeting brandColor } }';
const VISITOR_LOOK = 'query { visitor { workspace { teamName greeting brandColor } } }';
const VISITOR_MESSAGES =
  'query { visitor { conversations { messages { author authorName body } } } }';
const EVENTS = `subscription { visitorEvents { ... on VisitorMessageAdded {
  message { author authorName body } } } }`;

const NO_LOOK = { teamName: null, greeting: null, brandColor: null };

describe('the look settings’ rules', () => {
  it(`a team name is one line of at most ${MAX_TEAM_NAME_LENGTH} characters, trimmed`, () => {
    const longest = '🦊'.repeat(MAX_TEAM_NAME_LENGTH);
    expect(parseTeamName(`  ${longest}  `, 'f')).toBe(longest);
    expect(parseTeamName('  Acme Support ', 'f')).toBe('Acme Support');
    expect(parseTeamName('   ', 'f')).toBe('');
    expectBadUserInput(() => parseTeamName('a'.repeat(MAX_TEAM_NAME_LENGTH + 1), 'f'), 'f');
    expectBadUserInput(() => parseTeamName('Acme\nSupport', 'f'), 'f');
    expectBadUserInput(() => parseTeamName('Acme\u202eSupport', 'f'), 'f');
    expectBadUserInput(() => parseTeamName('Acme\u200bSupport', 'f'), 'f');
  });

  it(`a greeting is at most ${MAX_GREETING_LENGTH} characters and may break lines`, () => {
    const longest = 'a'.repeat(MAX_GREETING_LENGTH);
    expect(parseGreeting(longest, 'f')).toBe(longest);
    expect(parseGreeting(' Hi!\r\nHow can we help? ', 'f')).toBe('Hi!\nHow can we help?');
    expect(parseGreeting('', 'f')).toBe('');
    expectBadUserInput(() => parseGreeting('a'.repeat(MAX_GREETING_LENGTH + 1), 'f'), 'f');
    expectBadUserInput(() => parseGreeting('Hi\u0007', 'f'), 'f');
    expectBadUserInput(() => parseGreeting('Hi\u2066there', 'f'), 'f');
  });

  it('a brand colour is #rrggbb, kept lower-case', () => {
    expect(parseBrandColor('#2B59C3', 'f')).toBe('#2b59c3');
    expect(parseBrandColor(' #ffe14d ', 'f')).toBe('#ffe14d');
    expect(parseBrandColor('', 'f')).toBe('');
    for (const bad of ['2b59c3', '#fff', '#2b59c3ff', 'blue', '#gggggg', 'rgb(1,2,3)', '#2b 59c']) {
      expectBadUserInput(() => parseBrandColor(bad, 'f'), 'f');
    }
  });
});

// At trace the server logs every SQL statement it runs: the batching test counts them.
const log = new LogCapture();
const server = sharedTestServer({}, { logger: log.logger('trace') });

async function joinedVisitor(site: TestWorkspace) {
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
  await socket.joined;
  return socket;
}

/** A signed-in agent of the workspace with this name. */
async function agentNamed(workspaceId: string, name: string): Promise<string> {
  const email = uniqueEmail('agent');
  const password = `pw-${randomUUID()}`;
  await createAgent(server.app.db, { workspaceId, email, name, password });
  return (await login(server.app.db, email, password)).token;
}

describe('a workspace’s look', () => {
  it('an agent sets it; agents and keys read it; its visitors get it with the visitor query', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const visitor = await joinedVisitor(site);
    expect((await visitor.execute(VISITOR_LOOK)).data?.visitor.workspace).toEqual(NO_LOOK);

    const look = {
      teamName: 'Acme Support',
      greeting: 'Hi! Ask us anything.\nWe reply within the hour.',
      brandColor: '#ffe14d',
    };
    const set = await server.http(SET_LOOK, { ...look, brandColor: '#FFE14D' }, agent.token);
    expect(set.errors).toBeUndefined();
    expect(set.data?.updateWorkspaceSettings).toEqual(look);
    expect((await server.http(WORKSPACE_LOOK, {}, agent.token)).data?.workspace).toEqual(look);
    expect((await server.http(WORKSPACE_LOOK, {}, site.apiKey)).data?.workspace).toEqual(look);
    // The socket that joined before the change reads it too: nothing is cached at the join.
    expect((await visitor.execute(VISITOR_LOOK)).data?.visitor.workspace).toEqual(look);

    // Another workspace's visitors see their own workspace's look only.
    const other = await server.createWorkspace();
    const stranger = await joinedVisitor(other);
    expect((await stranger.execute(VISITOR_LOOK)).data?.visitor.workspace).toEqual(NO_LOOK);
  });

  it('an absent setting stays, a blank one is cleared', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const look = { teamName: 'Acme', greeting: 'Hello', brandColor: '#2b59c3' };
    await server.http(SET_LOOK, look, agent.token);

    const untouched = await server.http(
      'mutation { updateWorkspaceSettings(input: { requireVerifiedIdentity: false }) { teamName greeting brandColor } }',
      {},
      agent.token,
    );
    expect(untouched.data?.updateWorkspaceSettings).toEqual(look);
    const onlyName = await server.http(SET_LOOK, { teamName: 'Acme Help' }, agent.token);
    expect(onlyName.data?.updateWorkspaceSettings).toEqual({ ...look, teamName: 'Acme Help' });

    const cleared = await server.http(
      SET_LOOK,
      { teamName: ' ', greeting: '', brandColor: '' },
      agent.token,
    );
    expect(cleared.data?.updateWorkspaceSettings).toEqual(NO_LOOK);
  });

  it('refuses a bad setting with BAD_USER_INPUT naming it, and writes nothing of the input', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const look = { teamName: 'Acme', greeting: 'Hello', brandColor: '#2b59c3' };
    await server.http(SET_LOOK, look, agent.token);
    const fine = { teamName: 'New name', greeting: 'New greeting', brandColor: '#000000' };
    const refusals = [
      { teamName: 'x'.repeat(MAX_TEAM_NAME_LENGTH + 1), field: 'input.teamName' },
      { teamName: 'Two\nlines', field: 'input.teamName' },
      { greeting: 'x'.repeat(MAX_GREETING_LENGTH + 1), field: 'input.greeting' },
      { brandColor: 'blue', field: 'input.brandColor' },
      { brandColor: '#12345', field: 'input.brandColor' },
    ];
    for (const { field, ...bad } of refusals) {
      const refused = await server.http(SET_LOOK, { ...fine, ...bad }, agent.token);
      expect(codeOf(refused), field).toBe('BAD_USER_INPUT');
      expect(fieldOf(refused)).toBe(field);
      expect(refused.data?.updateWorkspaceSettings ?? null).toBeNull();
    }
    expect((await server.http(WORKSPACE_LOOK, {}, agent.token)).data?.workspace).toEqual(look);
  });

  it('is set by agents only: an API key and a visitor are refused, nothing changes', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    expect(codeOf(await server.http(SET_LOOK, { teamName: 'Key' }, site.apiKey))).toBe('FORBIDDEN');
    const visitor = await joinedVisitor(site);
    expect(codeOf(await visitor.execute(SET_LOOK, { teamName: 'Visitor' }))).toBe('FORBIDDEN');
    expect((await server.http(WORKSPACE_LOOK, {}, agent.token)).data?.workspace).toEqual(NO_LOOK);
  });
});

describe('Message.authorName', () => {
  it('names the agent of each reply, in the history and live; a visitor’s message has none', async () => {
    const site = await server.createWorkspace();
    const ann = await agentNamed(site.id, 'Ann Lee');
    const bob = await agentNamed(site.id, 'Bob');
    const visitor = await joinedVisitor(site);
    const sent = await visitor.execute(SEND_MESSAGE, { body: 'Hello?', id: randomUUID() });
    const conversationId = sent.data?.sendMessage.conversationId;
    const events = visitor.subscribe(EVENTS);
    await events.expectSilence(100);

    for (const [token, body] of [
      [ann, 'Hi, Ann here.'],
      [bob, 'And Bob.'],
      [ann, 'Ann again.'],
    ] as const) {
      const reply = await server.http(
        REPLY_TO_CONVERSATION,
        { conversationId, body, id: randomUUID() },
        token,
      );
      expect(reply.errors).toBeUndefined();
    }

    const live = [];
    for (let index = 0; index < 3; index++) {
      live.push((await events.next()).data?.visitorEvents.message);
    }
    expect(live).toEqual([
      { author: 'AGENT', authorName: 'Ann Lee', body: 'Hi, Ann here.' },
      { author: 'AGENT', authorName: 'Bob', body: 'And Bob.' },
      { author: 'AGENT', authorName: 'Ann Lee', body: 'Ann again.' },
    ]);
    const before = log.statements().length;
    const history = await visitor.execute(VISITOR_MESSAGES);
    expect(history.data?.visitor.conversations[0].messages).toEqual([
      { author: 'VISITOR', authorName: null, body: 'Hello?' },
      ...live,
    ]);
    // The names of every reply's agents are read at once, not once per message.
    const agentReads = log
      .statements()
      .slice(before)
      .filter((sql) => sql.includes('from "agents"'));
    expect(agentReads).toHaveLength(1);
  });
});
