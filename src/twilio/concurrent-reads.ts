import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from './errors.js';

/**
 * At most `limit` reads (GET, HEAD) of one account in flight at once, counted from routing
 * until the response has been written out or its connection closed: a client that asks for
 * list pages (up to LIST_PAGE_MAX_BYTES each) or downloads and does not read them holds its
 * slots, so it pins at most `limit` responses' memory, never more, and other accounts are not
 * slowed by it. Beyond: 429 20429 with `Retry-After: 1`. Per instance, like the rate limit.
 * 0 turns it off.
 */
export function concurrentReadLimit(limit: number): (accountSid: string, request: FastifyRequest, reply: FastifyReply) => void {
  if (limit === 0) return () => undefined;
  const inFlight = new Map<string, number>();
  return (accountSid, request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const count = inFlight.get(accountSid) ?? 0;
    if (count >= limit) throw errors.tooManyRequests(1);
    inFlight.set(accountSid, count + 1);
    // 'close' comes once, whether the response was written out or its connection was lost.
    reply.raw.once('close', () => {
      const left = (inFlight.get(accountSid) ?? 1) - 1;
      if (left > 0) inFlight.set(accountSid, left);
      else inFlight.delete(accountSid);
    });
  };
}
