import { describe, expect, it } from 'vitest';
import { CloseCode, ForbiddenReason } from '../../protocol/index.ts';
import { expectBadUserInput } from '../test/assertions.ts';
import {
  codeOf,
  fieldOf,
  newVisitorId,
  sharedTestServer,
  type TestWorkspace,
} from '../test/harness.ts';
import { workspaceState } from '../test/identity-tokens.ts';
import {
  isOriginAllowed,
  MAX_ALLOWED_ORIGINS,
  MAX_ORIGIN_LENGTH,
  parseAllowedOrigins,
} from './allowed-origins.ts';

const SET_ORIGINS = `mutation ($origins: [String!]) {
  updateWorkspaceSettings(input: { allowedOrigins: $origins }) {
    allowedOrigins requireVerifiedIdentity
  }
}`;
const WORKSPACE = 'query { workspace { allowedOrigins } }';
const VISITOR = 'query { visitor { id } }';

/** Every way an entry can fail to be an origin, each refused. */
const NOT_ORIGINS = [
  'app.example.com',
  'ftp://app.example.com',
  'https://app.example.com/path',
  'https://app.example.com/?',
  'https://app.example.com#top',
  'https://user@app.example.com',
  'https://*.example.com',
  'https://',
  'https://app.example.com:99999',
  'null',
  '',
  `https://${'a'.repeat(MAX_ORIGIN_LENGTH)}.com`,
];

describe('parseAllowedOrigins', () => {
  it('keeps origins as browsers send them: lower-cased, default port dropped, punycode, once each', () => {
    expect(
      parseAllowedOrigins(
        [
          'https://App.Example.com',
          ' http://localhost:3000/ ',
          'https://app.example.com:443',
          'https://bücher.example',
          'http://127.0.0.1:8080',
        ],
        'input.allowedOrigins',
      ),
    ).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
      'https://xn--bcher-kva.example',
      'http://127.0.0.1:8080',
    ]);
    expect(parseAllowedOrigins([], 'input.allowedOrigins')).toEqual([]);
  });

  it.each(NOT_ORIGINS)('refuses %j, naming its index', (value) => {
    expectBadUserInput(
      () => parseAllowedOrigins(['https://ok.example', value], 'input.allowedOrigins'),
      'input.allowedOrigins[1]',
    );
  });

  it(`takes ${MAX_ALLOWED_ORIGINS} origins, not one more`, () => {
    const origins = (count: number) =>
      Array.from({ length: count }, (_, index) => `https://site${index}.example`);
    expect(parseAllowedOrigins(origins(MAX_ALLOWED_ORIGINS), 'f')).toHaveLength(
      MAX_ALLOWED_ORIGINS,
    );
    expectBadUserInput(() => parseAllowedOrigins(origins(MAX_ALLOWED_ORIGINS + 1), 'f'), 'f');
  });
});

describe('isOriginAllowed', () => {
  const allowed = ['https://app.example.com', 'http://localhost:3000'];
  it('admits only listed origins, any origin when none is listed, and a request without Origin', () => {
    expect(isOriginAllowed(allowed, 'https://app.example.com')).toBe(true);
    expect(isOriginAllowed(allowed, 'http://localhost:3000')).toBe(true);
    expect(isOriginAllowed(allowed, 'https://evil.example')).toBe(false);
    expect(isOriginAllowed(allowed, 'http://app.example.com')).toBe(false);
    expect(isOriginAllowed(allowed, 'https://app.example.com:8443')).toBe(false);
    expect(isOriginAllowed(allowed, 'https://app.example.com.evil.example')).toBe(false);
    expect(isOriginAllowed(allowed, 'null')).toBe(false);
    expect(isOriginAllowed(allowed, null)).toBe(true);
    expect(isOriginAllowed([], 'https://evil.example')).toBe(true);
  });
});

const server = sharedTestServer();

async function setOrigins(token: string, origins: unknown) {
  return server.http(SET_ORIGINS, { origins }, token);
}

/** Joins as a page of `origin` (no Origin header when undefined). */
function joinFrom(site: TestWorkspace, origin: string | undefined, visitorId = newVisitorId()) {
  return server.join({ siteId: site.siteId, visitorId }, origin === undefined ? {} : { origin });
}

describe('allowed origins of a workspace', () => {
  it('an agent sets them, normalised; agents and keys read them; absent keeps them, empty clears them', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    expect((await server.http(WORKSPACE, {}, agent.token)).data?.workspace).toEqual({
      allowedOrigins: [],
    });

    const set = await setOrigins(agent.token, [
      'https://App.Example.com/',
      'http://localhost:3000',
    ]);
    expect(set.errors).toBeUndefined();
    expect(set.data?.updateWorkspaceSettings).toEqual({
      allowedOrigins: ['https://app.example.com', 'http://localhost:3000'],
      requireVerifiedIdentity: false,
    });
    const byKey = await server.http(WORKSPACE, {}, site.apiKey);
    expect(byKey.data?.workspace.allowedOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
    ]);

    const untouched = await server.http(
      'mutation { updateWorkspaceSettings(input: { requireVerifiedIdentity: true }) { allowedOrigins } }',
      {},
      agent.token,
    );
    expect(untouched.data?.updateWorkspaceSettings.allowedOrigins).toHaveLength(2);
    const cleared = await setOrigins(agent.token, []);
    expect(cleared.data?.updateWorkspaceSettings.allowedOrigins).toEqual([]);
  });

  it('refuses a list with a bad origin, naming its index, and keeps the list it had', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    await setOrigins(agent.token, ['https://app.example.com']);
    for (const bad of NOT_ORIGINS) {
      const refused = await setOrigins(agent.token, [
        'https://new.example',
        'https://b.example',
        bad,
      ]);
      expect(codeOf(refused), bad).toBe('BAD_USER_INPUT');
      expect(fieldOf(refused), bad).toBe('input.allowedOrigins[2]');
    }
    const tooMany = Array.from(
      { length: MAX_ALLOWED_ORIGINS + 1 },
      (_, index) => `https://s${index}.example`,
    );
    const refused = await setOrigins(agent.token, tooMany);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(fieldOf(refused)).toBe('input.allowedOrigins');
    expect((await server.http(WORKSPACE, {}, agent.token)).data?.workspace.allowedOrigins).toEqual([
      'https://app.example.com',
    ]);
  });

  it('an API key may not change them', async () => {
    const site = await server.createWorkspace();
    const refused = await setOrigins(site.apiKey, ['https://app.example.com']);
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect((await server.http(WORKSPACE, {}, site.apiKey)).data?.workspace.allowedOrigins).toEqual(
      [],
    );
  });
});

describe('a join under allowed origins', () => {
  it('from an origin not on the list is refused with 4403 and writes nothing', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    await setOrigins(agent.token, ['https://app.example.com']);
    const before = await workspaceState(server, site.id);

    for (const origin of [
      'https://evil.example',
      'http://app.example.com',
      'https://app.example.com:8443',
      'null',
    ]) {
      const socket = await joinFrom(site, origin);
      expect(await socket.closed, origin).toEqual({
        code: CloseCode.Forbidden,
        reason: ForbiddenReason.OriginNotAllowed,
      });
    }
    expect(await workspaceState(server, site.id)).toEqual(before);
  });

  it('of a returning visitor, anonymous or identified, from an origin not on the list is refused and records no visit', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    await setOrigins(agent.token, ['https://app.example.com']);
    const page = { origin: 'https://app.example.com' };
    const anonymous = { siteId: site.siteId, visitorId: newVisitorId() };
    const identified = { siteId: site.siteId, visitorId: newVisitorId(), email: 'j@example.com' };
    for (const join of [anonymous, identified]) {
      const socket = await server.join(join, page);
      await socket.joined;
      await socket.dispose();
    }
    const before = await workspaceState(server, site.id);

    for (const join of [anonymous, identified]) {
      const socket = await server.join(join, { origin: 'https://evil.example' });
      expect(await socket.closed).toEqual({
        code: CloseCode.Forbidden,
        reason: ForbiddenReason.OriginNotAllowed,
      });
    }
    expect(await workspaceState(server, site.id)).toEqual(before);
    for (const join of [anonymous, identified]) await (await server.join(join, page)).joined;
  });

  it('from a listed origin, or without Origin (not a browser), is admitted', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    await setOrigins(agent.token, ['https://app.example.com', 'http://localhost:3000']);
    for (const origin of ['https://app.example.com', 'http://localhost:3000', undefined]) {
      const socket = await joinFrom(site, origin);
      await socket.joined;
      expect((await socket.execute(VISITOR)).errors, String(origin)).toBeUndefined();
    }
  });

  it('admits any origin while the list is empty, and again once it is cleared', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    await (await joinFrom(site, 'https://anywhere.example')).joined;

    await setOrigins(agent.token, ['https://app.example.com']);
    const visitorId = newVisitorId();
    const refused = await joinFrom(site, 'https://anywhere.example', visitorId);
    expect((await refused.closed).code).toBe(CloseCode.Forbidden);
    await setOrigins(agent.token, []);
    await (await joinFrom(site, 'https://anywhere.example', visitorId)).joined;
  });
});
