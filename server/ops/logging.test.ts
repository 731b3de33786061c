import { beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_PATH } from '../../protocol/index.ts';
import { newVisitorId, sharedTestServer, uniqueEmail } from '../test/harness.ts';
import { mintIdentityToken } from '../test/identity-tokens.ts';
import { LogCapture } from '../test/log-capture.ts';
import { createLogger, REDACTED } from './logger.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const capture = new LogCapture();
// Debug, the most a server writes in production: what it shows must be safe too.
const server = sharedTestServer(
  {},
  { logger: createLogger({ level: 'debug', destination: capture }) },
);

/** POSTs an operation with these headers; returns the status, the x-request-id and the body. */
async function post(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ requestId: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${server.origin}${GRAPHQL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    requestId: response.headers.get(REQUEST_ID_HEADER),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the log of a scripted session', () => {
  /** What the session sent, none of which may appear in the log. */
  const secrets: Record<string, string> = {};
  const seen: Record<string, string | null> = {};
  let workspaceId = '';

  beforeAll(async () => {
    const site = await server.createWorkspace();
    workspaceId = site.id;
    const agent = await server.createAgent(site.id);
    const email = uniqueEmail('visitor');
    const visitorId = newVisitorId();
    const identityToken = await mintIdentityToken(site.identitySecret, { email });
    Object.assign(secrets, {
      agentToken: agent.token,
      agentEmail: agent.email,
      agentPassword: agent.password,
      apiKey: site.apiKey,
      identitySecret: site.identitySecret.secret,
      visitorEmail: email,
      visitorId,
      identityToken,
    });

    // An agent over HTTP, behind a proxy that set a request id.
    seen.proxied = (
      await post(
        'query InboxMe { me { id } }',
        {},
        {
          ...bearer(agent.token),
          [REQUEST_ID_HEADER]: 'edge-7f3a.42:1',
        },
      )
    ).requestId;
    // A request id no one should trust, and none at all.
    seen.insane = (
      await post(
        'query InboxMe { me { id } }',
        {},
        {
          ...bearer(agent.token),
          [REQUEST_ID_HEADER]: 'spaces and <b>markup</b>',
        },
      )
    ).requestId;
    seen.absent = (await post('query InboxMe { me { id } }', {}, bearer(agent.token))).requestId;
    // A login: its variables hold an email and a password.
    seen.login = (
      await post(
        'mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
        { email: agent.email, password: agent.password },
      )
    ).requestId;
    // An integrator's key, an anonymous caller refused, a document that does not validate.
    seen.key = (
      await post('query KeyWorkspace { workspace { id } }', {}, bearer(site.apiKey))
    ).requestId;
    seen.anonymous = (await post('query Nobody { workspace { id } }', {})).requestId;
    seen.invalid = (await post('query Broken { nope }', {}, bearer(agent.token))).requestId;
    seen.unparsable = (await post('query Cut {', {}, bearer(agent.token))).requestId;

    // A verified visitor over graphql-ws: the join carries the visitorId, email and token.
    const socket = await server.join({ siteId: site.siteId, visitorId, email, identityToken });
    await socket.joined;
    const sent = await socket.execute(
      'mutation SendMessage($body: String!, $id: ID!) { sendMessage(input: { body: $body, clientMessageId: $id }) { id } }',
      { body: `Hello, my email is ${email}`, id: 'c1' },
    );
    expect(sent.errors).toBeUndefined();
    const refused = await socket.execute(
      'mutation SendMessage($body: String!, $id: ID!) { sendMessage(input: { body: $body, clientMessageId: $id }) { id } }',
      { body: '', id: 'c2' },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await socket.dispose();
  });

  it('returns the request id in x-request-id: a sane incoming one as is, otherwise a new UUID', () => {
    expect(seen.proxied).toBe('edge-7f3a.42:1');
    expect(seen.insane).toMatch(UUID);
    expect(seen.absent).toMatch(UUID);
    expect(seen.insane).not.toBe(seen.absent);
  });

  it('writes one line per HTTP operation with its request id, name, principal, workspace and duration', () => {
    expect(capture.operation('edge-7f3a.42:1')).toEqual({
      level: 'info',
      time: expect.any(String),
      pid: process.pid,
      hostname: expect.any(String),
      msg: 'graphql operation',
      requestId: 'edge-7f3a.42:1',
      transport: 'http',
      operation: 'InboxMe',
      type: 'query',
      principal: 'agent',
      workspaceId,
      durationMs: expect.any(Number),
    });
    expect(capture.operation(seen.insane ?? '')).toMatchObject({ operation: 'InboxMe' });
    expect(capture.operation(seen.key ?? '')).toMatchObject({
      operation: 'KeyWorkspace',
      principal: 'key',
      workspaceId,
    });
    expect(capture.operation(seen.login ?? '')).toMatchObject({
      operation: 'SignIn',
      type: 'mutation',
      principal: 'anonymous',
      workspaceId: null,
    });
    expect(capture.operation(seen.login ?? '')).not.toHaveProperty('errorCode');
  });

  it('names the error code of a refused operation and of a document that does not validate', () => {
    expect(capture.operation(seen.anonymous ?? '')).toMatchObject({
      level: 'info',
      operation: 'Nobody',
      principal: 'anonymous',
      workspaceId: null,
      errorCode: 'UNAUTHENTICATED',
    });
    expect(capture.operation(seen.invalid ?? '')).toMatchObject({
      operation: 'Broken',
      errorCode: 'GRAPHQL_VALIDATION_FAILED',
    });
    expect(capture.operation(seen.unparsable ?? '')).toMatchObject({
      operation: null,
      type: null,
      errorCode: 'GRAPHQL_PARSE_FAILED',
    });
  });

  it('writes the same line for each graphql-ws operation, with a request id of its own', () => {
    const lines = capture
      .lines()
      .filter((line) => line.msg === 'graphql operation' && line.transport === 'ws');
    expect(lines).toEqual([
      expect.objectContaining({
        operation: 'SendMessage',
        type: 'mutation',
        principal: 'visitor',
        workspaceId,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        operation: 'SendMessage',
        principal: 'visitor',
        workspaceId,
        errorCode: 'BAD_USER_INPUT',
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('errorCode');
    expect(lines[0]?.requestId).toMatch(UUID);
    expect(lines[1]?.requestId).toMatch(UUID);
    expect(lines[0]?.requestId).not.toBe(lines[1]?.requestId);
  });

  it('never writes a token, key, secret, password, identity token, visitorId or email', () => {
    expect(capture.lines().length).toBeGreaterThanOrEqual(10);
    for (const [what, secret] of Object.entries(secrets)) {
      expect({ what, found: capture.text.includes(secret) }).toEqual({ what, found: false });
    }
  });
});

describe('the logger', () => {
  it('redacts credentials, visitorIds, emails and raw variables at any depth it might be given', () => {
    const lines = new LogCapture();
    const logger = createLogger({ level: 'info', destination: lines });
    logger.info(
      {
        token: 'sonny_st_x',
        request: { headers: { authorization: 'Bearer sonny_sk_y' } },
        join: { visitorId: 'v-1', email: 'jane@example.com', identityToken: 'eyJ' },
        variables: { password: 'hunter22' },
        workspaceId: 'w-1',
      },
      'careless',
    );
    expect(lines.lines()[0]).toMatchObject({
      token: REDACTED,
      request: { headers: { authorization: REDACTED } },
      join: { visitorId: REDACTED, email: REDACTED, identityToken: REDACTED },
      variables: REDACTED,
      workspaceId: 'w-1',
    });
  });

  it("keeps of an error its type, message, stack, codes and query, never a database error's params or detail", () => {
    const lines = new LogCapture();
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      detail: 'Key (email)=(jane@example.com) already exists.',
      query: 'insert into "contacts" ("email") values ($1)',
      params: ['jane@example.com'],
    });
    lines.logger('info').error({ err: new Error('Could not identify', { cause }) }, 'failed');
    expect(lines.text).not.toContain('jane@example.com');
    expect(lines.lines()[0]?.err).toEqual({
      type: 'Error',
      message: 'Could not identify',
      stack: expect.stringContaining('Could not identify'),
      cause: {
        type: 'Error',
        message: 'duplicate key value violates unique constraint',
        stack: expect.any(String),
        code: '23505',
        query: 'insert into "contacts" ("email") values ($1)',
      },
    });
  });
});
