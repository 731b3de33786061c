import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ABUSE_LIMIT_DEFAULTS, type AbuseLimitSettings } from './access/rate-limit.ts';

/** Everything the server reads from its environment, read once and frozen. */
export interface Config {
  /** TCP port for HTTP and WebSocket traffic. `0` picks a free port (tests). Default 4000. */
  readonly port: number;
  /** Interface to listen on. Default `0.0.0.0`. */
  readonly host: string;
  /** Real Postgres when set; otherwise the embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | null;
  /**
   * PGlite data directory, used only without `databaseUrl`. Default `./.sonny`.
   * `memory://` keeps the database in memory (tests, throwaway demos).
   */
  readonly dataDir: string;
  /** Redis for pub/sub fan-out across server instances; in-process when unset. */
  readonly redisUrl: string | null;
  /** Origin printed in URLs for humans, e.g. `http://localhost:4000`. Derived from the port when unset. */
  readonly publicUrl: string | null;
  /** Postgres only: how many connections the server keeps at most. Default 10. */
  readonly databasePoolSize: number;
  /**
   * Postgres only: how long the server waits at start for Postgres to accept a connection,
   * retrying with backoff, before it exits. Default 30 s.
   */
  readonly databaseConnectTimeoutMs: number;
  /**
   * Postgres only: how long an operation waits for a connection (a free one from the pool, or a
   * new one) before it fails with SERVICE_UNAVAILABLE. Default 5 s.
   */
  readonly databaseAcquireTimeoutMs: number;
  /** Postgres only: the `statement_timeout` of every server connection. Default 30 s. */
  readonly databaseStatementTimeoutMs: number;
  /**
   * What `npm run build` made: `widget.js` and `inbox/`, served as they are (the server never
   * builds). Default `dist/` of this checkout, wherever the server is started from.
   */
  readonly distDir: string;
  /**
   * Who may introspect the schema and open GraphiQL (`GRAPHQL_INTROSPECTION`): `everyone`, or
   * `agents` (agents and API keys; no GraphiQL). Default `agents` when `NODE_ENV=production`,
   * else `everyone`.
   */
  readonly introspection: Introspection;
  /**
   * How long a shutdown (SIGTERM, SIGINT) waits for operations in flight before it closes
   * what is left, in milliseconds. From `SHUTDOWN_TIMEOUT`, in seconds; default 10 s.
   */
  readonly shutdownTimeoutMs: number;
  /**
   * The per-address and per-workspace limits (`RATE_LIMIT_*`; `SONNY_RATE_LIMITS=off` turns
   * them off, for load tests from one address). docs/security.md#limits lists them.
   */
  readonly abuseLimits: AbuseLimitSettings;
  /** Whose `X-Forwarded-For` to believe (`TRUST_PROXY`). Default: nobody's. */
  readonly trustProxy: TrustProxy;
  /**
   * The secret rate-limit keys are HMACed under, derived from `SONNY_SECRET_KEY`; null when
   * unset (a random one per process: set it when instances share a Redis).
   */
  readonly rateLimitKeySecret: Uint8Array | null;
  /**
   * The least severe log line written: `fatal`, `error`, `warn`, `info` (default), `debug`,
   * `trace`, or `silent` for none. From `LOG_LEVEL`.
   */
  readonly logLevel: LogLevel;
  /**
   * The bearer token `GET /metrics` requires on the main port. Null when unset: then /metrics
   * is served only on `metricsPort`, or not at all. From `METRICS_TOKEN`, 16 characters or more.
   */
  readonly metricsToken: string | null;
  /**
   * A second port that serves `/metrics` only, for scrapers on a private network; null when
   * unset. `0` picks a free port (tests). From `METRICS_PORT`.
   */
  readonly metricsPort: number | null;
  /**
   * `SONNY_SECRET_KEY`: 32 random bytes (given in base64) that encrypt identity secrets at rest
   * and from which {@link rateLimitKeySecret} derives. Required when `NODE_ENV=production`;
   * without it (in development) identity secrets are stored in clear.
   */
  readonly secretKey: Uint8Array | null;
  /**
   * `SONNY_DEMO`: the demo workspace, its page at `/`, its token endpoint and the printed demo
   * login. Default on for the embedded database, off with `DATABASE_URL` or in production.
   */
  readonly demo: boolean;
  /**
   * `SONNY_WORKERS`: how many processes serve the port (node:cluster). Default 1: one process,
   * no cluster. More than one needs `DATABASE_URL` (the embedded database belongs to one
   * process) and `REDIS_URL` (the workers hand each other live events through it); `auto` is
   * one per CPU Node sees (`os.availableParallelism()`), at most {@link MAX_WORKERS}.
   */
  readonly workers: number;
}

/**
 * Which proxies' `X-Forwarded-For` the server believes to find a client's address: none (the
 * socket's peer is the client), the last `hops` proxies in front of the server, or any proxy
 * whose address is in one of `cidrs`.
 */
export type TrustProxy =
  | { readonly kind: 'none' }
  | { readonly kind: 'hops'; readonly hops: number }
  | { readonly kind: 'cidrs'; readonly cidrs: readonly string[] };

/** Who may read the schema through the API; see {@link Config.introspection}. */
export type Introspection = 'everyone' | 'agents';

/** The log levels `LOG_LEVEL` accepts, most severe first; `silent` writes nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/** A shorter METRICS_TOKEN is too easy to guess. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

/** The database settings' defaults, for callers that build a partial configuration. */
export const DATABASE_DEFAULTS = Object.freeze({
  databasePoolSize: 10,
  databaseConnectTimeoutMs: 30_000,
  databaseAcquireTimeoutMs: 5_000,
  databaseStatementTimeoutMs: 30_000,
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Environment = Record<string, string | undefined>;

/** Reads the configuration; throws a {@link ConfigError} naming the variable that is wrong. */
export function loadConfig(env: Environment = process.env): Config {
  const production = nonEmpty(env.NODE_ENV) === 'production';
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const secretKey = readSecretKey(env, production);
  const redisUrl = readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
  return Object.freeze({
    port: readPort(env),
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    databaseUrl,
    dataDir: readDataDir(env),
    redisUrl,
    publicUrl: readPublicUrl(env),
    databasePoolSize: readPoolSize(env),
    databaseConnectTimeoutMs: readSeconds(
      env,
      'DATABASE_CONNECT_TIMEOUT',
      DATABASE_DEFAULTS.databaseConnectTimeoutMs,
    ),
    databaseAcquireTimeoutMs: readSeconds(
      env,
      'DATABASE_ACQUIRE_TIMEOUT',
      DATABASE_DEFAULTS.databaseAcquireTimeoutMs,
    ),
    databaseStatementTimeoutMs: readSeconds(
      env,
      'DATABASE_STATEMENT_TIMEOUT',
      DATABASE_DEFAULTS.databaseStatementTimeoutMs,
    ),
    distDir: readDistDir(env),
    introspection: readIntrospection(env),
    shutdownTimeoutMs: readShutdownTimeoutMs(env),
    abuseLimits: readAbuseLimits(env),
    trustProxy: readTrustProxy(env),
    rateLimitKeySecret: secretKey === null ? null : rateLimitKeySecretOf(secretKey),
    logLevel: readLogLevel(env),
    metricsToken: readMetricsToken(env),
    metricsPort: readMetricsPort(env),
    secretKey,
    demo: readSwitch(env, 'SONNY_DEMO', databaseUrl === null && !production),
    workers: readWorkers(env, databaseUrl, redisUrl),
  });
}

/** The most processes SONNY_WORKERS may ask for; each keeps its own database pool. */
export const MAX_WORKERS = 64;

function readWorkers(
  env: Environment,
  databaseUrl: string | null,
  redisUrl: string | null,
): number {
  const raw = nonEmpty(env.SONNY_WORKERS);
  if (raw === null) return 1;
  let workers: number;
  if (raw === 'auto') {
    workers = Math.min(availableParallelism(), MAX_WORKERS);
  } else {
    workers = Number(raw);
    if (!/^\d+$/.test(raw) || workers < 1 || workers > MAX_WORKERS) {
      throw new ConfigError(
        `SONNY_WORKERS must be a whole number from 1 to ${MAX_WORKERS}, or "auto", got "${raw}"`,
      );
    }
  }
  if (workers === 1) return workers;
  const asked =
    raw === 'auto' ? `SONNY_WORKERS=auto (${workers} here)` : `SONNY_WORKERS=${workers}`;
  if (databaseUrl === null) {
    throw new ConfigError(
      `${asked} needs DATABASE_URL: the embedded database belongs to one process. Set DATABASE_URL to a Postgres, or SONNY_WORKERS=1.`,
    );
  }
  if (redisUrl === null) {
    throw new ConfigError(
      `${asked} needs REDIS_URL: the workers hand each other live events through Redis. Set REDIS_URL, or SONNY_WORKERS=1.`,
    );
  }
  return workers;
}

function readIntrospection(env: Environment): Introspection {
  const raw = nonEmpty(env.GRAPHQL_INTROSPECTION);
  if (raw === null) return env.NODE_ENV === 'production' ? 'agents' : 'everyone';
  if (raw !== 'everyone' && raw !== 'agents') {
    throw new ConfigError(`GRAPHQL_INTROSPECTION must be "everyone" or "agents", got "${raw}"`);
  }
  return raw;
}

/** The length of `SONNY_SECRET_KEY`: an AES-256 key. */
export const SECRET_KEY_BYTES = 32;

function readSecretKey(env: Environment, production: boolean): Uint8Array | null {
  const raw = nonEmpty(env.SONNY_SECRET_KEY);
  if (raw === null) {
    if (production) {
      throw new ConfigError(
        'SONNY_SECRET_KEY is required when NODE_ENV=production: set it to 32 random bytes in base64, e.g. the output of `openssl rand -base64 32`.',
      );
    }
    return null;
  }
  // Base64 or base64url. The value is a secret: never repeat it.
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64') : null;
  if (key === null || key.length !== SECRET_KEY_BYTES) {
    throw new ConfigError(
      `SONNY_SECRET_KEY must be ${SECRET_KEY_BYTES} bytes in base64 (44 characters), e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  return new Uint8Array(key);
}

const SWITCH_VALUES = new Map([
  ['on', true],
  ['true', true],
  ['1', true],
  ['yes', true],
  ['off', false],
  ['false', false],
  ['0', false],
  ['no', false],
]);

function readSwitch(env: Environment, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name]);
  if (raw === null) return fallback;
  const value = SWITCH_VALUES.get(raw.toLowerCase());
  if (value === undefined) {
    throw new ConfigError(`${name} must be on or off (or true/false, 1/0), got "${raw}"`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** The PGlite data directory that keeps everything in memory. */
export const IN_MEMORY_DATA_DIR = 'memory://';

function readDataDir(env: Environment): string {
  const raw = nonEmpty(env.SONNY_DATA_DIR) ?? '.sonny';
  return raw === IN_MEMORY_DATA_DIR ? raw : path.resolve(raw);
}

/** `dist/` beside `server/`, where `npm run build` writes. */
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url));

function readDistDir(env: Environment): string {
  const raw = nonEmpty(env.SONNY_DIST_DIR);
  return raw === null ? DEFAULT_DIST_DIR : path.resolve(raw);
}

function readPort(env: Environment): number {
  return readPortNumber(env, 'PORT') ?? 4000;
}

function readPortNumber(env: Environment, name: string): number | null {
  const raw = nonEmpty(env[name]);
  if (raw === null) return null;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new ConfigError(`${name} must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function readMetricsPort(env: Environment): number | null {
  const port = readPortNumber(env, 'METRICS_PORT');
  if (port !== null && port !== 0 && port === readPort(env)) {
    throw new ConfigError(`METRICS_PORT must differ from PORT (${port}).`);
  }
  return port;
}

function readMetricsToken(env: Environment): string | null {
  const token = nonEmpty(env.METRICS_TOKEN);
  if (token === null) return null;
  // The token is never repeated in the message: it is a secret.
  if (token.length < MIN_METRICS_TOKEN_LENGTH) {
    throw new ConfigError(
      `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters long.`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN must be printable ASCII without spaces.');
  }
  return token;
}

function readLogLevel(env: Environment): LogLevel {
  const raw = nonEmpty(env.LOG_LEVEL);
  if (raw === null) return 'info';
  const level = LOG_LEVELS.find((known) => known === raw.toLowerCase());
  if (level === undefined) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return level;
}

/** The largest pool a server may ask for: Postgres's own default `max_connections` is 100. */
const MAX_POOL_SIZE = 1000;

function readPoolSize(env: Environment): number {
  const raw = nonEmpty(env.DATABASE_POOL_SIZE);
  if (raw === null) return DATABASE_DEFAULTS.databasePoolSize;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || size < 1 || size > MAX_POOL_SIZE) {
    throw new ConfigError(
      `DATABASE_POOL_SIZE must be a whole number from 1 to ${MAX_POOL_SIZE}, got "${raw}"`,
    );
  }
  return size;
}

/** The longest any database timeout may be: a day, far beyond any sensible value. */
const MAX_TIMEOUT_SECONDS = 86_400;

/** A duration given in seconds (decimals allowed, e.g. `0.5`), returned in milliseconds. */
function readSeconds(env: Environment, name: string, defaultMs: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === null) return defaultMs;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new ConfigError(
      `${name} must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, got "${raw}"`,
    );
  }
  return Math.ceil(seconds * 1000);
}

/** The longest SHUTDOWN_TIMEOUT, in seconds: an orchestrator kills long before an hour. */
const MAX_SHUTDOWN_TIMEOUT_S = 3600;

function readShutdownTimeoutMs(env: Environment): number {
  const raw = nonEmpty(env.SHUTDOWN_TIMEOUT);
  if (raw === null) return 10_000;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || seconds > MAX_SHUTDOWN_TIMEOUT_S) {
    throw new ConfigError(
      `SHUTDOWN_TIMEOUT must be a number of seconds from 0 to ${MAX_SHUTDOWN_TIMEOUT_S}, got "${raw}"`,
    );
  }
  return Math.round(seconds * 1000);
}

/** The origin and path prefix of PUBLIC_URL, without a trailing slash. */
function readPublicUrl(env: Environment): string | null {
  const raw = readUrl(env, 'PUBLIC_URL', ['http:', 'https:']);
  if (raw === null) return null;
  const url = new URL(raw);
  if (url.search || url.hash)
    throw new ConfigError('PUBLIC_URL must not have a query or fragment.');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function readUrl(env: Environment, name: string, protocols: string[]): string | null {
  const raw = nonEmpty(env[name]);
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The value may hold a password: never repeat it.
    throw new ConfigError(`${name} is not a valid URL.`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(
      `${name} must start with ${protocols.join(' or ')}//, got "${url.protocol}"`,
    );
  }
  return raw;
}

/** The largest any `RATE_LIMIT_*` may be: an in-memory limit keeps every attempt in its window. */
const MAX_RATE_LIMIT = 100_000;

function readAbuseLimits(env: Environment): AbuseLimitSettings {
  const switchValue = nonEmpty(env.SONNY_RATE_LIMITS);
  if (switchValue !== null && switchValue !== 'on' && switchValue !== 'off') {
    throw new ConfigError(`SONNY_RATE_LIMITS must be "on" or "off", got "${switchValue}"`);
  }
  const read = (name: string, fallback: number): number => {
    const raw = nonEmpty(env[name]);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < 1 || value > MAX_RATE_LIMIT) {
      throw new ConfigError(
        `${name} must be a whole number from 1 to ${MAX_RATE_LIMIT}, got "${raw}"`,
      );
    }
    return value;
  };
  const defaults = ABUSE_LIMIT_DEFAULTS;
  return Object.freeze({
    enabled: switchValue !== 'off',
    newVisitorsPerIpPerHour: read(
      'RATE_LIMIT_NEW_VISITORS_PER_IP',
      defaults.newVisitorsPerIpPerHour,
    ),
    identifiesPerIpPerHour: read('RATE_LIMIT_IDENTIFIES_PER_IP', defaults.identifiesPerIpPerHour),
    loginsPerIpPerHour: read('RATE_LIMIT_LOGINS_PER_IP', defaults.loginsPerIpPerHour),
    messagesPerIpPerMinute: read('RATE_LIMIT_MESSAGES_PER_IP', defaults.messagesPerIpPerMinute),
    contactsPerWorkspacePerHour: read(
      'RATE_LIMIT_CONTACTS_PER_WORKSPACE',
      defaults.contactsPerWorkspacePerHour,
    ),
  });
}

function readTrustProxy(env: Environment): TrustProxy {
  const raw = nonEmpty(env.TRUST_PROXY);
  if (raw === null || raw === '0') return { kind: 'none' };
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError(`TRUST_PROXY hops must be at most 10, got "${raw}"`);
    return { kind: 'hops', hops };
  }
  const cidrs = raw.split(',').map((entry) => entry.trim());
  for (const cidr of cidrs) {
    const [address = '', prefix, extra] = cidr.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    const validPrefix =
      prefix === undefined || (/^\d+$/.test(prefix) && bits <= (family === 6 ? 128 : 32));
    if (family === 0 || !validPrefix || extra !== undefined) {
      throw new ConfigError(
        `TRUST_PROXY must be a number of proxy hops or a comma-separated list of addresses and CIDRs, got "${cidr}"`,
      );
    }
  }
  return { kind: 'cidrs', cidrs: Object.freeze(cidrs) };
}

/** The rate-limit keys' own secret, derived from SONNY_SECRET_KEY. */
function rateLimitKeySecretOf(secretKey: Uint8Array): Uint8Array {
  // Its own key for this use, so a rate-limit key reveals nothing usable elsewhere.
  return createHmac('sha256', secretKey).update('sonny rate-limit keys').digest();
}
