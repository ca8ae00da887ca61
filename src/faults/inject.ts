import type { FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendError } from '../twilio/error-handler.js';
import { pathOf } from '../twilio/reply.js';
import type { FaultedAccounts } from './cache.js';
import type { FaultRule } from './rule.js';
import { errorOf, matches } from './rule.js';
import type { FaultStore } from './store.js';

/** Names the rule in every faulted answer, so a client's logs tell injected failures from real ones. */
export const FAULT_HEADER = 'X-Regcomp-Fault';

/**
 * The onRequest hook of the `/v2` scope (after authentication): finds the first rule of the
 * account that matches the request, wins its roll and is claimed, and applies it. `shutdown`
 * cuts injected delays short so that a closing server does not wait them out.
 */
export function faultInjector(store: FaultStore, faulted: FaultedAccounts, shutdown: AbortSignal) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!faulted.has(request.accountSid)) return undefined;
    const rule = await claimFirst(store, request);
    if (!rule) return undefined;
    reply.header(FAULT_HEADER, rule.sid);
    if (rule.latency_ms > 0) await delay(rule.latency_ms, request, shutdown);
    // The server began closing while this request waited: once answered, its keep-alive
    // connection must not hold the close up.
    if (shutdown.aborted) reply.header('Connection', 'close');
    if (rule.type === 'drop') return drop(request, reply);
    const error = errorOf(rule);
    return error ? sendError(reply, error) : undefined;
  };
}

async function claimFirst(store: FaultStore, request: FastifyRequest): Promise<FaultRule | undefined> {
  const path = pathOf(request);
  for (const rule of await store.liveRules(request.accountSid)) {
    if (!matches(rule, request.method, path)) continue;
    if (rule.probability < 1 && Math.random() >= rule.probability) continue;
    if (await store.claim(rule)) return rule;
  }
  return undefined;
}

/** Waits, unless the client hangs up or the server shuts down first. */
async function delay(ms: number, request: FastifyRequest, shutdown: AbortSignal): Promise<void> {
  // The socket's close, not the request's: that one comes as soon as the request is read.
  const socket = request.raw.socket;
  const gone = new AbortController();
  const onClose = () => gone.abort();
  socket.once('close', onClose);
  try {
    await sleep(ms, undefined, { signal: AbortSignal.any([gone.signal, shutdown]) });
  } catch {
    // Cut short: carry on with the rule (a dropped or answered request either way).
  } finally {
    socket.off('close', onClose);
  }
}

/** No answer at all: the socket is destroyed, and Fastify is told the reply is taken care of. */
function drop(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  request.raw.socket.destroy();
  return reply;
}
