import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import {
  CloseCode,
  ErrorCode,
  ForbiddenReason,
  type JoinPayload,
  Limits,
} from '../../protocol/index.ts';
import {
  codeOf,
  createSite,
  fieldOf,
  newVisitorId,
  type Result,
  sharedTestServer,
  type TestSite,
  type WidgetSocket,
} from '../test/harness.ts';
import { schema } from './schema/index.ts';

const server = sharedTestServer();
const KNOWN_CODES = new Set<unknown>(Object.values(ErrorCode));
const TOO_LONG = 'x'.repeat(Limits.stringLength + 1);

// Strings as an attacker sends them: NULs, unpaired surrogates, bidi controls, huge ones,
// plausible values (so some operations get past validation), and any code point at all.
const hostileCodePoint = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\u2066', '\u200b', '%', '_', '\\', '@'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const plausibleString = fc.oneof(
  fc.constantFrom('jane@example.com', 'Jane', 'site_x', 'm1'),
  fc.uuid(),
  fc.string({ maxLength: 12 }),
);
/** A plausible value with a NUL or an unpaired surrogate somewhere inside. */
const poisonedString = fc
  .tuple(plausibleString, fc.constantFrom('\u0000', '\ud800', '\udfff'), fc.nat())
  .map(([text, poison, at]) => {
    const index = at % (text.length + 1);
    return `${text.slice(0, index)}${poison}${text.slice(index)}`;
  });
const hostileString = fc.oneof(
  { arbitrary: poisonedString, weight: 3 },
  fc.string({ unit: hostileCodePoint, maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    'jane@example.com',
    'ja\u0000ne@example.com',
    '\ud800@example.com',
    TOO_LONG,
    `${TOO_LONG}\u0000`,
    'site_nope',
    '00000000-0000-0000-0000-000000000000',
    'eyJhbGciOiJIUzI1NiJ9.e30.x',
  ),
  fc.uuid(),
);

/** Values of `type`, as a client could send them in variables. */
function valuesOf(type: GraphQLInputType): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valuesOf(type.ofType).filter((value) => value !== null);
  return fc.option(nonNullValuesOf(type), { nil: null, freq: 6 });
}

function nonNullValuesOf(type: GraphQLInputType): fc.Arbitrary<unknown> {
  if (isListType(type)) return fc.array(valuesOf(type.ofType), { maxLength: 3 });
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((value) => value.name));
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(
      Object.fromEntries(fields.map((field) => [field.name, valuesOf(field.type)])),
      {
        requiredKeys: fields
          .filter((field) => isNonNullType(field.type))
          .map((field) => field.name),
      },
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'String':
      case 'ID':
        return hostileString;
      case 'Int':
        return fc.oneof(
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          fc.integer({ min: -3, max: 300 }),
        );
      case 'Boolean':
        return fc.boolean();
      case 'DateTime':
        return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
    }
  }
  throw new Error(`No generator for the input type ${String(type)}`);
}

interface Operation {
  readonly name: string;
  readonly kind: 'query' | 'mutation' | 'subscription';
  readonly document: string;
  readonly variables: fc.Arbitrary<Record<string, unknown>>;
}

/** `field` called with every argument from a variable, selecting only `__typename`. */
function operationOf(kind: Operation['kind'], field: GraphQLField<unknown, unknown>): Operation {
  const definitions = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const call = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : '{ __typename }';
  return {
    name: `${kind} ${field.name}`,
    kind,
    document: `${kind} (${definitions}) { ${field.name}(${call}) ${selection} }`,
    variables: fc.record(
      Object.fromEntries(field.args.map((arg) => [arg.name, valuesOf(arg.type)])),
      { requiredKeys: field.args.filter((arg) => isNonNullType(arg.type)).map((arg) => arg.name) },
    ),
  };
}

function fieldsWithArguments(kind: Operation['kind'], type: GraphQLObjectType | null | undefined) {
  return Object.values(type?.getFields() ?? {})
    .filter((field) => field.args.length > 0)
    .map((field) => operationOf(kind, field));
}

// Every root field that takes arguments (a visitor is refused the agents' ones, which must
// still answer with a known code), and the nested ones a visitor reaches.
const operations: Operation[] = [
  ...fieldsWithArguments('query', schema.getQueryType()),
  ...fieldsWithArguments('mutation', schema.getMutationType()),
  ...fieldsWithArguments('subscription', schema.getSubscriptionType()),
  {
    name: 'query visitor.conversations.messages',
    kind: 'query',
    document: `query ($last: Int, $before: ID) {
      visitor { conversations { messages(last: $last, before: $before) { id } } }
    }`,
    variables: fc.record(
      { last: valuesOf(schema.getType('Int') as GraphQLInputType), before: hostileString },
      { requiredKeys: [] },
    ),
  },
];

/**
 * Whether `value` fits in one socket message: a larger one closes the socket (1009) before any
 * string check, which is the socket limit's test, not this one's.
 */
function fitsOneSocketMessage(value: unknown): boolean {
  return Buffer.byteLength(JSON.stringify(value) ?? '') < 60 * 1024;
}

/** Every table's row count: a refused operation must leave all of them as they were. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = [
    'workspaces',
    'api_keys',
    'identity_secrets',
    'agents',
    'agent_sessions',
    'inbox_events',
    'contacts',
    'visitors',
    'conversations',
    'messages',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(
      table,
    )}`.execute(server.app.db);
    counts[table] = Number(rows[0]?.n);
  }
  return counts;
}

/** A query or mutation's result; a subscription's first event, or none while it stays live. */
async function run(socket: WidgetSocket, operation: Operation, variables: Record<string, unknown>) {
  if (operation.kind !== 'subscription') return socket.execute(operation.document, variables);
  const subscription = socket.subscribe(operation.document, { ...variables });
  try {
    return await subscription.next(300);
  } catch {
    return null;
  } finally {
    await subscription.close();
  }
}

function expectOnlyKnownCodes(result: Result | null, what: string): void {
  for (const error of result?.errors ?? []) {
    expect(error.message, what).not.toBe('Unexpected error.');
    expect(KNOWN_CODES.has(error.extensions?.code), `${what}: ${JSON.stringify(error)}`).toBe(true);
  }
}

let loggedErrors: MockInstance<typeof console.error>;
beforeEach(() => {
  loggedErrors = vi.spyOn(console, 'error');
});
afterEach(() => {
  // Nothing a client sends may reach the server's error log.
  expect(loggedErrors).not.toHaveBeenCalled();
  loggedErrors.mockRestore();
});

describe('any argument of any operation a visitor can send', () => {
  let site: TestSite;
  let socket: WidgetSocket;
  beforeEach(async () => {
    site ??= await createSite(server);
    socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await socket.joined;
  });
  afterEach(async () => {
    await socket.dispose();
  });

  it.each(operations.map((operation) => [operation.name, operation] as const))(
    '%s answers known codes only, and a refusal writes nothing',
    async (name, operation) => {
      await fc.assert(
        fc.asyncProperty(operation.variables.filter(fitsOneSocketMessage), async (variables) => {
          const before = await rowCounts();
          const result = await run(socket, operation, variables);
          expectOnlyKnownCodes(result, name);
          if (result?.errors !== undefined) expect(await rowCounts()).toEqual(before);
        }),
        { numRuns: 25 },
      );
    },
    60_000,
  );
});

describe('any argument of any operation an agent can send', () => {
  let site: TestSite;
  beforeEach(async () => {
    site ??= await createSite(server);
  });

  it.each(
    operations
      .filter((operation) => operation.kind !== 'subscription')
      .map((operation) => [operation.name, operation] as const),
  )(
    '%s answers known codes only, and a refusal writes nothing',
    async (name, operation) => {
      await fc.assert(
        fc.asyncProperty(operation.variables, async (variables) => {
          const before = await rowCounts();
          const result = await server.http(operation.document, variables, site.agentToken);
          expectOnlyKnownCodes(result, name);
          if (result.errors !== undefined) expect(await rowCounts()).toEqual(before);
        }),
        { numRuns: 10 },
      );
    },
    60_000,
  );
});

describe('the join payload', () => {
  const forbiddenReasons = new Set<string>(Object.values(ForbiddenReason));
  const field = fc.oneof(hostileString, fc.constantFrom(undefined, null, 42, {}, ['x']));

  it('is admitted, or refused with 4403 or 4400 and a known reason, writing nothing', async () => {
    const site = await server.createWorkspace();
    await fc.assert(
      fc.asyncProperty(
        fc
          .record({
            siteId: fc.oneof(fc.constant(site.siteId), field),
            visitorId: fc.oneof(fc.uuid(), field),
            email: fc.oneof(fc.constant('jane@example.com'), field),
            name: field,
            identityToken: fc.oneof(fc.constant(undefined), field),
          })
          .filter(fitsOneSocketMessage),
        async (payload) => {
          const before = await rowCounts();
          const socket = await server.join(payload as Partial<JoinPayload>);
          const outcome = await Promise.race([
            socket.joined.then(() => 'joined' as const),
            socket.closed,
          ]);
          await socket.dispose();
          if (outcome === 'joined') return;
          if (outcome.code === CloseCode.Forbidden) {
            expect(forbiddenReasons.has(outcome.reason), outcome.reason).toBe(true);
          } else {
            expect(outcome.code, outcome.reason).toBe(CloseCode.IdentityRejected);
            expect(KNOWN_CODES.has(outcome.reason), outcome.reason).toBe(true);
          }
          expect(await rowCounts()).toEqual(before);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it.each([
    ['a NUL in siteId', { siteId: 'site_\u0000' }, CloseCode.Forbidden, 'Unknown siteId'],
    [
      'an unpaired surrogate in siteId',
      { siteId: '\ud800' },
      CloseCode.Forbidden,
      'Unknown siteId',
    ],
    ['an over-long siteId', { siteId: TOO_LONG }, CloseCode.Forbidden, 'Unknown siteId'],
    ['a NUL in the email', { email: 'ja\u0000ne@example.com' }, 4400, 'BAD_USER_INPUT'],
    [
      'an unpaired surrogate in the name',
      { email: 'a@b.co', name: 'J\udc00' },
      4400,
      'BAD_USER_INPUT',
    ],
    [
      'a NUL in the identity token',
      { email: 'a@b.co', identityToken: 'x\u0000' },
      4400,
      'BAD_USER_INPUT',
    ],
    [
      'an over-long identity token',
      { email: 'a@b.co', identityToken: TOO_LONG },
      4400,
      'BAD_USER_INPUT',
    ],
  ])('refuses %s', async (_case, payload, code, reason) => {
    const site = await server.createWorkspace();
    const socket = await server.join({
      siteId: site.siteId,
      visitorId: newVisitorId(),
      ...payload,
    });
    expect(await socket.closed).toEqual({ code, reason });
  });
});

describe('strings no field may take', () => {
  const CONTACTS = 'query ($search: String) { contacts(search: $search) { edges { cursor } } }';
  const LOGIN = 'mutation ($email: String!) { login(email: $email, password: "x") { token } }';
  const SEND = `mutation ($body: String!) {
    sendMessage(input: { body: $body, clientMessageId: "m" }) { id }
  }`;

  it.each([
    ['a NUL', 'a\u0000b'],
    ['an unpaired surrogate', 'a\ud800'],
    ['more than 50,000 characters', TOO_LONG],
  ])(
    'refuses %s in a search, a login or a message with BAD_USER_INPUT naming the argument',
    async (_case, value) => {
      const site = await createSite(server);
      const search = await server.http(CONTACTS, { search: value }, site.agentToken);
      expect([codeOf(search), fieldOf(search)]).toEqual(['BAD_USER_INPUT', 'search']);
      const login = await server.http(LOGIN, { email: value });
      expect([codeOf(login), fieldOf(login)]).toEqual(['BAD_USER_INPUT', 'email']);
      const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
      const sent = await socket.execute(SEND, { body: value });
      expect([codeOf(sent), fieldOf(sent)]).toEqual(['BAD_USER_INPUT', 'input.body']);
      await socket.dispose();
    },
  );

  it('refuses them in literals too, and in a variable’s default value', async () => {
    const site = await createSite(server);
    const literal = await server.http(
      '{ contacts(search: "a\\u0000b") { edges { cursor } } }',
      {},
      site.agentToken,
    );
    expect([codeOf(literal), fieldOf(literal)]).toEqual(['BAD_USER_INPUT', 'search']);
    const nested = await server.http(
      'mutation { identifyContact(input: { email: "a\\u0000@b.co" }) { id } }',
      {},
      site.apiKey,
    );
    expect([codeOf(nested), fieldOf(nested)]).toEqual(['BAD_USER_INPUT', 'input.email']);
    const byDefault = await server.http(
      'query ($s: String = "a\\u0000b") { contacts(search: $s) { edges { cursor } } }',
      {},
      site.agentToken,
    );
    expect([codeOf(byDefault), fieldOf(byDefault)]).toEqual(['BAD_USER_INPUT', 'search']);
  });

  it('keeps each field’s own, smaller limit', async () => {
    const site = await createSite(server);
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const sent = await socket.execute(SEND, { body: 'x'.repeat(Limits.messageBodyLength + 1) });
    expect([codeOf(sent), fieldOf(sent)]).toEqual(['BAD_USER_INPUT', 'input.body']);
    await socket.dispose();
  });
});
