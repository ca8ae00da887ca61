import path from 'node:path';
import fs from 'node:fs';

/** Environment -> validated, typed configuration. A bad value stops start-up with a clear message. */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  publicBaseUrl: string | undefined;
  trustProxy: boolean;
  logLevel: string;
  bootstrapAccountSid: string | undefined;
  bootstrapAuthToken: string | undefined;
  credentialCacheMs: number;
  pgPoolSize: number;
  /** PostgreSQL statement_timeout for request queries; the client gives up 2 s after it. */
  pgStatementTimeoutMs: number;
  bodyLimitBytes: number;
  metrics: boolean;
  /** Absolute path of the operator's End-User Types catalogue; read and checked by buildApp. */
  endUserTypesFile: string | undefined;
  /** `open`: any JSON object (within limits), like Twilio; `strict`: checked against the type. */
  attributesValidation: AttributesValidation;
  /** A whole request (headers and body) must arrive within this, else 408 and the socket closes. */
  requestTimeoutMs: number;
  /** The request's headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** Open connections at most; more are dropped as they arrive (and logged). */
  maxConnections: number;
  /** Requests per second per account (a token bucket holding as many); 0: no limit. */
  accountRateLimit: number;
  /** Failed authentications per minute per client address and per username (burst as many). */
  authFailureLimit: number;
  /** Credential checks (scrypt) waiting or running at most; beyond it, 429. */
  authQueueLimit: number;
}

export const ATTRIBUTES_VALIDATION_MODES = ['open', 'strict'] as const;
export type AttributesValidation = (typeof ATTRIBUTES_VALIDATION_MODES)[number];

export class ConfigError extends Error {}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/regcomp.sqlite';

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const publicBaseUrl = optional(env, 'PUBLIC_BASE_URL');
  if (publicBaseUrl !== undefined && !/^https?:\/\/[^/?#]+$/.test(publicBaseUrl.replace(/\/$/, ''))) {
    throw new ConfigError(`PUBLIC_BASE_URL must be an origin like https://regcomp.example.com, got ${publicBaseUrl}`);
  }
  const sid = optional(env, 'TWILIO_ACCOUNT_SID');
  const token = optional(env, 'TWILIO_AUTH_TOKEN');
  if ((sid === undefined) !== (token === undefined)) {
    throw new ConfigError('set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither');
  }
  const endUserTypesFile = optional(env, 'END_USER_TYPES_FILE');
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not be above REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  return {
    host: optional(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl: optional(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL,
    publicBaseUrl: publicBaseUrl?.replace(/\/$/, ''),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    bootstrapAccountSid: sid,
    bootstrapAuthToken: token,
    credentialCacheMs: integer(env, 'CREDENTIAL_CACHE_MS', 2000, 0, 5000),
    pgPoolSize: integer(env, 'PG_POOL_SIZE', 10, 1, 1000),
    pgStatementTimeoutMs: integer(env, 'PG_STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
    bodyLimitBytes: 1024 * 1024,
    metrics: boolean(env, 'METRICS', true),
    endUserTypesFile: endUserTypesFile === undefined ? undefined : path.resolve(endUserTypesFile),
    attributesValidation: oneOf(env, 'ATTRIBUTES_VALIDATION', 'open', ATTRIBUTES_VALIDATION_MODES),
    requestTimeoutMs,
    headersTimeoutMs,
    maxConnections: integer(env, 'MAX_CONNECTIONS', defaultMaxConnections(), 1, 1_000_000),
    accountRateLimit: integer(env, 'ACCOUNT_RATE_LIMIT', 1000, 0, 1_000_000),
    authFailureLimit: integer(env, 'AUTH_FAILURE_LIMIT', 100, 1, 1_000_000),
    authQueueLimit: integer(env, 'AUTH_QUEUE_LIMIT', 64, 1, 100_000),
  };
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${raw}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${raw}`);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = optional(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got ${raw}`);
  }
  return raw as T;
}

/**
 * The default for MAX_CONNECTIONS: the process's soft limit on open files, less room for the
 * database, log and other descriptors; 10 000 where the limit cannot be read.
 */
export function defaultMaxConnections(): number {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === undefined || soft === 'unlimited') return 10_000;
    return Math.max(16, Number(soft) - 100);
  } catch {
    return 10_000;
  }
}
