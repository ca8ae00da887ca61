import path from 'node:path';
import type { ReviewSettings } from './lifecycle/policy.js';
import { REVIEW_POLICIES } from './lifecycle/policy.js';
import fs from 'node:fs';
import { defaultCaDir } from './proxy/ca-dir.js';

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
  /** At most this many bytes of items in one list page; the rest go to the next page. */
  pageMaxBytes: number;
  /** Rendered list pages kept for reuse at most, in bytes (0: none kept); see src/list-cache. */
  listCacheBytes: number;
  /** A kept page unused for this long is dropped. */
  listCacheTtlMs: number;
  /** The largest Supporting Document file an upload may carry. */
  uploadMaxBytes: number;
  /** An upload that sends nothing for this long is cut off (and nothing of it kept). */
  uploadIdleTimeoutMs: number;
  metrics: boolean;
  /** Absolute paths of the operator's catalogue files; read and checked by buildApp. */
  endUserTypesFile: string | undefined;
  supportingDocumentTypesFile: string | undefined;
  regulationsFile: string | undefined;
  /** `open`: any JSON object (within limits), like Twilio; `strict`: checked against the type. */
  attributesValidation: AttributesValidation;
  /** `refuse` (Twilio's error dictionary: 22204) or `allow` (its docs' own sample does it). */
  bundleStatusWithProperties: 'refuse' | 'allow';
  /** Where Bundle Clones may go: `any` account of this store, or `none` (no other account). */
  cloneTargets: 'any' | 'none';
  /** The store's review policy and delays; accounts and bundles may override (control API). */
  review: ReviewSettings;
  /** How often an instance looks for due review steps and callbacks. */
  backgroundTickMs: number;
  /** How often an instance re-reads which accounts have fault rules (changes made elsewhere). */
  faultsRefreshMs: number;
  callbacks: CallbackConfig;
  /** A whole request (headers and body) must arrive within this, else 408 and the socket closes. */
  requestTimeoutMs: number;
  /** The request's headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** Open connections at most; more are dropped as they arrive (and logged). */
  maxConnections: number;
  /** Requests per second per account (a token bucket holding as many); 0: no limit. */
  accountRateLimit: number;
  /** Reads (GET) of one account in flight at once, until written out; 0: no limit. */
  accountConcurrentReads: number;
  /** Failed authentications per minute per client address and per username (burst as many). */
  authFailureLimit: number;
  /** Credential checks (scrypt) waiting or running at most; beyond it, 429. */
  authQueueLimit: number;
  /** Origins a browser app may call from (`*`: any; empty: no CORS), see src/cors.ts. */
  corsOrigins: readonly string[];
  /** The proxy port (README: "Real clients through the proxy"); undefined: no proxy. */
  proxyPort: number | undefined;
  /** Where the proxy's local CA is kept (made there on first use). */
  proxyCaDir: string;
  /** Seeded SIDs and a clock moved by hand (README: "Deterministic runs"); undefined: off. */
  deterministic: DeterministicConfig | undefined;
}

export interface DeterministicConfig {
  /** Secret-ish: SIDs, the first account's token and the page-token key derive from it. */
  seed: string;
  /** Where the clock of a fresh store starts (ms since the epoch). */
  startMs: number;
}

export interface CallbackConfig {
  method: 'POST' | 'GET';
  onSubmit: boolean;
  onInReview: boolean;
  timeoutMs: number;
  maxAttempts: number;
  /** Host patterns callbacks may go to (`*` any; `*.example.com`; `127.0.0.1:8080`). */
  allowedHosts: readonly string[];
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
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not be above REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  const databaseUrl = optional(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  return {
    host: optional(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    publicBaseUrl: publicBaseUrl?.replace(/\/$/, ''),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    bootstrapAccountSid: sid,
    bootstrapAuthToken: token,
    credentialCacheMs: integer(env, 'CREDENTIAL_CACHE_MS', 2000, 0, 5000),
    pgPoolSize: integer(env, 'PG_POOL_SIZE', 10, 1, 1000),
    pgStatementTimeoutMs: integer(env, 'PG_STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
    bodyLimitBytes: 1024 * 1024,
    pageMaxBytes: integer(env, 'LIST_PAGE_MAX_BYTES', 4 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
    listCacheBytes: integer(env, 'LIST_CACHE_BYTES', 4 * 1024 * 1024, 0, 1024 * 1024 * 1024),
    listCacheTtlMs: integer(env, 'LIST_CACHE_TTL_MS', 60_000, 1000, 3_600_000),
    uploadMaxBytes: integer(env, 'UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    uploadIdleTimeoutMs: integer(env, 'UPLOAD_IDLE_TIMEOUT_MS', 30_000, 100, 600_000),
    metrics: boolean(env, 'METRICS', true),
    endUserTypesFile: file(env, 'END_USER_TYPES_FILE'),
    supportingDocumentTypesFile: file(env, 'SUPPORTING_DOCUMENT_TYPES_FILE'),
    regulationsFile: file(env, 'REGULATIONS_FILE'),
    attributesValidation: oneOf(env, 'ATTRIBUTES_VALIDATION', 'open', ATTRIBUTES_VALIDATION_MODES),
    bundleStatusWithProperties: oneOf(env, 'BUNDLE_STATUS_WITH_PROPERTIES', 'refuse', ['refuse', 'allow'] as const),
    cloneTargets: oneOf(env, 'CLONE_TARGETS', 'any', ['any', 'none'] as const),
    review: {
      policy: oneOf(env, 'REVIEW_POLICY', 'evaluate', REVIEW_POLICIES),
      inReviewAfterMs: integer(env, 'REVIEW_IN_REVIEW_AFTER_MS', 1000, 0, 30 * 86_400_000),
      decisionAfterMs: integer(env, 'REVIEW_DECISION_AFTER_MS', 2000, 0, 30 * 86_400_000),
    },
    backgroundTickMs: integer(env, 'BACKGROUND_TICK_MS', 250, 10, 60_000),
    faultsRefreshMs: integer(env, 'FAULTS_REFRESH_MS', 1000, 10, 60_000),
    callbacks: {
      method: oneOf(env, 'CALLBACK_METHOD', 'POST', ['POST', 'GET'] as const),
      onSubmit: boolean(env, 'CALLBACK_ON_SUBMIT', true),
      onInReview: boolean(env, 'CALLBACK_ON_IN_REVIEW', false),
      timeoutMs: integer(env, 'CALLBACK_TIMEOUT_MS', 5000, 100, 60_000),
      maxAttempts: integer(env, 'CALLBACK_MAX_ATTEMPTS', 10, 1, 100),
      allowedHosts: (optional(env, 'CALLBACK_ALLOWED_HOSTS') ?? '*').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    },
    requestTimeoutMs,
    headersTimeoutMs,
    maxConnections: integer(env, 'MAX_CONNECTIONS', defaultMaxConnections(), 1, 1_000_000),
    accountRateLimit: integer(env, 'ACCOUNT_RATE_LIMIT', 1000, 0, 1_000_000),
    accountConcurrentReads: integer(env, 'ACCOUNT_CONCURRENT_READS', 32, 0, 100_000),
    authFailureLimit: integer(env, 'AUTH_FAILURE_LIMIT', 100, 1, 1_000_000),
    authQueueLimit: integer(env, 'AUTH_QUEUE_LIMIT', 64, 1, 100_000),
    corsOrigins: corsOrigins(optional(env, 'CORS_ORIGINS') ?? '*'),
    proxyPort: optional(env, 'PROXY_PORT') === undefined ? undefined : integer(env, 'PROXY_PORT', 0, 0, 65535),
    proxyCaDir: file(env, 'PROXY_CA_DIR') ?? defaultCaDir(databaseUrl),
    deterministic: deterministic(env),
  };
}

export const DEFAULT_DETERMINISTIC_START = '2026-01-01T00:00:00Z';

/** Only an explicit DETERMINISTIC_SEED turns it on; DETERMINISTIC_START alone is a mistake. */
function deterministic(env: Env): DeterministicConfig | undefined {
  const seed = optional(env, 'DETERMINISTIC_SEED');
  const start = optional(env, 'DETERMINISTIC_START');
  if (seed === undefined) {
    if (start !== undefined) throw new ConfigError('DETERMINISTIC_START needs DETERMINISTIC_SEED (deterministic mode is off without a seed)');
    return undefined;
  }
  if (seed.length > 256) throw new ConfigError('DETERMINISTIC_SEED must be at most 256 characters');
  const text = start ?? DEFAULT_DETERMINISTIC_START;
  const startMs = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(startMs)) {
    throw new ConfigError(`DETERMINISTIC_START must be an ISO date-time such as ${DEFAULT_DETERMINISTIC_START}, got ${text}`);
  }
  return { seed, startMs };
}

/** `*`, `none`, or a comma-separated list of origins (scheme://host[:port], no path). */
function corsOrigins(raw: string): readonly string[] {
  if (raw.trim() === 'none') return [];
  const origins = raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/?#\s]+$/.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS must be *, none or origins like https://app.example.com, got ${origin}`);
    }
  }
  return origins;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function file(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  return value === undefined ? undefined : path.resolve(value);
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
