import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { DatabaseUnavailableError } from '../store/db.js';
import { isStorageFull } from '../store/storage-full.js';
import { TwilioError, errors } from './errors.js';

/**
 * The single place failures become responses. Client mistakes become Twilio errors; anything
 * unexpected is logged here (without request bodies) and leaves as a bare 20500.
 */
export function registerErrorHandling(app: FastifyInstance, events: { onStorageFull?: () => void } = {}): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const full = isStorageFull(error);
    if (full) events.onStorageFull?.();
    const twilioError = full ? errors.unavailable() : toTwilioError(error);
    if (twilioError.status >= 500) {
      const level = full || error instanceof DatabaseUnavailableError ? 'warn' : 'error';
      // The app's logger, not the request's: that one already carries reqId at info and below.
      app.log[level]({ err: error, reqId: request.id, method: request.method, route: request.routeOptions.url }, 'request failed');
    }
    return sendError(reply, twilioError);
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, errors.notFound(request.url.split('?')[0]!)));
}

/** Headers every answer carries, errors included (set here too: some errors skip onSend). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function sendError(reply: FastifyReply, error: TwilioError): FastifyReply {
  return reply.code(error.status).headers(SECURITY_HEADERS).headers(error.headers).type('application/json; charset=utf-8').send(error.toJSON());
}

function toTwilioError(error: FastifyError): TwilioError {
  if (error instanceof TwilioError) return error;
  if (error instanceof DatabaseUnavailableError) return errors.unavailable();
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errors.bodyTooLarge(1024 * 1024);
  const status = error.statusCode ?? 500;
  // Fastify's own 4xx (bad Content-Length, malformed Content-Type…): a clean 400-class Twilio
  // error; beyond 400, its code follows the 20xxx = HTTP-status pattern (415: 20415).
  if (status >= 400 && status < 500) return new TwilioError(status, status === 400 ? 20001 : 20000 + status, `Invalid request: ${error.message}`);
  return errors.internal();
}
