import { Redis, type RedisOptions } from 'ioredis';

/**
 * Opens a connection to the Redis at `redisUrl` and waits until it answers, so a wrong
 * REDIS_URL stops the server at start rather than at the first request. The message names the
 * variable, never the URL (it may hold a password).
 */
export async function connectRedis(redisUrl: string, options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis(redisUrl, { ...options, lazyConnect: true });
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
