import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TwilioError } from './errors.js';
import { errors } from './errors.js';
import { isSid } from './sid.js';

/** Sends a JSON text that is already serialised (views build JSON strings, not objects). */
export function sendJson(reply: FastifyReply, status: number, json: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(json);
}

/** The request's path, without its query string: what Twilio's 404 message names. */
export function pathOf(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export function notFound(request: FastifyRequest): TwilioError {
  return errors.notFound(pathOf(request));
}

/** A SID path parameter, or Twilio's 404 when it cannot name a resource of that prefix. */
export function sidParam(request: FastifyRequest, prefix: string, name = 'sid'): string {
  const value = (request.params as Record<string, string | undefined>)[name];
  if (value === undefined || !isSid(value, prefix)) throw notFound(request);
  return value;
}
