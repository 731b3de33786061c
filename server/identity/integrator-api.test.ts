import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/index.ts';
import {
  codeOf,
  newVisitorId,
  sharedTestServer,
  type TestWorkspace,
  uniqueEmail,
} from '../test/harness.ts';
import { mintIdentityToken, workspaceState } from '../test/identity-tokens.ts';

const IDENTIFY_CONTACT = `mutation ($email: String!, $name: String) {
  identifyContact(input: { email: $email, name: $name }) { id email name verified }
}`;
const CREATE_TOKEN = `mutation ($email: String!, $name: String, $expiresIn: Int) {
  createIdentityToken(input: { email: $email, name: $name, expiresInSeconds: $expiresIn }) {
    token expiresAt
  }
}`;
const ROTATE = `mutation ($grace: Int) {
  rotateIdentitySecret(input: { graceSeconds: $grace }) { kid secret previousKidExpiresAt }
}`;
const SETTINGS = `mutation ($on: Boolean) {
  updateWorkspaceSettings(input: { requireVerifiedIdentity: $on }) { id requireVerifiedIdentity }
}`;
const WORKSPACE = 'query { workspace { identitySecretKid } }';
const IDENTIFY_VISITOR = `mutation ($email: String!, $token: String) {
  identifyVisitor(input: { email: $email, identityToken: $token }) {
    contact { id name verified } visitor { identityVerified }
  }
}`;

const server = sharedTestServer();

/** Identifies a fresh visitor of `site` with the token; returns the GraphQL result. */
async function identifyWithToken(site: TestWorkspace, email: string, token: string) {
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
  await socket.joined;
  const result = await socket.execute(IDENTIFY_VISITOR, { email, token });
  await socket.dispose();
  return result;
}

async function secretRows(workspaceId: string) {
  return server.app.db
    .selectFrom('identity_secrets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
}

describe('identifyContact', () => {
  it('upserts the contact by normalised email with an API key, vouching for it', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const created = await server.http(IDENTIFY_CONTACT, { email, name: 'Jane' }, site.apiKey);
    expect(created.errors).toBeUndefined();
    expect(created.data?.identifyContact).toMatchObject({ email, name: 'Jane', verified: true });

    const again = await server.http(
      IDENTIFY_CONTACT,
      { email: ` ${email.toUpperCase()} `, name: '  ' },
      site.apiKey,
    );
    expect(again.data?.identifyContact).toEqual(created.data?.identifyContact);
    const renamed = await server.http(IDENTIFY_CONTACT, { email, name: 'Jane Doe' }, site.apiKey);
    expect(renamed.data?.identifyContact).toMatchObject({
      id: created.data?.identifyContact.id,
      name: 'Jane Doe',
    });
    expect((await workspaceState(server, site.id)).contacts).toHaveLength(1);
  });

  it('works for agents and over a socket with { authToken }, and refuses anyone else', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const byAgent = await server.http(IDENTIFY_CONTACT, { email: uniqueEmail() }, agent.token);
    expect(byAgent.data?.identifyContact.verified).toBe(true);

    const socket = await server.connect(site.apiKey);
    await socket.joined;
    const overSocket = await socket.execute(IDENTIFY_CONTACT, { email: uniqueEmail() });
    expect(overSocket.data?.identifyContact.verified).toBe(true);

    const before = await workspaceState(server, site.id);
    expect(codeOf(await server.http(IDENTIFY_CONTACT, { email: uniqueEmail() }))).toBe(
      'UNAUTHENTICATED',
    );
    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await visitor.joined;
    const asVisitor = await visitor.execute(IDENTIFY_CONTACT, { email: uniqueEmail() });
    expect(codeOf(asVisitor)).toBe('FORBIDDEN');
    expect((await workspaceState(server, site.id)).contacts).toEqual(before.contacts);
  });

  it('refuses a bad email or name with BAD_USER_INPUT, writing nothing', async () => {
    const site = await server.createWorkspace();
    const badEmail = await server.http(IDENTIFY_CONTACT, { email: 'not an email' }, site.apiKey);
    expect(badEmail.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.email',
    });
    const badName = await server.http(
      IDENTIFY_CONTACT,
      { email: uniqueEmail(), name: 'x'.repeat(201) },
      site.apiKey,
    );
    expect(badName.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
    });
    expect((await workspaceState(server, site.id)).contacts).toEqual([]);
  });

  it('then a visitor identify with the same email lands on the same contact', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const contact = await server.http(IDENTIFY_CONTACT, { email, name: 'Jane' }, site.apiKey);
    const { data } = await identifyWithToken(
      site,
      email.toUpperCase(),
      await mintIdentityToken(site.identitySecret, { email }),
    );
    expect(data?.identifyVisitor.contact).toEqual({
      id: contact.data?.identifyContact.id,
      name: 'Jane',
      verified: true,
    });
  });
});

describe('createIdentityToken', () => {
  it('signs an HS256 JWT with the current kid that any JWT library verifies with the identity secret', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const before = Math.floor(Date.now() / 1000);
    const result = await server.http(CREATE_TOKEN, { email, name: 'Jane' }, site.apiKey);
    expect(result.errors).toBeUndefined();
    const { token, expiresAt } = result.data?.createIdentityToken ?? {};

    expect(decodeProtectedHeader(token)).toMatchObject({
      alg: 'HS256',
      kid: site.identitySecret.kid,
    });
    const { payload } = await jwtVerify(
      token,
      new TextEncoder().encode(site.identitySecret.secret),
      {
        algorithms: ['HS256'],
      },
    );
    expect(payload).toMatchObject({ email, name: 'Jane' });
    expect(payload.exp).toBe(Math.floor(new Date(expiresAt).getTime() / 1000));
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
    expect(payload.iat).toBeGreaterThanOrEqual(before);

    const used = await identifyWithToken(site, email, token);
    expect(used.data?.identifyVisitor).toMatchObject({
      contact: { name: 'Jane', verified: true },
      visitor: { identityVerified: true },
    });
  });

  it('takes expiresInSeconds from 1 to 86400, else BAD_USER_INPUT', async () => {
    const site = await server.createWorkspace();
    const email = uniqueEmail();
    const longest = await server.http(CREATE_TOKEN, { email, expiresIn: 86_400 }, site.apiKey);
    const { payload } = await jwtVerify(
      longest.data?.createIdentityToken.token,
      new TextEncoder().encode(site.identitySecret.secret),
    );
    expect(Number(payload.exp) - Number(payload.iat)).toBe(86_400);
    expect(
      (await identifyWithToken(site, email, longest.data?.createIdentityToken.token)).errors,
    ).toBeUndefined();

    for (const expiresIn of [0, -5, 86_401]) {
      const refused = await server.http(CREATE_TOKEN, { email, expiresIn }, site.apiKey);
      expect(refused.errors?.[0]?.extensions, String(expiresIn)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.expiresInSeconds',
      });
    }
    const badEmail = await server.http(CREATE_TOKEN, { email: 'nope' }, site.apiKey);
    expect(badEmail.errors?.[0]?.extensions).toMatchObject({ field: 'input.email' });
  });

  it('needs an API key: agents get FORBIDDEN, no credential UNAUTHENTICATED; works over a socket', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const email = uniqueEmail();
    expect(codeOf(await server.http(CREATE_TOKEN, { email }, agent.token))).toBe('FORBIDDEN');
    expect(codeOf(await server.http(CREATE_TOKEN, { email }))).toBe('UNAUTHENTICATED');
    const socket = await server.connect(site.apiKey);
    await socket.joined;
    const overSocket = await socket.execute(CREATE_TOKEN, { email });
    expect(overSocket.data?.createIdentityToken.token).toMatch(/^ey/);
  });

  it('a token of workspace A is refused by workspace B, which changes nothing', async () => {
    const a = await server.createWorkspace();
    const b = await server.createWorkspace();
    const email = uniqueEmail();
    const minted = await server.http(CREATE_TOKEN, { email }, a.apiKey);
    const token = minted.data?.createIdentityToken.token;
    const before = await workspaceState(server, b.id);
    const joining = await server.join({
      siteId: b.siteId,
      visitorId: newVisitorId(),
      email,
      identityToken: token,
    });
    expect(await joining.closed).toEqual({
      code: CloseCode.IdentityRejected,
      reason: 'IDENTITY_VERIFICATION_FAILED',
    });
    expect(await workspaceState(server, b.id)).toEqual(before);
    expect(codeOf(await identifyWithToken(b, email, token))).toBe('IDENTITY_VERIFICATION_FAILED');
    expect((await workspaceState(server, b.id)).contacts).toEqual([]);
  });
});

describe('rotateIdentitySecret', () => {
  it('makes a new current secret; the old kid verifies within its grace, then fails', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const email = uniqueEmail();
    const oldToken = await mintIdentityToken(site.identitySecret, { email });

    const rotated = await server.http(ROTATE, {}, agent.token);
    expect(rotated.errors).toBeUndefined();
    const { kid, secret, previousKidExpiresAt } = rotated.data?.rotateIdentitySecret ?? {};
    expect(kid).not.toBe(site.identitySecret.kid);
    expect(secret).not.toBe(site.identitySecret.secret);
    const graceEnd = new Date(previousKidExpiresAt).getTime();
    expect(Math.abs(graceEnd - (Date.now() + 86_400_000))).toBeLessThan(60_000);
    expect((await server.http(WORKSPACE, {}, agent.token)).data?.workspace.identitySecretKid).toBe(
      kid,
    );

    // New tokens carry the new kid; the integrator's own tokens with the new secret verify.
    const fresh = await server.http(CREATE_TOKEN, { email }, site.apiKey);
    expect(decodeProtectedHeader(fresh.data?.createIdentityToken.token).kid).toBe(kid);
    const selfMinted = await mintIdentityToken({ kid, secret }, { email });
    expect((await identifyWithToken(site, email, selfMinted)).errors).toBeUndefined();

    // Within the grace the old token still works.
    expect((await identifyWithToken(site, email, oldToken)).errors).toBeUndefined();

    // Past the grace it fails, and nothing changes.
    await server.app.db
      .updateTable('identity_secrets')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('kid', '=', site.identitySecret.kid)
      .execute();
    const before = await workspaceState(server, site.id);
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await socket.joined;
    const afterJoin = await workspaceState(server, site.id);
    const refused = await socket.execute(IDENTIFY_VISITOR, { email, token: oldToken });
    expect(codeOf(refused)).toBe('IDENTITY_VERIFICATION_FAILED');
    expect(await workspaceState(server, site.id)).toEqual(afterJoin);
    expect(afterJoin.contacts).toEqual(before.contacts);
  });

  it('with graceSeconds 0 retires every older secret at once', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const email = uniqueEmail();
    const first = await mintIdentityToken(site.identitySecret, { email });
    const second = (await server.http(ROTATE, {}, agent.token)).data?.rotateIdentitySecret;
    const secondToken = await mintIdentityToken(second, { email });
    expect((await identifyWithToken(site, email, first)).errors).toBeUndefined();

    const third = await server.http(ROTATE, { grace: 0 }, agent.token);
    expect(third.errors).toBeUndefined();
    expect(codeOf(await identifyWithToken(site, email, first))).toBe(
      'IDENTITY_VERIFICATION_FAILED',
    );
    expect(codeOf(await identifyWithToken(site, email, secondToken))).toBe(
      'IDENTITY_VERIFICATION_FAILED',
    );
    const thirdToken = await mintIdentityToken(third.data?.rotateIdentitySecret, { email });
    expect((await identifyWithToken(site, email, thirdToken)).errors).toBeUndefined();
    const rows = await secretRows(site.id);
    expect(rows.filter((row) => row.expires_at === null).map((row) => row.kid)).toEqual([
      third.data?.rotateIdentitySecret.kid,
    ]);
  });

  it('runs concurrent rotations one after another: each succeeds, one secret is current', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => server.http(ROTATE, {}, agent.token)),
    );
    expect(results.map((result) => result.errors)).toEqual(Array(5).fill(undefined));
    const kids = results.map((result) => result.data?.rotateIdentitySecret.kid);
    expect(new Set(kids).size).toBe(5);
    // Every rotation saw the one before it: each one ended a secret's life as current.
    expect(results.every((result) => result.data?.rotateIdentitySecret.previousKidExpiresAt)).toBe(
      true,
    );
    const current = (await secretRows(site.id)).filter((row) => row.expires_at === null);
    expect(current.map((row) => row.kid)).toEqual([
      (await server.http(WORKSPACE, {}, agent.token)).data?.workspace.identitySecretKid,
    ]);
    expect(kids).toContain(current[0]?.kid);
  });

  it('refuses a grace outside 0..604800 and API keys, creating no secret', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const before = await secretRows(site.id);
    for (const grace of [-1, 604_801]) {
      const refused = await server.http(ROTATE, { grace }, agent.token);
      expect(refused.errors?.[0]?.extensions, String(grace)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.graceSeconds',
      });
    }
    expect(codeOf(await server.http(ROTATE, {}, site.apiKey))).toBe('FORBIDDEN');
    expect(codeOf(await server.http(ROTATE, {}))).toBe('UNAUTHENTICATED');
    expect(await secretRows(site.id)).toEqual(before);
    const longest = await server.http(ROTATE, { grace: 604_800 }, agent.token);
    expect(longest.errors).toBeUndefined();
  });
});

describe('updateWorkspaceSettings', () => {
  it('is for agents of the workspace only', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    expect(codeOf(await server.http(SETTINGS, { on: true }, site.apiKey))).toBe('FORBIDDEN');
    expect(codeOf(await server.http(SETTINGS, { on: true }))).toBe('UNAUTHENTICATED');
    const changed = await server.http(SETTINGS, { on: true }, agent.token);
    expect(changed.data?.updateWorkspaceSettings).toEqual({
      id: site.id,
      requireVerifiedIdentity: true,
    });
    // Another workspace is untouched.
    const other = await server.createWorkspace();
    const otherAgent = await server.createAgent(other.id);
    const untouched = await server.http(SETTINGS, {}, otherAgent.token);
    expect(untouched.data?.updateWorkspaceSettings.requireVerifiedIdentity).toBe(false);
  });
});
