import { describe, expect, it } from 'vitest';
import { CloseCode, UnauthorizedReason } from '../../protocol/index.ts';
import { codeOf, newVisitorId, sharedTestServer, uniqueEmail } from '../test/harness.ts';
import { secretDigest } from './secrets.ts';

const WORKSPACE = '{ workspace { id siteId requireVerifiedIdentity identitySecretKid } }';
const LOGIN = `mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt agent { id email name } }
}`;

const server = sharedTestServer();

describe('API keys', () => {
  it('authenticate over HTTP as their workspace, and not once revoked', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);

    const answer = await server.http(WORKSPACE, {}, site.apiKey);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.workspace).toMatchObject({ id: site.id, siteId: site.siteId });
    expect(answer.data?.workspace.identitySecretKid).toBe(site.identitySecret.kid);

    const keys = await server.http(
      '{ apiKeys { id prefix revokedAt lastUsedAt } }',
      {},
      agent.token,
    );
    expect(keys.data?.apiKeys).toHaveLength(1);
    const [key] = keys.data?.apiKeys ?? [];
    expect(site.apiKey.startsWith(key.prefix)).toBe(true);
    expect(key.lastUsedAt).not.toBeNull();

    const revoked = await server.http(
      'mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }',
      { id: key.id },
      agent.token,
    );
    expect(revoked.data?.revokeApiKey.revokedAt).toEqual(expect.any(String));

    const refused = await server.http(WORKSPACE, {}, site.apiKey);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors?.[0]?.message).toBe(
      'The API key or session token is unknown, revoked or expired.',
    );
    expect(refused.data ?? null).toBeNull();
  });

  it('authenticate over WebSocket; a revoked key is refused on its open socket and at connect', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const socket = await server.connect(site.apiKey);
    await socket.joined;
    expect((await socket.execute(WORKSPACE)).data?.workspace.id).toBe(site.id);

    const { data } = await server.http('{ apiKeys { id } }', {}, agent.token);
    await server.http(
      'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }',
      { id: data?.apiKeys[0].id },
      agent.token,
    );

    expect(codeOf(await socket.execute(WORKSPACE))).toBe('UNAUTHENTICATED');
    const again = await server.connect(site.apiKey);
    expect(await again.closed).toEqual({
      code: CloseCode.Unauthorized,
      reason: UnauthorizedReason.BadToken,
    });
  });

  it('are created by agents, shown once and stored as a digest', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const created = await server.http(
      'mutation { createApiKey { secret apiKey { id prefix } } }',
      {},
      agent.token,
    );
    const { secret, apiKey } = created.data?.createApiKey ?? {};
    expect(secret).toMatch(/^sonny_sk_[A-Za-z0-9_-]{40,}$/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);

    const row = await server.app.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', apiKey.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(secretDigest(secret));
    expect(JSON.stringify(row)).not.toContain(secret);

    expect((await server.http(WORKSPACE, {}, secret)).data?.workspace.id).toBe(site.id);
    const listed = await server.http('{ apiKeys { id } }', {}, agent.token);
    expect(listed.data?.apiKeys.map((key: { id: string }) => key.id)).toContain(apiKey.id);
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('cannot act where the schema says agents only: FORBIDDEN, and nothing changes', async () => {
    const site = await server.createWorkspace();
    const agentOnly = [
      '{ me { id } }',
      '{ apiKeys { id } }',
      'mutation { createApiKey { secret } }',
      'mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }',
      'mutation { logout }',
    ];
    for (const query of agentOnly) {
      const result = await server.http(query, {}, site.apiKey);
      expect(codeOf(result), query).toBe('FORBIDDEN');
    }
    const keys = await server.app.db
      .selectFrom('api_keys')
      .select('revoked_at')
      .where('workspace_id', '=', site.id)
      .execute();
    expect(keys).toEqual([{ revoked_at: null }]);
  });

  it('of another workspace cannot be revoked: NOT_FOUND, and the key keeps working', async () => {
    const mine = await server.createWorkspace();
    const theirs = await server.createWorkspace();
    const agent = await server.createAgent(mine.id);
    const theirKey = await server.app.db
      .selectFrom('api_keys')
      .select('id')
      .where('workspace_id', '=', theirs.id)
      .executeTakeFirstOrThrow();

    for (const id of [theirKey.id, 'not-a-uuid']) {
      const result = await server.http(
        'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }',
        { id },
        agent.token,
      );
      expect(codeOf(result)).toBe('NOT_FOUND');
    }
    const listed = await server.http('{ apiKeys { id } }', {}, agent.token);
    expect(listed.data?.apiKeys.map((key: { id: string }) => key.id)).not.toContain(theirKey.id);
    expect((await server.http(WORKSPACE, {}, theirs.apiKey)).data?.workspace.id).toBe(theirs.id);
  });
});

describe('agents', () => {
  it('log in with email and password; the token works over HTTP and WebSocket', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const result = await server.http(LOGIN, {
      email: `  ${agent.email.toUpperCase()} `,
      password: agent.password,
    });
    expect(result.errors).toBeUndefined();
    const { token, agent: signedIn } = result.data?.login ?? {};
    expect(token).toMatch(/^sonny_st_/);
    expect(signedIn).toEqual({ id: agent.id, email: agent.email, name: 'Alex Agent' });

    const me = await server.http('{ me { id workspace { id } } }', {}, token);
    expect(me.data?.me).toEqual({ id: agent.id, workspace: { id: site.id } });
    const socket = await server.connect(token);
    await socket.joined;
    expect((await socket.execute('{ me { id } }')).data?.me.id).toBe(agent.id);

    const stored = await server.app.db
      .selectFrom('agent_sessions')
      .select('token_hash')
      .where('agent_id', '=', agent.id)
      .execute();
    expect(stored.map((row) => row.token_hash)).toContain(secretDigest(token));
    const password = await server.app.db
      .selectFrom('agents')
      .select('password_hash')
      .where('id', '=', agent.id)
      .executeTakeFirstOrThrow();
    expect(password.password_hash).toMatch(/^scrypt\$/);
    expect(password.password_hash).not.toContain(agent.password);
  });

  it('get the same UNAUTHENTICATED answer for a wrong password and an unknown email', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const wrongPassword = await server.http(LOGIN, {
      email: agent.email,
      password: 'wrong-pw-1234',
    });
    const unknownEmail = await server.http(LOGIN, {
      // Unique: with Redis, attempts on one email count across test runs for 5 minutes.
      email: uniqueEmail('nobody'),
      password: agent.password,
    });
    expect(codeOf(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(wrongPassword.errors).toEqual(unknownEmail.errors);
    expect(wrongPassword.data ?? null).toBeNull();
  });

  it('are limited to 10 login attempts per email in 5 minutes', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    for (let attempt = 0; attempt < 10; attempt++) {
      const result = await server.http(LOGIN, { email: agent.email, password: 'wrong-pw-1234' });
      expect(codeOf(result)).toBe('UNAUTHENTICATED');
    }
    const limited = await server.http(LOGIN, { email: agent.email, password: agent.password });
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('log out: the token is refused over HTTP and its open sockets are closed', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const socket = await server.connect(agent.token);
    await socket.joined;

    const result = await server.http('mutation { logout }', {}, agent.token);
    expect(result.data?.logout).toBe(true);

    expect(await socket.closed).toEqual({
      code: CloseCode.Unauthorized,
      reason: UnauthorizedReason.LoggedOut,
    });
    expect(codeOf(await server.http('{ me { id } }', {}, agent.token))).toBe('UNAUTHENTICATED');
    const again = await server.connect(agent.token);
    expect((await again.closed).code).toBe(CloseCode.Unauthorized);
  });

  it('log out over its own socket: the answer arrives, then that socket closes with 4401', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const socket = await server.connect(agent.token);
    await socket.joined;

    const result = await socket.execute('mutation { logout }');
    expect(result).toEqual({ data: { logout: true } });
    expect(await socket.closed).toEqual({
      code: CloseCode.Unauthorized,
      reason: UnauthorizedReason.LoggedOut,
    });
  });

  it('cannot use an expired session token', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    await server.app.db
      .updateTable('agent_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', secretDigest(agent.token))
      .execute();
    expect(codeOf(await server.http('{ me { id } }', {}, agent.token))).toBe('UNAUTHENTICATED');
  });
});

describe('who may ask', () => {
  it('without a credential, agent and key operations answer UNAUTHENTICATED', async () => {
    for (const query of [WORKSPACE, '{ me { id } }', 'mutation { logout }']) {
      expect(codeOf(await server.http(query)), query).toBe('UNAUTHENTICATED');
    }
    expect(codeOf(await server.http(WORKSPACE, {}, 'sonny_sk_made-up'))).toBe('UNAUTHENTICATED');
  });

  it('a joined visitor cannot reach agent operations: FORBIDDEN', async () => {
    const site = await server.createWorkspace();
    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await visitor.joined;
    for (const query of [WORKSPACE, '{ me { id } }', '{ apiKeys { id } }']) {
      expect(codeOf(await visitor.execute(query)), query).toBe('FORBIDDEN');
    }
  });
});
