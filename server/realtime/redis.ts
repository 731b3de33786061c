import { Redis, type RedisOptions } from 'ioredis';

/** How long {@link closeRedis} waits for pending replies before it cuts the connection. */
const QUIT_TIMEOUT_MS = 1_000;

/**
 * Opens a connection to the Redis at `redisUrl` and waits until it answers, so a wrong
 * REDIS_URL stops the server at start rather than at the first request. The message names the
 * variable, never the URL (it may hold a password).
 *
 * Once connected, the client reconnects by itself whenever the connection drops. Its `error`
 * events are swallowed: each reconnect attempt would report one, and callers watch `close`
 * and `ready`, or the failures of their own commands, instead.
 */
export async function connectRedis(redisUrl: string, options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis(redisUrl, { ...options, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Cannot reach Redis at REDIS_URL: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return client;
}

/**
 * Closes a connection for good: waits (briefly) for the replies of commands already sent
 * when Redis answers, and cuts it at once when Redis is away, so a shutdown never hangs on it.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      client.disconnect();
      resolve();
    }, QUIT_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.quit().then(() => {}), cut]);
  } catch {
    client.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
