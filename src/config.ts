import path from 'node:path';
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
  metrics: boolean;
  /** Absolute paths of the operator's catalogue files; read and checked by buildApp. */
  endUserTypesFile: string | undefined;
  supportingDocumentTypesFile: string | undefined;
  regulationsFile: string | undefined;
  /** `open`: any JSON object (within limits), like Twilio; `strict`: checked against the type. */
  attributesValidation: AttributesValidation;
  /** The proxy port (README: "Real clients through the proxy"); undefined: no proxy. */
  proxyPort: number | undefined;
  /** Where the proxy's local CA is kept (made there on first use). */
  proxyCaDir: string;
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
    metrics: boolean(env, 'METRICS', true),
    endUserTypesFile: file(env, 'END_USER_TYPES_FILE'),
    supportingDocumentTypesFile: file(env, 'SUPPORTING_DOCUMENT_TYPES_FILE'),
    regulationsFile: file(env, 'REGULATIONS_FILE'),
    attributesValidation: oneOf(env, 'ATTRIBUTES_VALIDATION', 'open', ATTRIBUTES_VALIDATION_MODES),
    proxyPort: optional(env, 'PROXY_PORT') === undefined ? undefined : integer(env, 'PROXY_PORT', 0, 0, 65535),
    proxyCaDir: file(env, 'PROXY_CA_DIR') ?? defaultCaDir(databaseUrl),
  };
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
