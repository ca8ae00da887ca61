/**
 * CALLBACK_ALLOWED_HOSTS: where status callbacks may go, so that a shared deployment cannot be
 * made to call (scan) hosts of its own network. Patterns: `*` (any host), `host`, `host:port`,
 * `*.domain` (any subdomain). Checked when a StatusCallback is set and again before each call.
 */
export function callbackHostAllowed(patterns: readonly string[], url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    const [name, wantPort] = pattern.startsWith('[') ? [pattern.slice(1, pattern.indexOf(']')), pattern.split(']:')[1]] : pattern.split(':');
    if (wantPort !== undefined && wantPort !== port) return false;
    if (name.startsWith('*.')) return host.endsWith(name.slice(1));
    return host === name;
  });
}
