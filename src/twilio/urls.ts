import type { FastifyRequest } from 'fastify';
import { proxiedOrigin } from '../proxy/origin.js';

/** Where every Twilio resource lives, on whichever host. */
export const API_PREFIX = '/v2/RegulatoryCompliance';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The origin every emitted URL uses. The SDK follows `next_page_url` verbatim and keeps the
 * host it is given, so URLs are absolute: the configured public origin, else the request's
 * own scheme and Host (when the Host header is a plain host name; else the socket's address).
 */
export function originOf(request: FastifyRequest, publicBaseUrl: string | undefined): string {
  // Through the proxy port, the Twilio host the client asked for: its paging stays on it.
  const proxied = proxiedOrigin(request.raw);
  if (proxied) return proxied;
  if (publicBaseUrl) return publicBaseUrl;
  const host = HOST.test(request.host) ? request.host : `${request.socket.localAddress}:${request.socket.localPort}`;
  return `${request.protocol}://${host}`;
}
