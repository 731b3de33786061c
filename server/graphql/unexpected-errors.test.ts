import { expect, it, vi } from 'vitest';
import { IN_MEMORY_DATA_DIR } from '../config.ts';
import { newVisitorId, sharedTestServer } from '../test/harness.ts';

// A private in-memory database: this file breaks it on purpose, which must not touch the
// database other suites share in CI.
const server = sharedTestServer({ databaseUrl: null, dataDir: IN_MEMORY_DATA_DIR });

it('masks an unexpected failure for the client and logs it on the server', async () => {
  const site = await server.createWorkspace();
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
  await socket.joined;
  await server.app.db.schema.dropTable('messages').cascade().execute();
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const { errors } = await socket.execute(
      'mutation { sendMessage(input: { body: "hi", clientMessageId: "1" }) { id } }',
    );
    expect(errors).toMatchObject([
      { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.stringify(errors)).not.toContain('messages');
    expect(String(logged.mock.calls.flat().join(' '))).toContain('messages');
  } finally {
    logged.mockRestore();
  }
});

it('closes a socket whose join fails unexpectedly with 4500 and no internal detail', async () => {
  const site = await server.createWorkspace();
  await server.app.db.schema.dropTable('conversations').cascade().execute();
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    // Identifying links conversations, so this join touches the dropped table.
    const socket = await server.join({
      siteId: site.siteId,
      visitorId: newVisitorId(),
      email: 'jane@example.com',
    });
    expect(await socket.closed).toEqual({ code: 4500, reason: 'Internal server error' });
    expect(logged).toHaveBeenCalled();
  } finally {
    logged.mockRestore();
  }
});
