import { expect, it } from 'vitest';
import { IN_MEMORY_DATA_DIR } from '../config.ts';
import { newVisitorId, sharedTestServer } from '../test/harness.ts';
import { LogCapture } from '../test/log-capture.ts';

const log = new LogCapture();
// A private in-memory database: this file breaks it on purpose, which must not touch the
// database other suites share in CI.
const server = sharedTestServer(
  { databaseUrl: null, dataDir: IN_MEMORY_DATA_DIR },
  { logger: log.logger('info') },
);

/** The error lines logged since `from` characters into the log. */
function errorsSince(from: number): Array<Record<string, unknown>> {
  const later = new LogCapture();
  later.write(log.text.slice(from));
  return later.lines().filter((line) => line.level === 'error');
}

it('masks an unexpected failure for the client and logs it on the server', async () => {
  const site = await server.createWorkspace();
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
  await socket.joined;
  await server.app.db.schema.dropTable('messages').cascade().execute();
  const from = log.text.length;
  const { errors } = await socket.execute(
    'mutation Send { sendMessage(input: { body: "hi", clientMessageId: "1" }) { id } }',
  );
  expect(errors).toMatchObject([
    { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
  ]);
  expect(JSON.stringify(errors)).not.toContain('messages');
  const logged = errorsSince(from);
  // The error with its cause for the operator, and the operation's line, at level error.
  expect(logged).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        msg: 'Unexpected error in a GraphQL operation',
        err: expect.objectContaining({ message: expect.stringContaining('messages') }),
      }),
      expect.objectContaining({
        msg: 'graphql operation',
        operation: 'Send',
        errorCode: 'INTERNAL_SERVER_ERROR',
      }),
    ]),
  );
});

it('closes a socket whose join fails unexpectedly with 4500 and no internal detail', async () => {
  const site = await server.createWorkspace();
  await server.app.db.schema.dropTable('conversations').cascade().execute();
  const from = log.text.length;
  // Identifying links conversations, so this join touches the dropped table.
  const socket = await server.join({
    siteId: site.siteId,
    visitorId: newVisitorId(),
    email: 'jane@example.com',
  });
  expect(await socket.closed).toEqual({ code: 4500, reason: 'Internal server error' });
  expect(errorsSince(from)).toEqual([
    expect.objectContaining({
      msg: 'Unexpected error while admitting a socket',
      err: expect.objectContaining({ message: expect.stringContaining('conversations') }),
    }),
  ]);
});
