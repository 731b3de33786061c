import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, IN_MEMORY_DATA_DIR, loadConfig, MAX_WORKERS } from './config.ts';
import { thrownBy } from './test/assertions.ts';

/** Asserts `loadConfig(env)` throws a ConfigError whose message names `variable`. */
function expectConfigError(env: Record<string, string>, variable: string): ConfigError {
  const error = thrownBy(() => loadConfig(env));
  expect(error).toBeInstanceOf(ConfigError);
  expect(error).toBeInstanceOf(Error);
  expect((error as ConfigError).name).toBe('ConfigError');
  expect((error as ConfigError).message).toContain(variable);
  return error as ConfigError;
}

/** A SONNY_SECRET_KEY, which production requires. */
const PRODUCTION_KEY = Buffer.alloc(32, 3).toString('base64');

describe('loadConfig', () => {
  it('uses defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      databaseUrl: null,
      redisUrl: null,
      publicUrl: null,
      databasePoolSize: 10,
      databaseConnectTimeoutMs: 30_000,
      databaseAcquireTimeoutMs: 5_000,
      databaseStatementTimeoutMs: 30_000,
      introspection: 'everyone',
      shutdownTimeoutMs: 10_000,
      logLevel: 'info',
      metricsToken: null,
      metricsPort: null,
    });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir.endsWith('.sonny')).toBe(true);
    expect(config.dataDir).toBe(path.resolve('.sonny'));
  });

  it('treats blank variables as unset', () => {
    expect(
      loadConfig({
        PORT: '  ',
        HOST: '',
        DATABASE_URL: ' ',
        SONNY_DATA_DIR: '',
        REDIS_URL: '\t',
        PUBLIC_URL: '',
        DATABASE_POOL_SIZE: ' ',
        DATABASE_CONNECT_TIMEOUT: '',
        DATABASE_ACQUIRE_TIMEOUT: '',
        DATABASE_STATEMENT_TIMEOUT: ' ',
        SONNY_DIST_DIR: ' ',
        GRAPHQL_INTROSPECTION: '',
        SHUTDOWN_TIMEOUT: ' ',
        LOG_LEVEL: '',
        METRICS_TOKEN: ' ',
        METRICS_PORT: '',
        SONNY_SECRET_KEY: ' ',
        SONNY_DEMO: '',
      }),
    ).toEqual(loadConfig({}));
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  describe('PORT', () => {
    it.each([
      ['0', 0],
      ['80', 80],
      ['4001', 4001],
      ['65535', 65535],
      [' 8080 ', 8080],
    ])('accepts %j as %i', (raw, port) => {
      expect(loadConfig({ PORT: raw }).port).toBe(port);
    });

    it.each(['abc', '70000', '65536', '-1', '1.5', '1e3', '0x50', '80abc'])(
      'rejects %j with an error naming PORT',
      (raw) => {
        const error = expectConfigError({ PORT: raw }, 'PORT');
        expect(error.message).toContain(raw);
      },
    );
  });

  it('reads HOST, trimmed', () => {
    expect(loadConfig({ HOST: ' 127.0.0.1 ' }).host).toBe('127.0.0.1');
  });

  describe('DATABASE_URL', () => {
    it.each(['postgres://user:secret@db.internal:5432/sonny', 'postgresql://localhost/sonny'])(
      'accepts %s',
      (url) => {
        expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
      },
    );

    it.each(['mysql://x', 'not a url', 'http://db.example.com/sonny'])(
      'rejects %j with an error naming DATABASE_URL',
      (url) => {
        expectConfigError({ DATABASE_URL: url }, 'DATABASE_URL');
      },
    );
  });

  describe('DATABASE_POOL_SIZE', () => {
    it.each([
      ['1', 1],
      ['25', 25],
      [' 1000 ', 1000],
    ])('accepts %j as %i', (raw, size) => {
      expect(loadConfig({ DATABASE_POOL_SIZE: raw }).databasePoolSize).toBe(size);
    });

    it.each(['0', '1001', '-1', '2.5', 'ten', '1e2'])(
      'rejects %j with an error naming DATABASE_POOL_SIZE',
      (raw) => {
        const error = expectConfigError({ DATABASE_POOL_SIZE: raw }, 'DATABASE_POOL_SIZE');
        expect(error.message).toContain(raw);
      },
    );
  });

  describe.each([
    ['DATABASE_CONNECT_TIMEOUT', 'databaseConnectTimeoutMs'],
    ['DATABASE_ACQUIRE_TIMEOUT', 'databaseAcquireTimeoutMs'],
    ['DATABASE_STATEMENT_TIMEOUT', 'databaseStatementTimeoutMs'],
  ] as const)('%s (seconds)', (variable, key) => {
    it.each([
      ['2', 2_000],
      ['0.5', 500],
      [' 45 ', 45_000],
      ['86400', 86_400_000],
    ])('reads %j as %i ms', (raw, ms) => {
      expect(loadConfig({ [variable]: raw })[key]).toBe(ms);
    });

    it.each(['0', '0.0', '-1', '86401', 'soon', '5s', '1e3', '.5'])(
      `rejects %j with an error naming ${variable}`,
      (raw) => {
        const error = expectConfigError({ [variable]: raw }, variable);
        expect(error.message).toContain(raw);
      },
    );
  });

  describe('REDIS_URL', () => {
    it.each(['redis://localhost:6379', 'rediss://cache.example.com:6380/0'])(
      'accepts %s',
      (url) => {
        expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url);
      },
    );

    it.each(['http://x', 'not a url'])('rejects %j with an error naming REDIS_URL', (url) => {
      expectConfigError({ REDIS_URL: url }, 'REDIS_URL');
    });
  });

  describe('SHUTDOWN_TIMEOUT', () => {
    it.each([
      ['0', 0],
      ['10', 10_000],
      ['2.5', 2_500],
      [' 30 ', 30_000],
      ['3600', 3_600_000],
    ])('reads %j seconds as %i ms', (raw, ms) => {
      expect(loadConfig({ SHUTDOWN_TIMEOUT: raw }).shutdownTimeoutMs).toBe(ms);
    });

    it.each(['ten', '-1', '3601', '1e3', '10s', '.5', '0x10'])(
      'rejects %j with an error naming SHUTDOWN_TIMEOUT',
      (raw) => {
        const error = expectConfigError({ SHUTDOWN_TIMEOUT: raw }, 'SHUTDOWN_TIMEOUT');
        expect(error.message).toContain(raw);
      },
    );
  });

  describe('SONNY_DATA_DIR', () => {
    it('keeps memory:// as is', () => {
      expect(IN_MEMORY_DATA_DIR).toBe('memory://');
      expect(loadConfig({ SONNY_DATA_DIR: 'memory://' }).dataDir).toBe(IN_MEMORY_DATA_DIR);
    });

    it('resolves a relative directory to an absolute path', () => {
      expect(loadConfig({ SONNY_DATA_DIR: 'data/pg' }).dataDir).toBe(path.resolve('data/pg'));
    });

    it('keeps an absolute directory', () => {
      const dir = path.resolve('/var/lib/sonny');
      expect(loadConfig({ SONNY_DATA_DIR: dir }).dataDir).toBe(dir);
    });
  });

  describe('SONNY_DIST_DIR', () => {
    it('defaults to dist/ of this checkout, whatever the working directory', () => {
      expect(loadConfig({}).distDir).toBe(fileURLToPath(new URL('../dist', import.meta.url)));
    });

    it('resolves a relative directory to an absolute path', () => {
      expect(loadConfig({ SONNY_DIST_DIR: 'build/web' }).distDir).toBe(path.resolve('build/web'));
    });
  });

  describe('LOG_LEVEL', () => {
    it.each([
      ['debug', 'debug'],
      [' WARN ', 'warn'],
      ['silent', 'silent'],
      ['fatal', 'fatal'],
    ])('reads %j as %s', (raw, level) => {
      expect(loadConfig({ LOG_LEVEL: raw }).logLevel).toBe(level);
    });

    it.each(['verbose', 'information', '30', 'info,debug'])(
      'rejects %j with an error naming LOG_LEVEL and the levels it accepts',
      (raw) => {
        const error = expectConfigError({ LOG_LEVEL: raw }, 'LOG_LEVEL');
        expect(error.message).toContain('fatal, error, warn, info, debug, trace, silent');
      },
    );
  });

  describe('METRICS_TOKEN', () => {
    it('reads a token of 16 characters or more, trimmed', () => {
      const token = 'scrape-me-0123456789';
      expect(loadConfig({ METRICS_TOKEN: ` ${token} ` }).metricsToken).toBe(token);
    });

    it.each(['short', 'fifteen-chars!!', 'sixteen chars ok'])(
      'rejects %j (too short, or with a space) without repeating it',
      (raw) => {
        const error = expectConfigError({ METRICS_TOKEN: raw }, 'METRICS_TOKEN');
        expect(error.message).not.toContain(raw);
      },
    );
  });

  describe('METRICS_PORT', () => {
    it.each([
      ['9464', 9464],
      ['0', 0],
    ])('reads %j as %i', (raw, port) => {
      expect(loadConfig({ METRICS_PORT: raw }).metricsPort).toBe(port);
    });

    it.each(['metrics', '70000', '-1'])('rejects %j with an error naming METRICS_PORT', (raw) => {
      expectConfigError({ METRICS_PORT: raw }, 'METRICS_PORT');
    });

    it('rejects the port the server already listens on', () => {
      expectConfigError({ PORT: '8080', METRICS_PORT: '8080' }, 'METRICS_PORT');
      expectConfigError({ METRICS_PORT: '4000' }, 'METRICS_PORT');
    });
  });

  describe('PUBLIC_URL', () => {
    it.each([
      ['https://chat.example.com/', 'https://chat.example.com'],
      ['https://chat.example.com', 'https://chat.example.com'],
      ['http://localhost:4000//', 'http://localhost:4000'],
      ['https://example.com/chat/', 'https://example.com/chat'],
    ])('reads %s as %s', (raw, expected) => {
      expect(loadConfig({ PUBLIC_URL: raw }).publicUrl).toBe(expected);
    });

    it.each(['ftp://chat.example.com', 'chat.example.com'])(
      'rejects %j with an error naming PUBLIC_URL',
      (url) => {
        expectConfigError({ PUBLIC_URL: url }, 'PUBLIC_URL');
      },
    );
  });

  describe('GRAPHQL_INTROSPECTION', () => {
    it('is open in development and for agents only in production', () => {
      expect(loadConfig({}).introspection).toBe('everyone');
      expect(loadConfig({ NODE_ENV: 'test' }).introspection).toBe('everyone');
      expect(
        loadConfig({ NODE_ENV: 'production', SONNY_SECRET_KEY: PRODUCTION_KEY }).introspection,
      ).toBe('agents');
    });

    it('overrides NODE_ENV either way', () => {
      expect(
        loadConfig({
          NODE_ENV: 'production',
          SONNY_SECRET_KEY: PRODUCTION_KEY,
          GRAPHQL_INTROSPECTION: 'everyone',
        }).introspection,
      ).toBe('everyone');
      expect(loadConfig({ GRAPHQL_INTROSPECTION: 'agents' }).introspection).toBe('agents');
    });

    it.each(['yes', 'Agents', 'none'])('rejects %j naming the variable', (raw) => {
      expectConfigError({ GRAPHQL_INTROSPECTION: raw }, 'GRAPHQL_INTROSPECTION');
    });
  });
});

describe('SONNY_SECRET_KEY', () => {
  const key = Buffer.alloc(32, 9);

  it('reads 32 bytes in base64 or base64url', () => {
    expect(loadConfig({ SONNY_SECRET_KEY: key.toString('base64') }).secretKey).toEqual(
      new Uint8Array(key),
    );
    expect(loadConfig({ SONNY_SECRET_KEY: key.toString('base64url') }).secretKey).toEqual(
      new Uint8Array(key),
    );
  });

  it('is optional in development: null without it', () => {
    expect(loadConfig({}).secretKey).toBeNull();
    expect(loadConfig({ NODE_ENV: 'development' }).secretKey).toBeNull();
  });

  it('is required when NODE_ENV=production', () => {
    const error = expectConfigError({ NODE_ENV: 'production' }, 'SONNY_SECRET_KEY');
    expect(error.message).toContain('NODE_ENV=production');
    const keyed = { NODE_ENV: 'production', SONNY_SECRET_KEY: key.toString('base64') };
    expect(loadConfig(keyed).secretKey).toEqual(new Uint8Array(key));
  });

  it.each([
    ['16 bytes', Buffer.alloc(16, 1).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 1).toString('base64')],
    ['not base64', 'not a key at all, but long enough to be one!!'],
  ])('refuses %s naming the variable and never repeating the value', (_, raw) => {
    const error = expectConfigError({ SONNY_SECRET_KEY: raw }, 'SONNY_SECRET_KEY');
    expect(error.message).not.toContain(raw);
  });
});

describe('SONNY_DEMO', () => {
  const key = Buffer.alloc(32, 9).toString('base64');

  it('is on by default for the embedded database', () => {
    expect(loadConfig({}).demo).toBe(true);
  });

  it('is off by default with DATABASE_URL or in production', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/sonny' }).demo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', SONNY_SECRET_KEY: key }).demo).toBe(false);
  });

  it.each([
    ['on', true],
    ['true', true],
    ['1', true],
    ['OFF', false],
    ['false', false],
    ['0', false],
  ])('reads %j as %s, whatever the default', (raw, demo) => {
    expect(loadConfig({ SONNY_DEMO: raw }).demo).toBe(demo);
    expect(loadConfig({ SONNY_DEMO: raw, DATABASE_URL: 'postgres://localhost/sonny' }).demo).toBe(
      demo,
    );
  });

  it.each(['maybe', 'constructor'])('refuses %j naming the variable', (raw) => {
    expectConfigError({ SONNY_DEMO: raw }, 'SONNY_DEMO');
  });
});

describe('SONNY_WORKERS', () => {
  const shared = { DATABASE_URL: 'postgres://localhost/sonny', REDIS_URL: 'redis://localhost' };

  it('is one process by default, with or without a database and Redis to share', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig(shared).workers).toBe(1);
    expect(loadConfig({ SONNY_WORKERS: '1' }).workers).toBe(1);
  });

  it(`reads a whole number from 1 to ${MAX_WORKERS} when Postgres and Redis are set`, () => {
    expect(loadConfig({ ...shared, SONNY_WORKERS: ' 4 ' }).workers).toBe(4);
    expect(loadConfig({ ...shared, SONNY_WORKERS: String(MAX_WORKERS) }).workers).toBe(MAX_WORKERS);
  });

  it('reads auto as one worker per CPU Node sees, at most the limit', () => {
    const expected = Math.min(availableParallelism(), MAX_WORKERS);
    expect(loadConfig({ ...shared, SONNY_WORKERS: 'auto' }).workers).toBe(expected);
  });

  it.each(['0', '-1', '2.5', 'two', String(MAX_WORKERS + 1), '1e1'])(
    'refuses %j naming the variable and the value',
    (raw) => {
      const error = expectConfigError({ ...shared, SONNY_WORKERS: raw }, 'SONNY_WORKERS');
      expect(error.message).toContain(raw);
    },
  );

  it('refuses more than one worker on the embedded database, naming DATABASE_URL', () => {
    const error = expectConfigError({ SONNY_WORKERS: '2', REDIS_URL: 'redis://x' }, 'DATABASE_URL');
    expect(error.message).toContain('SONNY_WORKERS=2');
  });

  it('refuses more than one worker without Redis, naming REDIS_URL', () => {
    const env = { SONNY_WORKERS: '3', DATABASE_URL: shared.DATABASE_URL };
    const error = expectConfigError(env, 'REDIS_URL');
    expect(error.message).toContain('SONNY_WORKERS=3');
  });
});

describe('secrets and URLs in configuration errors', () => {
  it('never repeats a malformed DATABASE_URL, which may hold a password', () => {
    const error = expectConfigError(
      { DATABASE_URL: 'postgres://sonny:s3cret@db:99999/sonny' },
      'DATABASE_URL',
    );
    expect(error.message).not.toContain('s3cret');
  });

  it('refuses a PUBLIC_URL with a query', () => {
    expectConfigError({ PUBLIC_URL: 'https://x.com/?next=/' }, 'PUBLIC_URL');
  });

  it('keeps a PUBLIC_URL path prefix without its trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://x.com/chat/' }).publicUrl).toBe('https://x.com/chat');
  });

  it('reads the abuse limits, TRUST_PROXY and SONNY_SECRET_KEY', () => {
    const config = loadConfig({
      RATE_LIMIT_NEW_VISITORS_PER_IP: '5',
      RATE_LIMIT_MESSAGES_PER_IP: '7',
      TRUST_PROXY: '10.0.0.0/8, ::1',
      SONNY_SECRET_KEY: PRODUCTION_KEY,
    });
    expect(config.abuseLimits).toMatchObject({
      enabled: true,
      newVisitorsPerIpPerHour: 5,
      messagesPerIpPerMinute: 7,
      identifiesPerIpPerHour: 300,
      contactsPerWorkspacePerHour: 1000,
    });
    expect(config.trustProxy).toEqual({ kind: 'cidrs', cidrs: ['10.0.0.0/8', '::1'] });
    expect(config.rateLimitKeySecret).toHaveLength(32);
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
    expect(loadConfig({}).rateLimitKeySecret).toBeNull();
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
    expect(loadConfig({ SONNY_RATE_LIMITS: 'off' }).abuseLimits.enabled).toBe(false);
  });

  it('names the variable of a bad abuse limit, TRUST_PROXY or SONNY_SECRET_KEY', () => {
    expectConfigError({ RATE_LIMIT_LOGINS_PER_IP: '0' }, 'RATE_LIMIT_LOGINS_PER_IP');
    expectConfigError(
      { RATE_LIMIT_CONTACTS_PER_WORKSPACE: 'lots' },
      'RATE_LIMIT_CONTACTS_PER_WORKSPACE',
    );
    expectConfigError({ RATE_LIMIT_IDENTIFIES_PER_IP: '1000000' }, 'RATE_LIMIT_IDENTIFIES_PER_IP');
    expectConfigError({ SONNY_RATE_LIMITS: 'no' }, 'SONNY_RATE_LIMITS');
    expectConfigError({ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY');
    expectConfigError({ TRUST_PROXY: 'proxy.local' }, 'TRUST_PROXY');
    const short = expectConfigError({ SONNY_SECRET_KEY: 'short-secret' }, 'SONNY_SECRET_KEY');
    expect(short.message).not.toContain('short-secret');
  });
});
