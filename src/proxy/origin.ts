import type { IncomingMessage } from 'node:http';

/**
 * The origin a proxied request was addressed to (`https://numbers.twilio.com`), kept beside the
 * request object rather than in a header, so no client can claim it on the normal port.
 */
const origins = new WeakMap<IncomingMessage, string>();

export function markProxied(request: IncomingMessage, host: string): void {
  // The real service emits https URLs whatever the scheme a client used to reach it.
  origins.set(request, `https://${host}`);
}

export function proxiedOrigin(request: IncomingMessage): string | undefined {
  return origins.get(request);
}
