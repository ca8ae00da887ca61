import type { FastifyRequest } from 'fastify';
import { errors } from './errors.js';

/**
 * Token buckets by key, in memory: each key holds up to `capacity` tokens and regains
 * `perSecond` of them every second. The number of keys is bounded (the least recently used
 * goes first; a forgotten key starts again full), so a flood of distinct keys costs bounded
 * memory.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Whole seconds until `key` has a token again; 0 when it has one now. */
  wait(key: string, now = Date.now()): number {
    return this.secondsUntilToken(this.level(key, now));
  }

  /** Takes a token: 0 when there was one, else the whole seconds until there is (nothing taken). */
  take(key: string, now = Date.now()): number {
    const tokens = this.level(key, now);
    if (tokens < 1) return this.secondsUntilToken(tokens);
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return 0;
  }

  private level(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.capacity;
    return Math.min(this.capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.perSecond);
  }

  private secondsUntilToken(tokens: number): number {
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
  }
}

/**
 * Twilio's per-account request limit: `perSecond` requests a second per account, in bursts of
 * as many; beyond it, 429 20429 with `Retry-After`. Counted per instance (see the README).
 * 0 turns it off.
 */
export function accountLimit(perSecond: number): (accountSid: string) => void {
  if (perSecond === 0) return () => undefined;
  const buckets = new TokenBuckets(perSecond, perSecond);
  return (accountSid) => {
    const wait = buckets.take(accountSid);
    if (wait > 0) throw errors.tooManyRequests(wait);
  };
}

/** Who is asking, for the credential checker: the client address, and whether it has gone. */
export interface ClientContext {
  client: string;
  gone: () => boolean;
}

export function clientOf(request: FastifyRequest): ClientContext {
  return { client: request.ip, gone: () => request.raw.socket?.destroyed ?? true };
}
