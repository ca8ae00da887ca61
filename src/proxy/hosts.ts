/**
 * Which targets the proxy serves. It answers only for the Twilio API hosts regcomp implements,
 * and never opens a connection anywhere: every other target gets a refusal that says why, so a
 * misconfigured client fails loudly instead of reaching (or waiting for) the internet.
 */
export const SERVED_HOSTS: readonly string[] = ['numbers.twilio.com', 'numbers-upload.twilio.com'];

export type Verdict = { ok: true; host: string } | { ok: false; status: 400 | 403; reason: string };

const AUTHORITY = /^([A-Za-z0-9.-]+):(\d{1,5})$/;

/** A CONNECT request-target (`host:port`), RFC 9110 §9.3.6. */
export function connectTarget(authority: string): Verdict {
  const match = AUTHORITY.exec(authority);
  if (!match) return refuse(400, `CONNECT needs a host:port target, got ${printable(authority)}`);
  return judge(match[1]!, match[2]!, '443');
}

/** An absolute-form request-target (`http://host/path`), as clients send to an HTTP proxy. */
export function absoluteTarget(target: string): Verdict & { path?: string } {
  if (!/^https?:\/\//i.test(target)) {
    return refuse(400, 'this is the proxy port: send API requests to the API port, or through this proxy with an absolute URL');
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return refuse(400, `not a valid URL: ${printable(target)}`);
  }
  const verdict = judge(url.hostname, url.port || (url.protocol === 'https:' ? '443' : '80'), url.protocol === 'https:' ? '443' : '80');
  return verdict.ok ? { ...verdict, path: url.pathname + url.search } : verdict;
}

function judge(rawHost: string, port: string, wantedPort: string): Verdict {
  const host = rawHost.toLowerCase().replace(/\.$/, '');
  const served = `regcomp serves ${SERVED_HOSTS.join(' and ')}`;
  if (!SERVED_HOSTS.includes(host)) {
    const kind = host.endsWith('.twilio.com') ? 'a Twilio host regcomp does not implement' : 'not a Twilio API host';
    return refuse(403, `${host} is ${kind}; ${served}, and this proxy never tunnels to the internet`);
  }
  if (port !== wantedPort) return refuse(403, `${host} is served on port ${wantedPort} only, not ${port}`);
  return { ok: true, host };
}

function refuse(status: 400 | 403, reason: string): Verdict {
  return { ok: false, status, reason };
}

/** Echoes client input in a reason without letting it inject lines or run long. */
function printable(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
